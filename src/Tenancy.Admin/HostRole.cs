namespace Tenancy.Admin;

/// <summary>
/// What this process does, from <c>--role web|worker|all</c> (configuration key <c>Role</c>,
/// default <c>all</c>). <c>web</c> serves the portal and the Stripe webhook endpoint;
/// <c>worker</c> runs the background services (<c>AddTenancyJobs</c>: Stripe event worker,
/// grace-period sweep, quota cache refresh) and serves only health checks; <c>all</c> does both.
/// Any number of each may run against one PostgreSQL database.
/// </summary>
public sealed record HostRole(bool ServesWeb, bool RunsWorkers)
{
    public const string ConfigurationKey = "Role";

    public static readonly HostRole All = new(true, true);
    public static readonly HostRole Web = new(true, false);
    public static readonly HostRole Worker = new(false, true);

    public string Name => this == All ? "all" : this == Web ? "web" : "worker";

    public static HostRole From(IConfiguration configuration)
    {
        var value = configuration[ConfigurationKey]?.Trim();
        return value?.ToLowerInvariant() switch
        {
            null or "" or "all" => All,
            "web" => Web,
            "worker" => Worker,
            _ => throw new InvalidOperationException($"Unknown host role '{value}': use --role web, worker or all."),
        };
    }
}

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tenancy.Core.Jobs;

namespace Tenancy.Core.Features.Billing;

/// <summary>
/// Runs <see cref="GraceSweeper"/> at start and every <see cref="BillingOptions.SweepInterval"/>:
/// re-queues parked events whose customer has appeared, then suspends tenants whose grace ran out
/// unpaid. Runs in the <c>worker</c> and <c>all</c> host roles.
/// </summary>
public sealed class GracePeriodSweep(
    IServiceScopeFactory scopes,
    IOptions<BillingOptions> options,
    TimeProvider clock,
    ILogger<GracePeriodSweep> logger) : PeriodicSweep(scopes, clock, logger)
{
    protected override string Name => "Grace-period sweep";

    protected override TimeSpan Interval => options.Value.SweepInterval;

    protected override async Task RunAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var sweeper = services.GetRequiredService<GraceSweeper>();
        await sweeper.RequeueLinkedAsync(cancellationToken);
        await sweeper.SweepAsync(cancellationToken);
    }
}

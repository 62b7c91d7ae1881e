using Tenancy.Core;
using Tenancy.Core.Data;
using Tenancy.Core.Data.Seeding;

namespace Tenancy.Admin;

/// <summary>
/// <c>dotnet run --project src/Tenancy.Admin -- seed --tenants N</c>: migrate the configured
/// database and add N generated tenants (binary COPY on PostgreSQL), reporting the rate.
/// </summary>
internal static class SeedCommand
{
    public static bool IsInvoked(string[] args) => args.Length > 0 && args[0] == "seed";

    public static async Task<int> RunAsync(string[] args)
    {
        var tenants = 0;
        int? usageTenants = null;
        var bad = false;
        for (var i = 1; i < args.Length; i++)
        {
            if (args[i] == "--tenants" && i + 1 < args.Length && int.TryParse(args[i + 1], out var n) && n > 0)
            {
                tenants = n;
            }
            else if (args[i] == "--usage-tenants")
            {
                if (i + 1 < args.Length && int.TryParse(args[i + 1], out var u) && u >= 0)
                {
                    usageTenants = u;
                }
                else
                {
                    bad = true;
                }
            }
        }

        if (tenants == 0 || bad)
        {
            await Console.Error.WriteLineAsync(
                "usage: seed --tenants N [--usage-tenants M]   (N > 0; M tenants get 90 days of usage, default 1 % of N, at most 10,000; " +
                "uses Database:Provider and ConnectionStrings:Tenancy)");
            return 2;
        }

        using var host = BuildHost(args);
        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };

        await host.Services.GetRequiredService<DatabaseInitializer>().InitializeAsync(cancel.Token);
        var seeder = host.Services.GetRequiredService<DemoDataSeeder>();
        Console.WriteLine($"Seeding {tenants:N0} tenants...");
        var report = await seeder.SeedAsync(tenants, cancel.Token, usageTenants: usageTenants);
        Console.WriteLine(
            $"Seeded {report.Tenants:N0} tenants and {report.TenantDataRows:N0} tenant data rows in {report.Elapsed.TotalSeconds:F1} s " +
            $"({report.TenantsPerSecond:N0} tenants/s)");
        return 0;
    }

    /// <summary>
    /// The database and the Core services for a command (<c>seed</c>, <c>distribute</c>) from the
    /// portal's configuration and the arguments after the command's name; no demo seeding, no web.
    /// </summary>
    internal static IHost BuildHost(string[] args)
    {
        var builder = Host.CreateApplicationBuilder(args[1..]);
        builder.Configuration["Database:DemoTenants"] = "0";
        builder.AddTenancyCore();
        return builder.Build();
    }
}

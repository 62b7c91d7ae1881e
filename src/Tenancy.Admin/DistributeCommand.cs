using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Tenancy.Core.Data;
using Tenancy.Core.Data.Citus;

namespace Tenancy.Admin;

/// <summary>
/// <c>dotnet run --project src/Tenancy.Admin -- distribute</c>: migrate the configured database and,
/// when it has the <c>citus</c> extension, apply the distribution plan (decision 0006), then print
/// where every table lives. Start-up does the same when <c>Database:MigrateOnStartup</c> is on; this
/// is the deploy step for when it is off. Idempotent.
/// </summary>
internal static class DistributeCommand
{
    public static bool IsInvoked(string[] args) => args.Length > 0 && args[0] == "distribute";

    public static async Task<int> RunAsync(string[] args)
    {
        using var host = SeedCommand.BuildHost(args);

        var report = await host.Services.GetRequiredService<DatabaseInitializer>().MigrateAsync();
        if (!report.IsCitus)
        {
            Console.WriteLine("Migrated. The database has no citus extension: every table stays where it is (plain PostgreSQL or SQLite).");
            return 0;
        }

        await using var db = await host.Services.GetRequiredService<IDbContextFactory<TenancyDbContext>>().CreateDbContextAsync();
        Console.WriteLine(report.TablesDistributed.Count == 0
            ? "Migrated. Every table was already where the plan puts it."
            : $"Migrated and distributed {string.Join(", ", report.TablesDistributed)}.");
        foreach (var table in CitusDistribution.PlanFor(db.GetService<IDesignTimeModel>().Model))
        {
            Console.WriteLine($"  {table.Table,-24} {(table.Placement == TablePlacement.DistributedByTenant ? "sharded by tenant_id" : "coordinator")}");
        }

        return 0;
    }
}

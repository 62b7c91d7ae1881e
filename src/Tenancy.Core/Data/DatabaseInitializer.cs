using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tenancy.Core.Data.Citus;
using Tenancy.Core.Data.Seeding;

namespace Tenancy.Core.Data;

/// <summary>Start-up work on the database: apply migrations, seed demo data into an empty database.</summary>
public sealed partial class DatabaseInitializer(
    IDbContextFactory<TenancyDbContext> contextFactory,
    IOptions<DatabaseOptions> options,
    DemoDataSeeder seeder,
    ILogger<DatabaseInitializer> logger)
{
    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        if (options.Value.MigrateOnStartup)
        {
            await MigrateAsync(cancellationToken);
        }

        if (db.Provider == DatabaseProvider.Sqlite)
        {
            // Readers never wait for the writer; the setting is kept in the database file.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }

        var demoTenants = options.Value.EffectiveDemoTenants;
        if (demoTenants > 0 && !options.Value.MigrateOnStartup && (await db.Database.GetPendingMigrationsAsync(cancellationToken)).Any())
        {
            // Migrations are left to a deploy step (MigrateOnStartup off) that has not run yet.
            LogNotMigrated();
            return;
        }

        if (demoTenants > 0 && !await db.Tenants.AnyAsync(cancellationToken))
        {
            LogSeeding(demoTenants);
            var report = await seeder.SeedAsync(demoTenants, cancellationToken);
            LogSeeded(report.Tenants, report.Elapsed.TotalSeconds, report.TenantsPerSecond);
        }
    }

    /// <summary>
    /// Applies the pending migrations and, on a Citus cluster, shards what they left on the
    /// coordinator (decision 0006); returns what the distribution did.
    /// </summary>
    public async Task<CitusDistributionReport> MigrateAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);

        // A migration that converts data (ChangeLogEntries rewrites the change log) runs as
        // long as the data takes: not cut off by the usual 30-second command timeout.
        db.Database.SetCommandTimeout(TimeSpan.FromHours(1));

        // EF reads the migrations history before it creates the table, which on an empty
        // PostgreSQL database fails and logs an error for a start that is in fact fine.
        await db.GetService<IHistoryRepository>().CreateIfNotExistsAsync(cancellationToken);
        await db.Database.MigrateAsync(cancellationToken);
        LogMigrated(db.Provider);

        var distribution = await CitusDistribution.ApplyAsync(db, cancellationToken);
        if (distribution.IsCitus)
        {
            LogDistributed(distribution.TablesDistributed.Count, string.Join(", ", distribution.TablesDistributed), distribution.CaptureTriggersInstalled);
        }

        return distribution;
    }

    /// <summary>True when the database answers and has every migration applied.</summary>
    public async Task<bool> IsReadyAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
            if (!await db.Database.CanConnectAsync(cancellationToken))
            {
                return false;
            }

            return !(await db.Database.GetPendingMigrationsAsync(cancellationToken)).Any();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogNotReady(ex);
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Database migrated ({Provider})")]
    private partial void LogMigrated(DatabaseProvider provider);

    [LoggerMessage(Level = LogLevel.Information, Message = "Citus: {Count} tables distributed now ({Tables}); row-level capture triggers installed: {TriggersInstalled}")]
    private partial void LogDistributed(int count, string tables, bool triggersInstalled);

    [LoggerMessage(Level = LogLevel.Information, Message = "Empty database: seeding {Tenants} demo tenants (Database:DemoTenants)")]
    private partial void LogSeeding(int tenants);

    [LoggerMessage(Level = LogLevel.Information, Message = "Seeded {Tenants} tenants in {Seconds:F1} s ({Rate:N0} tenants/s)")]
    private partial void LogSeeded(long tenants, double seconds, double rate);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The database has pending migrations and Database:MigrateOnStartup is off: demo data is not seeded, /readyz answers 503 until they are applied")]
    private partial void LogNotMigrated();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Readiness check failed")]
    private partial void LogNotReady(Exception exception);
}

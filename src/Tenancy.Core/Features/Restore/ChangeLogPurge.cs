using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Tenancy.Core.Data;

namespace Tenancy.Core.Features.Restore;

/// <summary>What one purge did.</summary>
public sealed record ChangeLogPurgeResult(int PartitionsCreated, int PartitionsDropped, long RowsDeleted);

/// <summary>
/// Keeps the change log within <see cref="RestoreOptions.Retention"/> (decision 0005).
/// PostgreSQL: creates the coming weeks' partitions, drops weekly partitions wholly older than
/// the cutoff (no DELETE, no bloat) and deletes the few old rows the default partition may hold.
/// SQLite: deletes old rows in batches of <see cref="RestoreOptions.PurgeBatchSize"/>, one
/// transaction each. Idempotent: several instances may run it.
/// </summary>
public sealed class ChangeLogPurge(IDbContextFactory<TenancyDbContext> contextFactory, IOptions<RestoreOptions> options, TimeProvider clock)
{
    private const string WeekPrefix = "tenant_changes_w";

    public async Task<ChangeLogPurgeResult> PurgeAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var cutoff = now - options.Value.Retention;
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        return db.Provider == DatabaseProvider.Postgres
            ? await PurgePostgresAsync(db, now, cutoff, cancellationToken)
            : new ChangeLogPurgeResult(0, 0, await PurgeSqliteAsync(db, cutoff, cancellationToken));
    }

    private static async Task<ChangeLogPurgeResult> PurgePostgresAsync(TenancyDbContext db, DateTime now, DateTime cutoff, CancellationToken cancellationToken)
    {
        var created = await db.Database
            .SqlQueryRaw<int>($"SELECT {TenantChangePartitions.EnsureFunction}({{0}}, {TenantChangePartitions.WeeksAhead}) AS \"Value\"", now)
            .SingleAsync(cancellationToken);

        var weeks = await db.Database.SqlQueryRaw<string>(
                "SELECT c.relname AS \"Value\" FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid " +
                "WHERE i.inhparent = 'tenant_changes'::regclass ORDER BY 1")
            .ToListAsync(cancellationToken);
        var dropped = 0;
        foreach (var partition in weeks.Where(p => p.StartsWith(WeekPrefix, StringComparison.Ordinal)))
        {
            var weekStart = DateTime.ParseExact(partition[WeekPrefix.Length..], "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
            if (weekStart.AddDays(7) <= cutoff)
            {
                // The name comes from the catalog and matched the partition pattern: no user input.
#pragma warning disable EF1002 // Identifiers cannot be parameters.
                await db.Database.ExecuteSqlRawAsync($"DROP TABLE IF EXISTS \"{partition}\"", cancellationToken);
#pragma warning restore EF1002
                dropped++;
            }
        }

        var deleted = await db.Database.ExecuteSqlAsync($"DELETE FROM tenant_changes_default WHERE changed_at < {cutoff}", cancellationToken);
        return new ChangeLogPurgeResult(created, dropped, deleted);
    }

    private async Task<long> PurgeSqliteAsync(TenancyDbContext db, DateTime cutoff, CancellationToken cancellationToken)
    {
        var batch = options.Value.PurgeBatchSize;
        long deleted = 0;
        int rows;
        do
        {
            // Oldest first by seq, which follows time under SQLite's single writer: a batch stops scanning once it has its rows.
            rows = await db.Database.ExecuteSqlAsync(
                $"DELETE FROM tenant_changes WHERE seq IN (SELECT seq FROM tenant_changes WHERE changed_at < {cutoff} ORDER BY seq LIMIT {batch})",
                cancellationToken);
            deleted += rows;
        }
        while (rows == batch);

        return deleted;
    }
}

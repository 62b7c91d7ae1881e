using Microsoft.EntityFrameworkCore;
using Tenancy.Core.Data;

namespace Tenancy.Core.Features.Usage;

/// <summary>
/// Snapshots of the gauges (seats, projects, storage): each tenant's level, counted from its data,
/// written to today's row and this hour of <c>usage_days</c>. Only the tenants whose data changed
/// since the last run are counted (the change log says which: every write of tenant data is in it),
/// so a run costs what changed, not the fleet; and a tenant staff open is counted then.
/// </summary>
public sealed class UsageGauges(IDbContextFactory<TenancyDbContext> contextFactory, IEnumerable<IUsageRollupObserver> observers, TimeProvider clock)
{
    public const string WatermarkName = "gauges";

    private const int Chunk = 1_000;

    /// <summary>
    /// Snapshots every tenant with changes since the watermark (the first run: the last day), then
    /// moves the watermark to the start of this run. Returns the tenants counted.
    /// </summary>
    public async Task<int> SnapshotChangedAsync(CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var watermark = await db.UsageWatermarks.FindAsync([WatermarkName], cancellationToken);
        var since = watermark?.Value ?? now.AddDays(-1);
        var tenants = await db.TenantChanges.AsNoTracking()
            .Where(c => c.ChangedAt >= since)
            .Select(c => c.TenantId)
            .Distinct()
            .ToListAsync(cancellationToken);
        foreach (var chunk in tenants.Chunk(Chunk))
        {
            await SnapshotAsync(db, [.. chunk], now, cancellationToken);
        }

        if (watermark is null)
        {
            db.UsageWatermarks.Add(new UsageWatermark { Name = WatermarkName, Value = now });
        }
        else
        {
            watermark.Value = now;
        }

        await db.SaveChangesAsync(cancellationToken);
        return tenants.Count;
    }

    /// <summary>Snapshots one tenant now (staff opened its usage).</summary>
    public async Task SnapshotAsync(Guid tenantId, CancellationToken cancellationToken = default)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        await SnapshotAsync(db, [tenantId], clock.GetUtcNow().UtcDateTime, cancellationToken);
    }

    private async Task SnapshotAsync(TenancyDbContext db, List<Guid> ids, DateTime now, CancellationToken cancellationToken)
    {
        var levels = await TenantDataUsage.ReadManyAsync(db, ids, cancellationToken);
        var day = DateTime.SpecifyKind(now.Date, DateTimeKind.Utc);
        var rows = new List<UsageDayValues>(ids.Count * QuotaMetrics.Gauges.Count);
        foreach (var id in ids)
        {
            foreach (var metric in QuotaMetrics.Gauges)
            {
                var level = levels.GetValueOrDefault((id, metric));
                var hours = new long?[UsageDay.Hours];
                hours[now.Hour] = level;
                rows.Add(new UsageDayValues(id, metric, day, level, hours));
            }
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await UsageDays.SetAsync(db, rows, cancellationToken);
        foreach (var observer in observers)
        {
            await observer.RolledUpAsync(db, ids, now, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }
}

using Microsoft.EntityFrameworkCore;
using Tenancy.Core.Data;
using Tenancy.Core.Features.Usage;

namespace Tenancy.Core.Features.Quotas;

/// <summary>When usage reaches a limit at its recent rate: the one rule for the pressure table and the charts.</summary>
public static class QuotaProjection
{
    /// <summary>Days of history the rate of a counted metric is taken over (today included).</summary>
    public const int CountedRateDays = 7;

    /// <summary>Days of history the growth of a gauge is taken over.</summary>
    public const int GaugeGrowthDays = 30;

    /// <summary>The first day of the counted metrics' rate window for <paramref name="nowUtc"/>.</summary>
    public static DateTime RateWindowStart(DateTime nowUtc) => nowUtc.Date.AddDays(-(CountedRateDays - 1));

    /// <summary>
    /// A counted monthly metric: <paramref name="recentUsed"/> was used since
    /// <see cref="RateWindowStart"/>; at that rate, when does this month's <paramref name="used"/>
    /// reach <paramref name="limit"/>? Null when it will not before the month ends (the counter
    /// starts again) or is already there.
    /// </summary>
    public static DateTime? Counted(long used, long limit, long recentUsed, DateTime nowUtc)
    {
        var elapsedDays = (nowUtc - RateWindowStart(nowUtc)).TotalDays;
        if (used >= limit || recentUsed <= 0 || elapsedDays <= 0)
        {
            return null;
        }

        var days = (limit - used) / (recentUsed / elapsedDays);
        if (days > 31)
        {
            return null; // past the month's end, whatever the month
        }

        var at = nowUtc.AddDays(days);
        return at < QuotaMetrics.MonthOf(nowUtc).End ? at : null;
    }

    /// <summary>
    /// A gauge at <paramref name="level"/> that was <paramref name="levelBefore"/>
    /// <see cref="GaugeGrowthDays"/> days ago: when does it reach <paramref name="limit"/> if it
    /// keeps growing so? Null when it does not grow, is already there, or would take over a year.
    /// </summary>
    public static DateTime? Gauge(long level, long levelBefore, long limit, DateTime nowUtc)
    {
        if (level >= limit || level <= levelBefore)
        {
            return null;
        }

        var perDay = (level - levelBefore) / (double)GaugeGrowthDays;
        var days = (limit - level) / perDay;
        return days <= 366 ? nowUtc.AddDays(days) : null;
    }
}

/// <summary>
/// Keeps <c>quota_pressure</c>: after the rollup adds usage, after a gauge snapshot, and after a
/// quota or plan change, each tenant's used ÷ limit and projected date per limited metric. Reads
/// in batches of 1,000 tenants: the limits (as the enforcer reads them), this month's counters,
/// the last week's days and the gauges' levels; one upsert.
/// </summary>
public sealed class QuotaPressureUpdater : IUsageRollupObserver
{
    private const int Chunk = 1_000;

    public Task RolledUpAsync(TenancyDbContext db, IReadOnlyCollection<Guid> tenantIds, DateTime nowUtc, CancellationToken cancellationToken) =>
        UpdateAsync(db, tenantIds, nowUtc, cancellationToken);

    public async Task UpdateAsync(TenancyDbContext db, IReadOnlyCollection<Guid> tenantIds, DateTime nowUtc, CancellationToken cancellationToken = default)
    {
        // A reader per update: the plans' defaults as they are now, read once for all the chunks.
        var limitsReader = new QuotaLimitsReader();
        var counted = QuotaMetrics.Monthly;
        var gauges = QuotaMetrics.Gauges;
        foreach (var chunk in tenantIds.Chunk(Chunk))
        {
            var ids = chunk.ToList();
            var limits = await limitsReader.ReadAsync(db, ids, async: true, cancellationToken);
            var period = QuotaMetrics.PeriodOf(nowUtc);
            var counters = (await db.UsageCounters.AsNoTracking()
                    .Where(c => ids.Contains(c.TenantId) && c.Period == period)
                    .Select(c => new { c.TenantId, c.Metric, c.Used })
                    .ToListAsync(cancellationToken))
                .ToDictionary(c => (c.TenantId, c.Metric), c => c.Used);
            var rateFrom = QuotaProjection.RateWindowStart(nowUtc);
            var recent = (await db.UsageDays.AsNoTracking()
                    .Where(d => ids.Contains(d.TenantId) && counted.Contains(d.Metric) && d.Day >= rateFrom)
                    .GroupBy(d => new { d.TenantId, d.Metric })
                    .Select(g => new { g.Key.TenantId, g.Key.Metric, Used = g.Sum(d => d.Amount) })
                    .ToListAsync(cancellationToken))
                .ToDictionary(r => (r.TenantId, r.Metric), r => r.Used);
            var gaugeRows = (await db.UsageDays.AsNoTracking()
                    .Where(d => ids.Contains(d.TenantId) && gauges.Contains(d.Metric))
                    .Select(d => new { d.TenantId, d.Metric, d.Day, d.Amount })
                    .ToListAsync(cancellationToken))
                .ToLookup(r => (r.TenantId, r.Metric));

            var upserts = new List<QuotaPressure>();
            var growthFrom = nowUtc.Date.AddDays(-QuotaProjection.GaugeGrowthDays);
            foreach (var tenantId in ids)
            {
                var tenantLimits = limits[tenantId];
                if (!tenantLimits.Exists)
                {
                    continue;
                }

                foreach (var metric in QuotaMetrics.Monthly)
                {
                    var used = counters.GetValueOrDefault((tenantId, metric));
                    var limit = tenantLimits.Values[(int)metric];
                    upserts.Add(Row(tenantId, metric, used, limit, QuotaProjection.Counted(used, limit, recent.GetValueOrDefault((tenantId, metric)), nowUtc), nowUtc));
                }

                foreach (var metric in QuotaMetrics.Gauges)
                {
                    var rows = gaugeRows[(tenantId, metric)].OrderBy(r => r.Day).ToList();
                    if (rows.Count == 0)
                    {
                        continue;
                    }

                    var level = rows[^1].Amount;
                    var before = rows.LastOrDefault(r => r.Day <= growthFrom)?.Amount ?? rows[0].Amount;
                    var limit = tenantLimits.Values[(int)metric];
                    upserts.Add(Row(tenantId, metric, level, limit, QuotaProjection.Gauge(level, before, limit, nowUtc), nowUtc));
                }
            }

            // Only finite limits have a row: an unlimited (or zero) one has no pressure to show.
            var limited = upserts.Where(p => p.Limit > 0 && p.Limit != QuotaEnforcer.Unlimited).ToList();
            var unlimited = upserts.Where(p => p.Limit <= 0 || p.Limit == QuotaEnforcer.Unlimited).Select(p => (p.TenantId, p.Metric)).ToHashSet();
            await UpsertAsync(db, limited, cancellationToken);
            if (unlimited.Count > 0)
            {
                var unlimitedTenants = unlimited.Select(u => u.TenantId).Distinct().ToList();
                var stale = await db.QuotaPressure.Where(p => unlimitedTenants.Contains(p.TenantId)).ToListAsync(cancellationToken);
                db.QuotaPressure.RemoveRange(stale.Where(p => unlimited.Contains((p.TenantId, p.Metric))));
                await db.SaveChangesAsync(cancellationToken);
            }
        }
    }

    private static QuotaPressure Row(Guid tenantId, QuotaMetric metric, long used, long limit, DateTime? projectedAt, DateTime nowUtc) => new()
    {
        TenantId = tenantId,
        Metric = metric,
        Used = used,
        Limit = limit,
        Ratio = limit > 0 && limit != QuotaEnforcer.Unlimited ? (double)used / limit : 0,
        ProjectedAt = projectedAt,
        UpdatedAt = nowUtc,
    };

    private static async Task UpsertAsync(TenancyDbContext db, List<QuotaPressure> rows, CancellationToken cancellationToken)
    {
        // Locked in one order by every writer, after their days (see UsageDays): waits, no deadlocks.
        foreach (var chunk in rows.OrderBy(r => r.TenantId).ThenBy(r => r.Metric).Chunk(500))
        {
            var values = SqlValues.Of(chunk, r => [r.TenantId, r.Metric.ToString(), r.Used, r.Limit, r.Ratio, r.ProjectedAt, r.UpdatedAt]);
            var sql = "INSERT INTO quota_pressure (tenant_id, metric, used, \"limit\", ratio, projected_at, updated_at) VALUES " + values.Sql +
                " ON CONFLICT (tenant_id, metric) DO UPDATE SET used = excluded.used, \"limit\" = excluded.\"limit\", ratio = excluded.ratio, projected_at = excluded.projected_at, updated_at = excluded.updated_at";
            await db.Database.ExecuteSqlRawAsync(sql, values.Arguments, cancellationToken);
        }
    }
}

using Microsoft.EntityFrameworkCore;
using Tenancy.Core.Data;

namespace Tenancy.Core.Features.Usage;

/// <summary>Monthly usage counters: atomic increments and reads, the same SQL on PostgreSQL and SQLite.</summary>
public static class UsageCounters
{
    /// <summary>
    /// Adds <paramref name="amount"/> to the tenant's counter for <paramref name="metric"/> in
    /// <paramref name="period"/> (<c>yyyy-MM</c>) in one statement, creating it at need:
    /// <c>INSERT … ON CONFLICT DO UPDATE SET used = used + excluded.used</c>, atomic on both
    /// providers, so concurrent writers (several application instances) never lose counts.
    /// Joins the context's current transaction, if any.
    /// </summary>
    public static Task ConsumeAsync(
        TenancyDbContext db, Guid tenantId, QuotaMetric metric, string period, long amount, DateTime nowUtc,
        CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(amount);
        if (metric.Info().Kind != QuotaKind.MonthlyCounter)
        {
            throw new ArgumentException($"{metric} is not counted per month.", nameof(metric));
        }

        var name = metric.ToString();
        return db.Database.ExecuteSqlAsync(
            $"""
            INSERT INTO usage_counters (tenant_id, metric, period, used, updated_at)
            VALUES ({tenantId}, {name}, {period}, {amount}, {nowUtc})
            ON CONFLICT (tenant_id, metric, period)
            DO UPDATE SET used = usage_counters.used + excluded.used, updated_at = excluded.updated_at
            """,
            cancellationToken);
    }

    /// <summary>The tenant's monthly counters for <paramref name="period"/>, indexed by metric (0 where none).</summary>
    public static async Task<long[]> ReadAsync(TenancyDbContext db, Guid tenantId, string period, CancellationToken cancellationToken = default)
    {
        var used = new long[QuotaMetrics.Count];
        var rows = await db.Set<UsageCounter>().AsNoTracking()
            .Where(c => c.TenantId == tenantId && c.Period == period)
            .Select(c => new { c.Metric, c.Used })
            .ToListAsync(cancellationToken);
        foreach (var row in rows)
        {
            used[(int)row.Metric] = row.Used;
        }

        return used;
    }
}

using Microsoft.EntityFrameworkCore;
using Tenancy.Core.Data;

namespace Tenancy.Core.Features.Usage;

/// <summary>Usage of one counted metric by one tenant in one minute (UTC), to be written.</summary>
public readonly record struct UsageAmount(Guid TenantId, QuotaMetric Metric, DateTime Minute, long Amount);

/// <summary>
/// The one way usage reaches the database, for the meter's flushes and the ingest API alike: in
/// the caller's transaction, the write's id (so a retry of a write that committed writes nothing),
/// the monthly counters the enforcer reads (one atomic increment per tenant, metric and month) and
/// the minute buckets the rollup turns into the charts' days. So what enforcement counts is what
/// the charts show. The same SQL on PostgreSQL and SQLite.
/// </summary>
public static class UsageWriter
{
    /// <summary>Rows per multi-row statement (5 parameters each: well inside both providers' limits).</summary>
    private const int Chunk = 1_000;

    /// <summary>
    /// Writes <paramref name="amounts"/> as the write <paramref name="writeId"/>, unless a write
    /// with that id is already in the database: then it writes nothing and returns false. Call it
    /// in a transaction on <paramref name="db"/>; amounts must be of counted (monthly) metrics and
    /// not negative; minutes are truncated to the minute.
    /// </summary>
    public static async Task<bool> WriteAsync(
        TenancyDbContext db, Guid writeId, IReadOnlyCollection<UsageAmount> amounts, DateTime nowUtc, CancellationToken cancellationToken = default)
    {
        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("Write usage inside a transaction: its id, counters and buckets are written together or not at all.");
        }

        foreach (var amount in amounts)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(amount.Amount);
            if (!QuotaMetrics.IsDefined(amount.Metric) || amount.Metric.Info().Kind != QuotaKind.MonthlyCounter)
            {
                throw new ArgumentException($"{amount.Metric} is not a counted metric.", nameof(amounts));
            }
        }

        var first = await db.Database.ExecuteSqlAsync(
            $"INSERT INTO usage_flushes (id, flushed_at) VALUES ({writeId}, {nowUtc}) ON CONFLICT (id) DO NOTHING",
            cancellationToken);
        if (first == 0)
        {
            return false;
        }

        var buckets = amounts
            .Where(a => a.Amount > 0)
            .GroupBy(a => (a.TenantId, a.Metric, Minute: TruncateToMinute(a.Minute)))
            .Select(g => (g.Key.TenantId, g.Key.Metric, g.Key.Minute, Amount: g.Sum(a => a.Amount)))
            .ToList();
        var counters = buckets
            .GroupBy(b => (b.TenantId, b.Metric, Period: QuotaMetrics.PeriodOf(b.Minute)))
            .Select(g => (g.Key.TenantId, g.Key.Metric, g.Key.Period, Amount: g.Sum(b => b.Amount)))
            .OrderBy(c => c.TenantId).ThenBy(c => c.Metric).ThenBy(c => c.Period, StringComparer.Ordinal) // one lock order for every writer
            .ToList();

        foreach (var chunk in counters.Chunk(Chunk))
        {
            var rows = SqlValues.Of(chunk, c => [c.TenantId, c.Metric.ToString(), c.Period, c.Amount, nowUtc]);
            var sql = "INSERT INTO usage_counters (tenant_id, metric, period, used, updated_at) VALUES " + rows.Sql +
                " ON CONFLICT (tenant_id, metric, period) DO UPDATE SET used = usage_counters.used + excluded.used, updated_at = excluded.updated_at";
            await db.Database.ExecuteSqlRawAsync(sql, rows.Arguments, cancellationToken);
        }

        foreach (var chunk in buckets.Chunk(Chunk))
        {
            var rows = SqlValues.Of(chunk, b => [b.TenantId, b.Metric.ToString(), b.Minute, b.Amount, nowUtc]);
            var sql = "INSERT INTO usage_buckets (tenant_id, metric, minute, amount, recorded_at) VALUES " + rows.Sql;
            await db.Database.ExecuteSqlRawAsync(sql, rows.Arguments, cancellationToken);
        }

        return true;
    }

    public static DateTime TruncateToMinute(DateTime utc) =>
        new(utc.Ticks - utc.Ticks % TimeSpan.TicksPerMinute, DateTimeKind.Utc);
}

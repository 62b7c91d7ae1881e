using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Tenancy.Core.Data;
using Tenancy.Core.Jobs;

namespace Tenancy.Core.Features.Usage;

/// <summary>Told, in the rollup's transaction, which tenants' usage it just added to their days (the quota pressure is kept so).</summary>
public interface IUsageRollupObserver
{
    Task RolledUpAsync(TenancyDbContext db, IReadOnlyCollection<Guid> tenantIds, DateTime nowUtc, CancellationToken cancellationToken);
}

/// <summary>What one run of the rollup did.</summary>
public sealed record UsageRollupResult(int Buckets, int Days, int Tenants);

/// <summary>
/// Turns new minute buckets into the days (and their hours) the charts read (decision 0008).
/// Each batch is one transaction: claim buckets not yet rolled up (<see cref="QueueClaims"/>:
/// <c>FOR UPDATE SKIP LOCKED</c> on PostgreSQL, so several workers take different buckets), add
/// them to their days, mark them rolled up, and let the observers update what depends on the
/// tenants' usage. A bucket is added exactly once: the mark and the addition commit together, a
/// worker that dies rolls both back, and a bucket written late (a retried flush, an old event
/// over the ingest API) is simply a new bucket, added to its own minute's day whenever it comes.
/// </summary>
public sealed class UsageRollup(
    IDbContextFactory<TenancyDbContext> contextFactory,
    IEnumerable<IUsageRollupObserver> observers,
    IOptions<UsageOptions> options,
    TimeProvider clock)
{
    /// <summary>Rolls up batches until no bucket is waiting (or <paramref name="maxBatches"/> were done).</summary>
    public async Task<UsageRollupResult> RunAsync(int maxBatches = 100, CancellationToken cancellationToken = default)
    {
        var total = new UsageRollupResult(0, 0, 0);
        for (var i = 0; i < maxBatches; i++)
        {
            var batch = await RollBatchAsync(options.Value.RollupBatchSize, cancellationToken);
            total = new UsageRollupResult(total.Buckets + batch.Buckets, total.Days + batch.Days, total.Tenants + batch.Tenants);
            if (batch.Buckets < options.Value.RollupBatchSize)
            {
                break;
            }
        }

        return total;
    }

    /// <summary>One transaction: up to <paramref name="batchSize"/> buckets, oldest first.</summary>
    public async Task<UsageRollupResult> RollBatchAsync(int batchSize, CancellationToken cancellationToken = default)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var buckets = await db.ClaimAsync<UsageBucket>($"rolled_up_at IS NULL", "id", batchSize, cancellationToken);
        if (buckets.Count == 0)
        {
            return new UsageRollupResult(0, 0, 0);
        }

        var days = ToDays(buckets);
        await UsageDays.AddAsync(db, days, cancellationToken);

        var now = clock.GetUtcNow().UtcDateTime;
        var ids = buckets.Select(b => b.Id).ToList();
        foreach (var chunk in ids.Chunk(10_000))
        {
            var part = chunk.ToList();
            await db.UsageBuckets.Where(b => part.Contains(b.Id)).ExecuteUpdateAsync(u => u.SetProperty(b => b.RolledUpAt, now), cancellationToken);
        }

        var tenants = buckets.Select(b => b.TenantId).Distinct().ToList();
        foreach (var observer in observers)
        {
            await observer.RolledUpAsync(db, tenants, now, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return new UsageRollupResult(buckets.Count, days.Count, tenants.Count);
    }

    /// <summary>
    /// Deletes what retention no longer keeps: rolled-up buckets past <see cref="UsageOptions.RawRetention"/>,
    /// hours of days past <see cref="UsageOptions.HourlyRetention"/>, days past
    /// <see cref="UsageOptions.DailyRetention"/>. In chunks of short statements.
    /// </summary>
    public async Task<(int Buckets, int Hours, int Days)> PurgeAsync(CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var settings = options.Value;
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var rawBefore = now - settings.RawRetention;
        var buckets = await db.UsageBuckets.Where(b => b.RolledUpAt != null && b.RolledUpAt < rawBefore).ExecuteDeleteAsync(cancellationToken);
        var dayBefore = (now - settings.DailyRetention).Date;
        var days = await db.UsageDays.Where(d => d.Day < dayBefore).ExecuteDeleteAsync(cancellationToken);
        var hours = await UsageDays.ClearHoursBeforeAsync(db, (now - settings.HourlyRetention).Date, cancellationToken);
        var flushBefore = now - settings.IngestIdRetention;
        await db.UsageFlushes.Where(f => f.FlushedAt < flushBefore).ExecuteDeleteAsync(cancellationToken);
        return (buckets, hours, days);
    }

    /// <summary>The buckets summed per tenant, metric and day, with their hours.</summary>
    internal static List<UsageDayValues> ToDays(IEnumerable<UsageBucket> buckets)
    {
        var days = new Dictionary<(Guid, QuotaMetric, DateTime), UsageDayValues>();
        foreach (var bucket in buckets)
        {
            var key = (bucket.TenantId, bucket.Metric, bucket.Minute.Date);
            if (!days.TryGetValue(key, out var day))
            {
                day = new UsageDayValues(bucket.TenantId, bucket.Metric, DateTime.SpecifyKind(bucket.Minute.Date, DateTimeKind.Utc), 0, new long?[UsageDay.Hours]);
            }

            var hour = bucket.Minute.Hour;
            day.Hours[hour] = (day.Hours[hour] ?? 0) + bucket.Amount;
            days[key] = day with { Amount = day.Amount + bucket.Amount };
        }

        return [.. days.Values];
    }
}

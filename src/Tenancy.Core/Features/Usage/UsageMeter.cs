using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Tenancy.Core.Data;

namespace Tenancy.Core.Features.Usage;

/// <summary>
/// Counts monthly usage (API requests, outbound transfer) per tenant in memory and writes it to
/// <c>usage_counters</c>, so the product's hot path never waits on the database. One per process
/// (a singleton); the quota enforcer asks it and nothing else counts.
/// <para>
/// A tenant is counted from the first time it is tracked (<see cref="TrackAsync"/>, which reads
/// this month's counters) until it is released. Its <see cref="TenantUsage"/> answers "used this
/// month" and takes "add"; what was added waits in memory until <see cref="FlushAsync"/> writes it
/// with one atomic increment per tenant, metric and month (<see cref="UsageCounters.ConsumeAsync"/>),
/// and <see cref="ResyncAsync"/> re-reads the totals, so usage counted on other instances shows up
/// here. The meter owns what is pending: amounts of a month that has ended and of released
/// tenants wait in its queue for the next flush, which is the one place they are written.
/// </para>
/// </summary>
public sealed class UsageMeter(IDbContextFactory<TenancyDbContext> contextFactory, TimeProvider clock)
{
    private const int ResyncChunk = 1_000;

    /// <summary>The metrics counted per month, as indexes.</summary>
    internal static readonly int[] MonthlyIndexes = [.. QuotaMetrics.Monthly.Select(m => (int)m)];

    private readonly ConcurrentDictionary<Guid, TenantUsage> tenants = new();
    private readonly ConcurrentQueue<PendingUsage> unflushed = new();

    /// <summary>Writes that failed, with their ids, to be retried as they were (in order) before anything new.</summary>
    private readonly ConcurrentQueue<(Guid Id, List<UsageAmount> Amounts)> failedWrites = new();

    /// <summary>Flushes and resyncs take turns: a resync adds what is pending to what it reads, so no flush may move it in between.</summary>
    private readonly SemaphoreSlim gate = new(1, 1);

    /// <summary>
    /// The tenant's usage, reading this month's counters through <paramref name="db"/> when it is
    /// not tracked yet. With <paramref name="async"/> false every query runs synchronously and the
    /// task is complete on return (for the enforcer's blocking checks).
    /// </summary>
    internal async ValueTask<TenantUsage> TrackAsync(TenancyDbContext db, Guid tenantId, bool async, CancellationToken cancellationToken)
    {
        if (tenants.TryGetValue(tenantId, out var tracked))
        {
            if (!tracked.IsSynced)
            {
                await SyncAsync(db, tracked, async, cancellationToken);
            }

            return tracked;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var stored = await ReadMonthAsync(db, tenantId, QuotaMetrics.PeriodOf(now), async, cancellationToken);

        // Another thread may have tracked it meanwhile: keep the first, whose counts may be in use.
        return tenants.GetOrAdd(tenantId, new TenantUsage(this, tenantId, now, stored));
    }

    /// <summary>
    /// Stops counting the tenant here (it went idle): what it has not written yet goes to the
    /// queue for the next flush, as does anything still added through a reference to it.
    /// </summary>
    internal void Release(TenantUsage usage)
    {
        usage.Release();
        tenants.TryRemove(new KeyValuePair<Guid, TenantUsage>(usage.TenantId, usage));
    }

    /// <summary>
    /// Writes the usage counted here and not yet in the database, in one transaction: one
    /// increment per tenant, metric and month. On failure nothing is lost: it waits for the next flush.
    /// </summary>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            // A write that failed may have committed (the connection broke after the commit):
            // retried with its id first, it writes nothing if so.
            while (failedWrites.TryPeek(out var failed))
            {
                await WriteAsync(failed.Id, failed.Amounts, cancellationToken);
                failedWrites.TryDequeue(out _);
            }

            var batch = new Dictionary<(Guid TenantId, QuotaMetric Metric, DateTime Minute), long>();
            void Add(PendingUsage usage)
            {
                var key = (usage.TenantId, usage.Metric, usage.Minute);
                batch[key] = batch.GetValueOrDefault(key) + usage.Amount;
            }

            while (unflushed.TryDequeue(out var usage))
            {
                Add(usage);
            }

            var quietSince = clock.GetUtcNow().UtcTicks - RecordedIdleTimeout.Ticks;
            foreach (var tenant in tenants.Values)
            {
                if (tenant.HasPending())
                {
                    tenant.TakePending(Add);
                }
                else if (!tenant.IsSynced && tenant.LastAddedTicks < quietSince)
                {
                    // Only recorded, never checked, and quiet: no need to keep it (anything added
                    // meanwhile through a reference to it goes to the queue).
                    Release(tenant);
                }
            }

            if (batch.Count > 0)
            {
                var amounts = batch.Select(b => new UsageAmount(b.Key.TenantId, b.Key.Metric, b.Key.Minute, b.Value)).ToList();
                var id = Guid.CreateVersion7();
                try
                {
                    await WriteAsync(id, amounts, cancellationToken);
                }
                catch
                {
                    failedWrites.Enqueue((id, amounts));
                    throw;
                }
            }
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// Counts usage of a monthly metric that happened (an API call served, bytes sent), with no
    /// quota check: the product's cheap in-process call (no allocation once the tenant is known
    /// here, no database). The amount is written with the next flush, in the minute it was
    /// recorded, to the same counters the enforcer reads and the buckets the charts show.
    /// What a process that dies before its flush recorded is lost: at most one flush interval
    /// (<c>Quotas:CacheRefreshInterval</c>, 5 s by default).
    /// </summary>
    public void Record(Guid tenantId, QuotaMetric metric, long amount)
    {
        if (!QuotaMetrics.IsDefined(metric) || QuotaMetrics.Kinds[(int)metric] != QuotaKind.MonthlyCounter)
        {
            throw new ArgumentOutOfRangeException(nameof(metric), metric, "Only metrics counted per month are recorded.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(amount);
        var now = clock.GetUtcNow().UtcTicks;
        if (!tenants.TryGetValue(tenantId, out var usage))
        {
            usage = tenants.GetOrAdd(tenantId, static (id, state) => new TenantUsage(state.Meter, id, new DateTime(state.Now, DateTimeKind.Utc)), (Meter: this, Now: now));
        }

        usage.Add(metric, amount, now);
    }

    /// <summary>How long a tenant only recorded (never checked by the enforcer) is kept here after its last usage.</summary>
    internal static readonly TimeSpan RecordedIdleTimeout = TimeSpan.FromMinutes(2);

    private async ValueTask SyncAsync(TenancyDbContext db, TenantUsage usage, bool async, CancellationToken cancellationToken)
    {
        if (async)
        {
            await gate.WaitAsync(cancellationToken);
        }
        else
        {
            gate.Wait(cancellationToken);
        }

        try
        {
            if (usage.IsSynced)
            {
                return;
            }

            var now = clock.GetUtcNow().UtcDateTime;
            var period = QuotaMetrics.PeriodOf(now);
            usage.Sync(now, period, await ReadMonthAsync(db, usage.TenantId, period, async, cancellationToken));
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// Sets this month's usage of <paramref name="touched"/> to the database's count plus what is
    /// still to be written from here (after a <see cref="FlushAsync"/>, that is what other
    /// instances counted). Tenants whose month has ended start the new one.
    /// </summary>
    internal async Task ResyncAsync(IReadOnlyCollection<TenantUsage> touched, CancellationToken cancellationToken = default)
    {
        if (touched.Count == 0)
        {
            return;
        }

        await gate.WaitAsync(cancellationToken);
        try
        {
            var now = clock.GetUtcNow().UtcDateTime;
            var period = QuotaMetrics.PeriodOf(now);
            await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
            foreach (var chunk in touched.Chunk(ResyncChunk))
            {
                var ids = chunk.Select(u => u.TenantId).ToList();
                var rows = await db.UsageCounters.AsNoTracking()
                    .Where(c => ids.Contains(c.TenantId) && c.Period == period)
                    .Select(c => new { c.TenantId, c.Metric, c.Used })
                    .ToListAsync(cancellationToken);
                var stored = rows.ToLookup(r => r.TenantId, r => (r.Metric, r.Used));
                foreach (var usage in chunk)
                {
                    usage.Resync(now, period, stored[usage.TenantId]);
                }
            }
        }
        finally
        {
            gate.Release();
        }
    }

    internal void Enqueue(PendingUsage usage) => unflushed.Enqueue(usage);

    /// <summary>The tenant's counters of <paramref name="period"/>; synchronously (complete on return) when <paramref name="async"/> is false.</summary>
    private static async ValueTask<List<(QuotaMetric Metric, long Used)>> ReadMonthAsync(
        TenancyDbContext db, Guid tenantId, string period, bool async, CancellationToken cancellationToken)
    {
        var query = db.UsageCounters.AsNoTracking()
            .Where(c => c.TenantId == tenantId && c.Period == period)
            .Select(c => new { c.Metric, c.Used });
        var rows = async ? await query.ToListAsync(cancellationToken) : query.ToList();
        return [.. rows.Select(c => (c.Metric, c.Used))];
    }

    private async Task WriteAsync(Guid id, IReadOnlyCollection<UsageAmount> amounts, CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await UsageWriter.WriteAsync(db, id, amounts, clock.GetUtcNow().UtcDateTime, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }
}

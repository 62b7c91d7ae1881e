using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Tenancy.Core.Data;
using Tenancy.Core.Features.Access;
using Tenancy.Core.Features.Usage;

namespace Tenancy.Core.Features.Quotas;

/// <summary>
/// What the product calls on every request: may this tenant use this much of this metric now?
/// One per process (a singleton): a cache of each tenant's limits and access, and a rate limiter.
/// <para>
/// Limits come from an in-process cache (<see cref="TenantQuotaLimits"/>, read by
/// <see cref="QuotaLimitsReader"/>; whether the tenant may act at all is <see cref="TenantAccess"/>'s
/// rule). Rates count in fixed one-second windows (UTC) in memory, per instance. Monthly usage is
/// the <see cref="UsageMeter"/>'s: the enforcer asks a tenant's <see cref="TenantUsage"/> what was
/// used this month and adds what it allows. <see cref="RefreshAsync"/>, which
/// <see cref="QuotaCacheRefreshSweep"/> runs every <see cref="QuotaOptions.CacheRefreshInterval"/>,
/// has the meter write and re-read its counts (so other instances' usage shows up here) and
/// reloads the tenants whose quota version, plan or status changed. So a change made anywhere is
/// in force on every instance within one refresh interval (plus the refresh's own queries);
/// <see cref="QuotaService"/> and staff suspensions reload the tenant at once on their own
/// instance. Metrics counted from tenant data (seats, projects, storage) are counted in the
/// database when asked about, against the cached limit.
/// </para>
/// <para>
/// The cached path (<see cref="Check"/>/<see cref="TryConsume"/> of a cached tenant and a rate or
/// monthly metric) takes one dictionary lookup, one clock read and, to consume, one uncontended
/// lock, and allocates nothing.
/// </para>
/// </summary>
public sealed class QuotaEnforcer(IDbContextFactory<TenancyDbContext> contextFactory, UsageMeter meter, TimeProvider clock) : ITenantAccessObserver
{
    /// <summary>The cached value of an unlimited limit.</summary>
    internal const long Unlimited = long.MaxValue;

    private readonly ConcurrentDictionary<Guid, TenantQuotaEntry> entries = new();
    private readonly QuotaLimitsReader limitsReader = new();
    private readonly SemaphoreSlim refreshGate = new(1, 1);
    private long lastRefreshStartedTicks;
    private long lastRefreshedTicks;

    /// <summary>Tenants in the cache now.</summary>
    public int CachedTenants => entries.Count;

    /// <summary>When the last refresh finished (UTC), or null before the first.</summary>
    public DateTimeOffset? LastRefreshedAt =>
        Interlocked.Read(ref lastRefreshedTicks) is var ticks and > 0 ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;

    /// <summary>
    /// May the tenant use <paramref name="amount"/> more of <paramref name="metric"/>? Consumes nothing.
    /// A tenant not yet cached is loaded first (blocking; prefer <see cref="CheckAsync"/> where you can await).
    /// </summary>
    public QuotaDecision Check(Guid tenantId, QuotaMetric metric, long amount = 1) => Decide(tenantId, metric, amount, consume: false);

    /// <summary>
    /// As <see cref="Check"/>, and when allowed counts the amount: a request against the
    /// per-second rate, bytes or requests against this month's usage. For metrics counted from
    /// tenant data the data itself is the usage (add the member after an allowed answer), so this
    /// is the same as <see cref="Check"/>.
    /// </summary>
    public QuotaDecision TryConsume(Guid tenantId, QuotaMetric metric, long amount = 1) => Decide(tenantId, metric, amount, consume: true);

    public ValueTask<QuotaDecision> CheckAsync(Guid tenantId, QuotaMetric metric, long amount = 1, CancellationToken cancellationToken = default) =>
        DecideAsync(tenantId, metric, amount, consume: false, cancellationToken);

    public ValueTask<QuotaDecision> TryConsumeAsync(Guid tenantId, QuotaMetric metric, long amount = 1, CancellationToken cancellationToken = default) =>
        DecideAsync(tenantId, metric, amount, consume: true, cancellationToken);

    /// <summary>
    /// Re-reads one tenant's limits and access now, if it is cached (after this instance changed
    /// its quotas, plan or suspensions). Its usage and rate windows are kept.
    /// </summary>
    public async Task ReloadAsync(Guid tenantId, CancellationToken cancellationToken = default)
    {
        if (entries.TryGetValue(tenantId, out var entry))
        {
            await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
            entry.Limits = (await limitsReader.ReadAsync(db, [tenantId], async: true, cancellationToken))[tenantId];
        }
    }

    Task ITenantAccessObserver.AccessChangedAsync(Guid tenantId, CancellationToken cancellationToken) => ReloadAsync(tenantId, cancellationToken);

    /// <summary>
    /// One refresh of the cache (the refresher's tick; tests call it directly): the meter writes
    /// the usage counted here, changed tenants are reloaded, the meter re-reads this month's usage
    /// of the tenants checked since the last refresh, and tenants idle for
    /// <paramref name="idleTimeout"/> are dropped (the meter keeps what they have not written).
    /// </summary>
    public async Task RefreshAsync(TimeSpan? idleTimeout = null, CancellationToken cancellationToken = default)
    {
        await refreshGate.WaitAsync(cancellationToken);
        try
        {
            var started = clock.GetUtcNow().UtcTicks;
            var checkedSince = Interlocked.Read(ref lastRefreshStartedTicks);
            await meter.FlushAsync(cancellationToken);

            var cached = entries.Values.ToList();
            if (cached.Count > 0)
            {
                await using (var db = await contextFactory.CreateDbContextAsync(cancellationToken))
                {
                    foreach (var (tenantId, limits) in await limitsReader.ReadChangedAsync(db, cached, cancellationToken))
                    {
                        entries[tenantId].Limits = limits; // only a refresh drops entries, and this one holds the gate
                    }
                }

                await meter.ResyncAsync([.. cached.Where(e => Volatile.Read(ref e.LastUsedTicks) >= checkedSince).Select(e => e.Usage)], cancellationToken);
            }

            if (idleTimeout is { } idle)
            {
                Evict(cached, started - idle.Ticks);
            }

            Interlocked.Exchange(ref lastRefreshStartedTicks, started);
            Interlocked.Exchange(ref lastRefreshedTicks, clock.GetUtcNow().UtcTicks);
        }
        finally
        {
            refreshGate.Release();
        }
    }

    private static void ThrowIfInvalid(QuotaMetric metric, long amount)
    {
        if (!QuotaMetrics.IsDefined(metric))
        {
            throw new ArgumentOutOfRangeException(nameof(metric), metric, "Unknown quota metric.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(amount);
    }

    private QuotaDecision Decide(Guid tenantId, QuotaMetric metric, long amount, bool consume)
    {
        ThrowIfInvalid(metric, amount);
        if (entries.TryGetValue(tenantId, out var entry) && TryDecide(entry, metric, amount, consume, out var decision, out _))
        {
            return decision;
        }

        // async: false runs every query synchronously, so the answer is already there.
        var slow = DecideSlowlyAsync(tenantId, entry, metric, amount, consume, async: false, CancellationToken.None);
        return slow.IsCompletedSuccessfully ? slow.Result : slow.AsTask().GetAwaiter().GetResult();
    }

    private ValueTask<QuotaDecision> DecideAsync(Guid tenantId, QuotaMetric metric, long amount, bool consume, CancellationToken cancellationToken)
    {
        ThrowIfInvalid(metric, amount);
        return entries.TryGetValue(tenantId, out var entry) && TryDecide(entry, metric, amount, consume, out var decision, out _)
            ? new ValueTask<QuotaDecision>(decision)
            : DecideSlowlyAsync(tenantId, entry, metric, amount, consume, async: true, cancellationToken);
    }

    /// <summary>Loads the tenant if it is not cached, and counts its data for a limited metric counted from tenant data.</summary>
    private async ValueTask<QuotaDecision> DecideSlowlyAsync(
        Guid tenantId, TenantQuotaEntry? entry, QuotaMetric metric, long amount, bool consume, bool async, CancellationToken cancellationToken)
    {
        var db = async ? await contextFactory.CreateDbContextAsync(cancellationToken) : contextFactory.CreateDbContext();
        try
        {
            if (entry is null)
            {
                var limits = (await limitsReader.ReadAsync(db, [tenantId], async, cancellationToken))[tenantId];
                var usage = await meter.TrackAsync(db, tenantId, async, cancellationToken);

                // Another thread may have loaded it meanwhile: keep the first, whose rate windows may be in use.
                entry = entries.GetOrAdd(tenantId, new TenantQuotaEntry(tenantId, limits, usage));
            }

            if (TryDecide(entry, metric, amount, consume, out var decision, out var limit))
            {
                return decision;
            }

            var used = await TenantDataUsage.CountAsync(db, tenantId, metric, async, cancellationToken);
            return new QuotaDecision(amount > limit - used ? QuotaDenial.OverQuota : QuotaDenial.None, metric, limit, used, amount).Flagged(entry.Limits.PastDue);
        }
        finally
        {
            if (async)
            {
                await db.DisposeAsync();
            }
            else
            {
                db.Dispose();
            }
        }
    }

    /// <summary>
    /// The cached decision: false only for a limited metric counted from tenant data, whose
    /// usage the caller then counts in the database.
    /// </summary>
    private bool TryDecide(TenantQuotaEntry entry, QuotaMetric metric, long amount, bool consume, out QuotaDecision decision, out long limit)
    {
        var now = clock.GetUtcNow().UtcTicks;
        var limits = entry.Limits;
        var i = (int)metric;
        limit = limits.Values[i];
        Volatile.Write(ref entry.LastUsedTicks, now);
        if (limits.Denial != QuotaDenial.None)
        {
            decision = new QuotaDecision(limits.Denial, metric, limit, 0, amount, limits.DenialDetail);
            return true;
        }

        bool decided;
        switch (QuotaMetrics.Kinds[i])
        {
            case QuotaKind.Rate:
                decision = consume ? entry.TakeRate(metric, amount, limit, now) : entry.PeekRate(metric, amount, limit, now);
                decided = true;
                break;
            case QuotaKind.MonthlyCounter:
                long used;
                var allowed = consume
                    ? entry.Usage.TryAdd(metric, amount, limit, now, out used)
                    : amount <= limit - (used = entry.Usage.UsedThisMonth(metric, now));
                decision = new QuotaDecision(allowed ? QuotaDenial.None : QuotaDenial.OverQuota, metric, limit, used, amount);
                decided = true;
                break;
            default:
                decision = new QuotaDecision(QuotaDenial.None, metric, limit, 0, amount);
                decided = limit == Unlimited;
                break;
        }

        decision = decision.Flagged(limits.PastDue);
        return decided;
    }

    /// <summary>Drops the tenants not checked since <paramref name="idleBefore"/> (ticks); the meter releases their usage first.</summary>
    private void Evict(List<TenantQuotaEntry> cached, long idleBefore)
    {
        foreach (var entry in cached)
        {
            if (Volatile.Read(ref entry.LastUsedTicks) < idleBefore)
            {
                // Released before it leaves the cache, so a check that reloads it tracks the tenant afresh.
                meter.Release(entry.Usage);
                entries.TryRemove(new KeyValuePair<Guid, TenantQuotaEntry>(entry.TenantId, entry));
            }
        }
    }
}

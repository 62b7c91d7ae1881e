using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Tenancy.Core.Data;
using Tenancy.Core.Features.Suspensions;
using Tenancy.Core.Features.Tenants;
using Tenancy.Core.Features.Usage;

namespace Tenancy.Core.Features.Quotas;

/// <summary>
/// What the product calls on every request: may this tenant use this much of this metric now?
/// One per process (a singleton).
/// <para>
/// Answers come from an in-process cache of each tenant's effective limits and status
/// (<see cref="TenantQuotaEntry"/>). Rates count in fixed one-second windows (UTC) in memory, per
/// instance. Monthly counters count in memory and are written to <c>usage_counters</c> with an
/// atomic increment by <see cref="RefreshAsync"/>, which <see cref="QuotaCacheRefreshSweep"/> runs
/// every <see cref="QuotaOptions.CacheRefreshInterval"/>; the same refresh re-reads the database
/// count (so other instances' usage shows up here), and reloads the tenants whose quota version,
/// plan or status changed. So a change made anywhere is in force on every instance within one
/// refresh interval (plus the refresh's own queries), and <see cref="QuotaService"/> reloads the
/// tenant at once on its own instance. Metrics counted from tenant data (seats, projects,
/// storage) are counted in the database when asked about, against the cached limit.
/// </para>
/// <para>
/// The cached path (<see cref="Check"/>/<see cref="TryConsume"/> of a cached tenant and a rate or
/// monthly metric) takes one dictionary lookup, one clock read and, to consume, one uncontended
/// lock, and allocates nothing.
/// </para>
/// </summary>
public sealed class QuotaEnforcer(IDbContextFactory<TenancyDbContext> contextFactory, TimeProvider clock)
{
    /// <summary>The cached value of an unlimited limit.</summary>
    internal const long Unlimited = long.MaxValue;

    private const int RefreshChunk = 1_000;

    /// <summary>The metrics counted per month, as indexes.</summary>
    internal static readonly int[] MonthlyIndexes = [.. QuotaMetrics.Monthly.Select(m => (int)m)];

    private readonly ConcurrentDictionary<Guid, TenantQuotaEntry> entries = new();
    private readonly ConcurrentQueue<PendingUsage> unflushed = new();
    private readonly SemaphoreSlim refreshGate = new(1, 1);
    private volatile PlanDefaults? plans;
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
    /// per-second rate, bytes or requests against this month's counter. For metrics counted from
    /// tenant data the data itself is the usage (add the member after an allowed answer), so this
    /// is the same as <see cref="Check"/>.
    /// </summary>
    public QuotaDecision TryConsume(Guid tenantId, QuotaMetric metric, long amount = 1) => Decide(tenantId, metric, amount, consume: true);

    public ValueTask<QuotaDecision> CheckAsync(Guid tenantId, QuotaMetric metric, long amount = 1, CancellationToken cancellationToken = default) =>
        DecideAsync(tenantId, metric, amount, consume: false, cancellationToken);

    public ValueTask<QuotaDecision> TryConsumeAsync(Guid tenantId, QuotaMetric metric, long amount = 1, CancellationToken cancellationToken = default) =>
        DecideAsync(tenantId, metric, amount, consume: true, cancellationToken);

    /// <summary>
    /// Re-reads one tenant's limits and status now, if it is cached (after this instance changed
    /// its quotas or plan). Its counters and rate windows are kept.
    /// </summary>
    public async Task ReloadAsync(Guid tenantId, CancellationToken cancellationToken = default)
    {
        if (!entries.TryGetValue(tenantId, out var entry))
        {
            return;
        }

        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var current = plans ?? await LoadPlansAsync(db, async: true, cancellationToken);
        var tenant = await db.Tenants.AsNoTracking().Where(t => t.Id == tenantId)
            .Select(t => new TenantState(t.Status, t.PlanId, null)).FirstOrDefaultAsync(cancellationToken);
        tenant = await WithSuspensionsAsync(db, tenantId, tenant, async: true, cancellationToken);
        var set = await db.TenantQuotaSets.AsNoTracking().FirstOrDefaultAsync(s => s.TenantId == tenantId, cancellationToken);
        entry.Limits = BuildLimits(tenant, set, current);
    }

    /// <summary>
    /// One refresh of the cache (the refresher's tick; tests call it directly): writes the
    /// monthly usage consumed here since the last refresh, re-reads the tenants' quota versions,
    /// plans and statuses and reloads the changed ones, re-reads this month's counters of the
    /// tenants checked since the last refresh, and drops tenants idle for <paramref name="idleTimeout"/>.
    /// </summary>
    public async Task RefreshAsync(TimeSpan? idleTimeout = null, CancellationToken cancellationToken = default)
    {
        await refreshGate.WaitAsync(cancellationToken);
        try
        {
            var started = clock.GetUtcNow().UtcDateTime;
            var checkedSince = Interlocked.Read(ref lastRefreshStartedTicks);
            await FlushCoreAsync(cancellationToken);

            var cached = entries.Values.ToList();
            if (cached.Count > 0)
            {
                await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
                await RevalidateAsync(db, cached, cancellationToken);
                await ResyncCountersAsync(db, [.. cached.Where(e => Volatile.Read(ref e.LastUsedTicks) >= checkedSince)], started, cancellationToken);
            }

            if (idleTimeout is { } idle)
            {
                Evict(cached, started.Ticks - idle.Ticks);
            }

            Interlocked.Exchange(ref lastRefreshStartedTicks, started.Ticks);
            Interlocked.Exchange(ref lastRefreshedTicks, clock.GetUtcNow().UtcTicks);
        }
        finally
        {
            refreshGate.Release();
        }
    }

    /// <summary>Writes the monthly usage consumed here and not yet in the database (also at shutdown).</summary>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        await refreshGate.WaitAsync(cancellationToken);
        try
        {
            await FlushCoreAsync(cancellationToken);
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
        if (!entries.TryGetValue(tenantId, out var entry))
        {
            // async: false runs every query synchronously, so the ValueTask is already complete.
            entry = LoadAsync(tenantId, async: false, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        }

        if (TryDecide(entry, metric, amount, consume, out var decision, out var limit))
        {
            return decision;
        }

        using var db = contextFactory.CreateDbContext();
        return AgainstTenantData(metric, amount, limit, TenantDataUsage.Read(db, tenantId, metric)).Flagged(entry.Limits.PastDue);
    }

    private ValueTask<QuotaDecision> DecideAsync(Guid tenantId, QuotaMetric metric, long amount, bool consume, CancellationToken cancellationToken)
    {
        ThrowIfInvalid(metric, amount);
        return entries.TryGetValue(tenantId, out var entry) && TryDecide(entry, metric, amount, consume, out var decision, out _)
            ? new ValueTask<QuotaDecision>(decision)
            : DecideSlowlyAsync(tenantId, entry, metric, amount, consume, cancellationToken);
    }

    private async ValueTask<QuotaDecision> DecideSlowlyAsync(
        Guid tenantId, TenantQuotaEntry? entry, QuotaMetric metric, long amount, bool consume, CancellationToken cancellationToken)
    {
        entry ??= await LoadAsync(tenantId, async: true, cancellationToken);
        if (TryDecide(entry, metric, amount, consume, out var decision, out var limit))
        {
            return decision;
        }

        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        return AgainstTenantData(metric, amount, limit, await TenantDataUsage.ReadAsync(db, tenantId, metric, cancellationToken)).Flagged(entry.Limits.PastDue);
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
                decision = consume ? TakeRate(entry, i, amount, limit, now) : PeekRate(entry, i, amount, limit, now);
                decided = true;
                break;
            case QuotaKind.MonthlyCounter:
                decision = consume ? TakeMonthly(entry, i, amount, limit, now) : PeekMonthly(entry, i, amount, limit, now);
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

    private static QuotaDecision AgainstTenantData(QuotaMetric metric, long amount, long limit, long used) =>
        new(amount > limit - used ? QuotaDenial.OverQuota : QuotaDenial.None, metric, limit, used, amount);

    private static QuotaDecision PeekRate(TenantQuotaEntry entry, int i, long amount, long limit, long now)
    {
        var second = now / TimeSpan.TicksPerSecond;
        var count = Volatile.Read(ref entry.WindowSecond[i]) == second ? Volatile.Read(ref entry.WindowCount[i]) : 0;
        return new QuotaDecision(amount > limit - count ? QuotaDenial.RateLimited : QuotaDenial.None, (QuotaMetric)i, limit, count, amount);
    }

    private static QuotaDecision TakeRate(TenantQuotaEntry entry, int i, long amount, long limit, long now)
    {
        var second = now / TimeSpan.TicksPerSecond;
        lock (entry.Sync)
        {
            if (entry.WindowSecond[i] != second)
            {
                entry.WindowSecond[i] = second;
                entry.WindowCount[i] = 0;
            }

            var count = entry.WindowCount[i];
            if (amount > limit - count)
            {
                return new QuotaDecision(QuotaDenial.RateLimited, (QuotaMetric)i, limit, count, amount);
            }

            entry.WindowCount[i] = count + amount;
            return new QuotaDecision(QuotaDenial.None, (QuotaMetric)i, limit, count, amount);
        }
    }

    private static QuotaDecision PeekMonthly(TenantQuotaEntry entry, int i, long amount, long limit, long now)
    {
        // Past the month's end nothing counts yet in the new month (the next consume rolls over).
        var used = now >= Volatile.Read(ref entry.PeriodEndTicks) ? 0 : Volatile.Read(ref entry.Used[i]);
        return new QuotaDecision(amount > limit - used ? QuotaDenial.OverQuota : QuotaDenial.None, (QuotaMetric)i, limit, used, amount);
    }

    private QuotaDecision TakeMonthly(TenantQuotaEntry entry, int i, long amount, long limit, long now)
    {
        lock (entry.Sync)
        {
            if (now >= entry.PeriodEndTicks)
            {
                RollOver(entry, now);
            }

            var used = entry.Used[i];
            if (amount > limit - used)
            {
                return new QuotaDecision(QuotaDenial.OverQuota, (QuotaMetric)i, limit, used, amount);
            }

            Volatile.Write(ref entry.Used[i], used + amount);
            if (entry.Evicted)
            {
                unflushed.Enqueue(new PendingUsage(entry.TenantId, (QuotaMetric)i, entry.Period, amount));
            }
            else
            {
                entry.Pending[i] += amount;
            }

            return new QuotaDecision(QuotaDenial.None, (QuotaMetric)i, limit, used, amount);
        }
    }

    /// <summary>Starts the month that contains <paramref name="now"/>: last month's unwritten usage goes to the flush queue. Under the entry's lock.</summary>
    private void RollOver(TenantQuotaEntry entry, long now)
    {
        foreach (var i in MonthlyIndexes)
        {
            if (entry.Pending[i] != 0)
            {
                unflushed.Enqueue(new PendingUsage(entry.TenantId, (QuotaMetric)i, entry.Period, entry.Pending[i]));
                entry.Pending[i] = 0;
            }

            Volatile.Write(ref entry.Used[i], 0);
        }

        var (start, end) = QuotaMetrics.MonthOf(new DateTime(now, DateTimeKind.Utc));
        entry.Period = QuotaMetrics.PeriodOf(start);
        Volatile.Write(ref entry.PeriodEndTicks, end.Ticks);
    }

    private async ValueTask<TenantQuotaEntry> LoadAsync(Guid tenantId, bool async, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var (start, end) = QuotaMetrics.MonthOf(now);
        var period = QuotaMetrics.PeriodOf(start);
        var db = async ? await contextFactory.CreateDbContextAsync(cancellationToken) : contextFactory.CreateDbContext();
        try
        {
            var current = plans ?? await LoadPlansAsync(db, async, cancellationToken);
            var tenantQuery = db.Tenants.AsNoTracking().Where(t => t.Id == tenantId).Select(t => new TenantState(t.Status, t.PlanId, null));
            var tenant = async ? await tenantQuery.FirstOrDefaultAsync(cancellationToken) : tenantQuery.FirstOrDefault();
            tenant = await WithSuspensionsAsync(db, tenantId, tenant, async, cancellationToken);
            var setQuery = db.TenantQuotaSets.AsNoTracking().Where(s => s.TenantId == tenantId);
            var set = async ? await setQuery.FirstOrDefaultAsync(cancellationToken) : setQuery.FirstOrDefault();
            var countersQuery = db.UsageCounters.AsNoTracking()
                .Where(c => c.TenantId == tenantId && c.Period == period)
                .Select(c => new { c.Metric, c.Used });
            var counters = async ? await countersQuery.ToListAsync(cancellationToken) : countersQuery.ToList();

            var entry = new TenantQuotaEntry(tenantId, BuildLimits(tenant, set, current), period, end.Ticks);
            foreach (var counter in counters)
            {
                entry.Used[(int)counter.Metric] = counter.Used;
            }

            // Another thread may have loaded it meanwhile: keep the first, whose counters may be in use.
            return entries.GetOrAdd(tenantId, entry);
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

    private async ValueTask<PlanDefaults> LoadPlansAsync(TenancyDbContext db, bool async, CancellationToken cancellationToken)
    {
        var query = db.PlanQuotas.AsNoTracking();
        var rows = async ? await query.ToListAsync(cancellationToken) : query.ToList();
        var loaded = new PlanDefaults(rows);
        plans = loaded;
        return loaded;
    }

    private static TenantQuotaLimits BuildLimits(TenantState? tenant, TenantQuotaSet? set, PlanDefaults plans)
    {
        var values = new long[QuotaMetrics.Count];
        if (tenant is null)
        {
            return new TenantQuotaLimits(false, default, null, 0, QuotaDenial.TenantNotFound, values);
        }

        var defaults = plans.For(tenant.PlanId);
        foreach (var info in QuotaMetrics.All)
        {
            var i = (int)info.Metric;
            var (limit, _) = QuotaResolution.Effective(defaults[i], QuotaOverride.FromStored(set?.Overrides.Find(o => o.Metric == info.Metric)));
            values[i] = limit ?? Unlimited;
        }

        return new TenantQuotaLimits(true, tenant.Status, tenant.PlanId, set?.Version ?? 0, DenialFor(tenant.Status), values, tenant.SuspendedBecause);
    }

    /// <summary>Adds the categories of the active suspensions of a suspended tenant, for the denial's message.</summary>
    private static async ValueTask<TenantState?> WithSuspensionsAsync(TenancyDbContext db, Guid tenantId, TenantState? tenant, bool async, CancellationToken cancellationToken)
    {
        if (tenant?.Status != TenantStatus.Suspended)
        {
            return tenant;
        }

        var query = db.Suspensions.AsNoTracking().Where(s => s.TenantId == tenantId && s.LiftedAt == null).Select(s => s.Category);
        var categories = async ? await query.ToListAsync(cancellationToken) : query.ToList();
        return tenant with { SuspendedBecause = SuspendedMessage(categories) };
    }

    /// <summary>"The tenant is suspended for billing (payment overdue)." or "… by staff (abuse, compliance).", or both.</summary>
    internal static string SuspendedMessage(IEnumerable<SuspensionCategory> categories)
    {
        var list = categories.Distinct().Order().ToList();
        var billing = list.Remove(SuspensionCategory.Billing);
        var staff = list.Count == 0 ? null : $"by staff ({string.Join(", ", list.Select(c => c.ToLabel().ToLowerInvariant()))})";
        return (billing, staff) switch
        {
            (true, null) => "The tenant is suspended for billing: its payment is overdue.",
            (true, _) => $"The tenant is suspended for billing (payment overdue) and {staff}.",
            (false, not null) => $"The tenant is suspended {staff}.",
            _ => "The tenant is suspended.",
        };
    }

    /// <summary>What the tenant's state alone denies. The restore feature adds <see cref="QuotaDenial.TenantRestoring"/> here.</summary>
    private static QuotaDenial DenialFor(TenantStatus status) => status switch
    {
        TenantStatus.Suspended => QuotaDenial.TenantSuspended,
        TenantStatus.Deleted => QuotaDenial.TenantNotFound,
        _ => QuotaDenial.None,
    };

    private async Task FlushCoreAsync(CancellationToken cancellationToken)
    {
        // Sum per (tenant, metric, month): one increment each.
        var batch = new Dictionary<(Guid, QuotaMetric, string), long>();
        while (unflushed.TryDequeue(out var usage))
        {
            Add(batch, usage);
        }

        foreach (var entry in entries.Values)
        {
            if (!entry.HasPending())
            {
                continue;
            }

            lock (entry.Sync)
            {
                foreach (var i in MonthlyIndexes)
                {
                    if (entry.Pending[i] != 0)
                    {
                        Add(batch, new PendingUsage(entry.TenantId, (QuotaMetric)i, entry.Period, entry.Pending[i]));
                        entry.Pending[i] = 0;
                    }
                }
            }
        }

        if (batch.Count == 0)
        {
            return;
        }

        try
        {
            await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var now = clock.GetUtcNow().UtcDateTime;
            foreach (var ((tenantId, metric, period), amount) in batch)
            {
                await UsageCounters.ConsumeAsync(db, tenantId, metric, period, amount, now, cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
        }
        catch
        {
            // Not written: keep it for the next flush.
            foreach (var ((tenantId, metric, period), amount) in batch)
            {
                unflushed.Enqueue(new PendingUsage(tenantId, metric, period, amount));
            }

            throw;
        }

        static void Add(Dictionary<(Guid, QuotaMetric, string), long> batch, PendingUsage usage)
        {
            var key = (usage.TenantId, usage.Metric, usage.Period);
            batch[key] = batch.GetValueOrDefault(key) + usage.Amount;
        }
    }

    /// <summary>Reloads the limits of the cached tenants whose quota version, plan or status changed (or all, when plan defaults changed).</summary>
    private async Task RevalidateAsync(TenancyDbContext db, List<TenantQuotaEntry> cached, CancellationToken cancellationToken)
    {
        var previous = plans;
        var current = await LoadPlansAsync(db, async: true, cancellationToken);
        var plansChanged = previous is null || !previous.SameAs(current);

        foreach (var chunk in cached.Chunk(RefreshChunk))
        {
            var ids = chunk.Select(e => e.TenantId).ToList();
            var states = await (
                    from t in db.Tenants.AsNoTracking()
                    where ids.Contains(t.Id)
                    join s in db.TenantQuotaSets.AsNoTracking() on t.Id equals s.TenantId into sets
                    from s in sets.DefaultIfEmpty()
                    select new { t.Id, t.Status, t.PlanId, Version = (int?)s.Version })
                .ToDictionaryAsync(x => x.Id, cancellationToken);

            var changed = new List<TenantQuotaEntry>();
            foreach (var entry in chunk)
            {
                var found = states.TryGetValue(entry.TenantId, out var state);
                if (plansChanged || !entry.Limits.SameState(found, state?.Status ?? default, state?.PlanId, state?.Version ?? 0))
                {
                    changed.Add(entry);
                }
            }

            if (changed.Count == 0)
            {
                continue;
            }

            var changedIds = changed.Select(e => e.TenantId).ToList();
            var quotaSets = await db.TenantQuotaSets.AsNoTracking().Where(s => changedIds.Contains(s.TenantId)).ToDictionaryAsync(s => s.TenantId, cancellationToken);
            var suspendedIds = changedIds.Where(id => states.TryGetValue(id, out var st) && st.Status == TenantStatus.Suspended).ToList();
            var suspensions = (suspendedIds.Count == 0 ? [] : await db.Suspensions.AsNoTracking()
                    .Where(s => suspendedIds.Contains(s.TenantId) && s.LiftedAt == null)
                    .Select(s => new SuspensionRef(s.TenantId, s.Category))
                    .ToListAsync(cancellationToken))
                .ToLookup(s => s.TenantId, s => s.Category);
            foreach (var entry in changed)
            {
                var tenant = states.TryGetValue(entry.TenantId, out var state)
                    ? new TenantState(state.Status, state.PlanId, state.Status == TenantStatus.Suspended ? SuspendedMessage(suspensions[entry.TenantId]) : null)
                    : null;
                entry.Limits = BuildLimits(tenant, quotaSets.GetValueOrDefault(entry.TenantId), current);
            }
        }
    }

    /// <summary>Sets this month's counters of <paramref name="touched"/> to the database's count plus what is still to be written from here.</summary>
    private async Task ResyncCountersAsync(TenancyDbContext db, List<TenantQuotaEntry> touched, DateTime now, CancellationToken cancellationToken)
    {
        var period = QuotaMetrics.PeriodOf(now);
        foreach (var chunk in touched.Chunk(RefreshChunk))
        {
            var ids = chunk.Select(e => e.TenantId).ToList();
            var rows = await db.UsageCounters.AsNoTracking()
                .Where(c => ids.Contains(c.TenantId) && c.Period == period)
                .Select(c => new { c.TenantId, c.Metric, c.Used })
                .ToListAsync(cancellationToken);
            var stored = rows.ToLookup(r => r.TenantId);
            foreach (var entry in chunk)
            {
                lock (entry.Sync)
                {
                    if (now.Ticks >= entry.PeriodEndTicks)
                    {
                        RollOver(entry, now.Ticks);
                    }

                    if (!string.Equals(entry.Period, period, StringComparison.Ordinal))
                    {
                        continue;
                    }

                    foreach (var i in MonthlyIndexes)
                    {
                        Volatile.Write(ref entry.Used[i], entry.Pending[i]);
                    }

                    foreach (var row in stored[entry.TenantId])
                    {
                        var i = (int)row.Metric;
                        Volatile.Write(ref entry.Used[i], row.Used + entry.Pending[i]);
                    }
                }
            }
        }
    }

    private void Evict(List<TenantQuotaEntry> cached, long idleBefore)
    {
        foreach (var entry in cached)
        {
            if (Volatile.Read(ref entry.LastUsedTicks) >= idleBefore || !entries.TryRemove(new KeyValuePair<Guid, TenantQuotaEntry>(entry.TenantId, entry)))
            {
                continue;
            }

            lock (entry.Sync)
            {
                entry.Evicted = true;
                foreach (var i in MonthlyIndexes)
                {
                    if (entry.Pending[i] != 0)
                    {
                        unflushed.Enqueue(new PendingUsage(entry.TenantId, (QuotaMetric)i, entry.Period, entry.Pending[i]));
                        entry.Pending[i] = 0;
                    }
                }
            }
        }
    }

    private sealed record SuspensionRef(Guid TenantId, SuspensionCategory Category);

    private sealed record TenantState(TenantStatus Status, string PlanId, string? SuspendedBecause);

    private readonly record struct PendingUsage(Guid TenantId, QuotaMetric Metric, string Period, long Amount);

    /// <summary>Every plan's default limits, indexed by metric (null = unlimited; a metric without a row is unlimited).</summary>
    private sealed class PlanDefaults
    {
        private static readonly long?[] NoDefaults = new long?[QuotaMetrics.Count];
        private readonly Dictionary<string, long?[]> byPlan = new(StringComparer.Ordinal);

        public PlanDefaults(IEnumerable<PlanQuota> rows)
        {
            foreach (var row in rows)
            {
                if (!QuotaMetrics.IsDefined(row.Metric))
                {
                    continue;
                }

                if (!byPlan.TryGetValue(row.PlanId, out var limits))
                {
                    byPlan[row.PlanId] = limits = new long?[QuotaMetrics.Count];
                }

                limits[(int)row.Metric] = row.DefaultLimit;
            }
        }

        public long?[] For(string planId) => byPlan.GetValueOrDefault(planId) ?? NoDefaults;

        public bool SameAs(PlanDefaults other) =>
            byPlan.Count == other.byPlan.Count
            && byPlan.All(p => other.byPlan.TryGetValue(p.Key, out var limits) && p.Value.AsSpan().SequenceEqual(limits));
    }
}

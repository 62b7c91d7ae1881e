namespace Tenancy.Core.Features.Usage;

/// <summary>
/// One tenant's monthly counts as this instance's <see cref="UsageMeter"/> keeps them: this
/// month's usage (the database's count at the last resync plus what was added here since) and
/// the part not yet written. Arrays are indexed by metric; only monthly metrics are used.
/// Counts change only under the tenant's lock; <see cref="UsedThisMonth"/> takes none and
/// allocates nothing, <see cref="TryAdd"/> takes one uncontended lock.
/// </summary>
internal sealed class TenantUsage
{
    private readonly UsageMeter meter;
    private readonly Lock sync = new();
    private readonly long[] used = new long[QuotaMetrics.Count];
    private readonly long[] pending = new long[QuotaMetrics.Count];
    private string period;
    private long periodEndTicks;
    private bool released;
    private long pendingMinuteTicks;
    private long lastAddedTicks;

    public TenantUsage(UsageMeter meter, Guid tenantId, DateTime nowUtc, IEnumerable<(QuotaMetric Metric, long Used)> stored)
    {
        this.meter = meter;
        TenantId = tenantId;
        (period, periodEndTicks) = MonthContaining(nowUtc.Ticks);
        foreach (var (metric, count) in stored)
        {
            used[(int)metric] = count;
        }

        IsSynced = true;
    }

    /// <summary>
    /// A tenant only recorded (<see cref="UsageMeter.Record"/>), not yet read from the database:
    /// it collects what is to be written; its month's usage is unknown until <see cref="Sync"/>.
    /// </summary>
    public TenantUsage(UsageMeter meter, Guid tenantId, DateTime nowUtc)
    {
        this.meter = meter;
        TenantId = tenantId;
        (period, periodEndTicks) = MonthContaining(nowUtc.Ticks);
    }

    public Guid TenantId { get; }

    /// <summary>True once this month's usage was read from the database (the enforcer may trust <see cref="UsedThisMonth"/>).</summary>
    public bool IsSynced { get; private set; }

    /// <summary>When usage was last added here (ticks), for dropping tenants that are only recorded once they go quiet.</summary>
    public long LastAddedTicks => Volatile.Read(ref lastAddedTicks);

    /// <summary>This month's usage of <paramref name="metric"/> as far as this instance knows; 0 once the month has ended.</summary>
    public long UsedThisMonth(QuotaMetric metric, long nowTicks) =>
        nowTicks >= Volatile.Read(ref periodEndTicks) ? 0 : Volatile.Read(ref used[(int)metric]);

    /// <summary>
    /// Adds <paramref name="amount"/> to this month's usage unless that would take it above
    /// <paramref name="cap"/> (checked and added under one lock, so concurrent callers never pass
    /// it together). The first call after the month's end starts the new month.
    /// </summary>
    /// <param name="usedBefore">This month's usage before the call.</param>
    public bool TryAdd(QuotaMetric metric, long amount, long cap, long nowTicks, out long usedBefore)
    {
        var i = (int)metric;
        lock (sync)
        {
            if (nowTicks >= periodEndTicks)
            {
                RollOver(nowTicks);
            }

            usedBefore = used[i];
            if (amount > cap - usedBefore)
            {
                return false;
            }

            AddUnderLock(i, amount, nowTicks);
            return true;
        }
    }

    /// <summary>Adds <paramref name="amount"/> with no cap (usage that happened, recorded after the fact).</summary>
    public void Add(QuotaMetric metric, long amount, long nowTicks)
    {
        lock (sync)
        {
            if (nowTicks >= periodEndTicks)
            {
                RollOver(nowTicks);
            }

            AddUnderLock((int)metric, amount, nowTicks);
        }
    }

    /// <summary>
    /// Under the lock. Pending usage belongs to one minute: the first add of a new minute sends the
    /// last minute's to the meter's queue, so every amount is written in the minute it was counted.
    /// </summary>
    private void AddUnderLock(int i, long amount, long nowTicks)
    {
        Volatile.Write(ref used[i], used[i] + amount);
        Volatile.Write(ref lastAddedTicks, nowTicks);
        var minute = nowTicks - nowTicks % TimeSpan.TicksPerMinute;
        if (released)
        {
            meter.Enqueue(new PendingUsage(TenantId, (QuotaMetric)i, new DateTime(minute, DateTimeKind.Utc), amount));
            return;
        }

        if (minute != pendingMinuteTicks)
        {
            MovePending(meter.Enqueue);
            pendingMinuteTicks = minute;
        }

        pending[i] += amount;
    }

    /// <summary>
    /// First read of this month's usage for a tenant that was only recorded: the database's count
    /// plus what is still to be written from here. Under the meter's gate, like a resync.
    /// </summary>
    public void Sync(DateTime nowUtc, string currentPeriod, IEnumerable<(QuotaMetric Metric, long Used)> stored)
    {
        Resync(nowUtc, currentPeriod, stored);
        lock (sync)
        {
            IsSynced = true;
        }
    }

    public bool HasPending()
    {
        foreach (var i in UsageMeter.MonthlyIndexes)
        {
            if (Volatile.Read(ref pending[i]) != 0)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Hands what is not yet written to <paramref name="write"/> and forgets it.</summary>
    public void TakePending(Action<PendingUsage> write)
    {
        lock (sync)
        {
            MovePending(write);
        }
    }

    /// <summary>
    /// Sets this month's usage to the database's <paramref name="stored"/> count for
    /// <paramref name="currentPeriod"/> (the month of <paramref name="nowUtc"/>) plus what is still
    /// to be written from here.
    /// </summary>
    public void Resync(DateTime nowUtc, string currentPeriod, IEnumerable<(QuotaMetric Metric, long Used)> stored)
    {
        lock (sync)
        {
            if (nowUtc.Ticks >= periodEndTicks)
            {
                RollOver(nowUtc.Ticks);
            }

            if (!string.Equals(period, currentPeriod, StringComparison.Ordinal))
            {
                return;
            }

            foreach (var i in UsageMeter.MonthlyIndexes)
            {
                Volatile.Write(ref used[i], pending[i]);
            }

            foreach (var (metric, count) in stored)
            {
                var i = (int)metric;
                Volatile.Write(ref used[i], count + pending[i]);
            }
        }
    }

    /// <summary>No longer kept by the meter: what is not yet written goes to its queue, and so does anything added later.</summary>
    public void Release()
    {
        lock (sync)
        {
            released = true;
            MovePending(meter.Enqueue);
        }
    }

    /// <summary>Starts the month that contains <paramref name="nowTicks"/>: last month's unwritten usage goes to the meter's queue. Under the lock.</summary>
    private void RollOver(long nowTicks)
    {
        MovePending(meter.Enqueue);
        foreach (var i in UsageMeter.MonthlyIndexes)
        {
            Volatile.Write(ref used[i], 0);
        }

        (period, var end) = MonthContaining(nowTicks);
        Volatile.Write(ref periodEndTicks, end);
    }

    /// <summary>Under the lock.</summary>
    private void MovePending(Action<PendingUsage> write)
    {
        foreach (var i in UsageMeter.MonthlyIndexes)
        {
            if (pending[i] != 0)
            {
                write(new PendingUsage(TenantId, (QuotaMetric)i, new DateTime(pendingMinuteTicks, DateTimeKind.Utc), pending[i]));
                pending[i] = 0;
            }
        }
    }

    private static (string Period, long EndTicks) MonthContaining(long ticks)
    {
        var (start, end) = QuotaMetrics.MonthOf(new DateTime(ticks, DateTimeKind.Utc));
        return (QuotaMetrics.PeriodOf(start), end.Ticks);
    }
}

/// <summary>Usage counted here and not yet written: what one tenant used of one metric in one minute (UTC).</summary>
internal readonly record struct PendingUsage(Guid TenantId, QuotaMetric Metric, DateTime Minute, long Amount);

using Tenancy.Core.Features.Usage;

namespace Tenancy.Core.Features.Quotas;

/// <summary>
/// One tenant in the enforcer's cache: its limits, its usage as the <see cref="UsageMeter"/>
/// counts it, and its rate windows: per metric, the count of the current one-second window (UTC).
/// Windows change only under the entry's lock; a peek takes none. Nothing here allocates.
/// </summary>
internal sealed class TenantQuotaEntry(Guid tenantId, TenantQuotaLimits limits, TenantUsage usage)
{
    private volatile TenantQuotaLimits limits = limits;

    public Guid TenantId { get; } = tenantId;

    public TenantQuotaLimits Limits
    {
        get => limits;
        set => limits = value;
    }

    /// <summary>This month's usage, which the meter counts, writes and re-reads.</summary>
    public TenantUsage Usage { get; } = usage;

    private readonly Lock sync = new();

    /// <summary>The second (UTC ticks / ticks per second) each rate window counts in.</summary>
    private readonly long[] windowSecond = new long[QuotaMetrics.Count];

    private readonly long[] windowCount = new long[QuotaMetrics.Count];

    /// <summary>When the tenant was last checked (UTC ticks), for re-reading its usage and for eviction.</summary>
    public long LastUsedTicks;

    /// <summary>Would <paramref name="amount"/> more fit in this second's window of <paramref name="metric"/>?</summary>
    public QuotaDecision PeekRate(QuotaMetric metric, long amount, long limit, long nowTicks)
    {
        var i = (int)metric;
        var count = Volatile.Read(ref windowSecond[i]) == nowTicks / TimeSpan.TicksPerSecond ? Volatile.Read(ref windowCount[i]) : 0;
        return new QuotaDecision(amount > limit - count ? QuotaDenial.RateLimited : QuotaDenial.None, metric, limit, count, amount);
    }

    /// <summary>Counts <paramref name="amount"/> in this second's window of <paramref name="metric"/> if it fits.</summary>
    public QuotaDecision TakeRate(QuotaMetric metric, long amount, long limit, long nowTicks)
    {
        var i = (int)metric;
        var second = nowTicks / TimeSpan.TicksPerSecond;
        lock (sync)
        {
            if (windowSecond[i] != second)
            {
                windowSecond[i] = second;
                windowCount[i] = 0;
            }

            var count = windowCount[i];
            if (amount > limit - count)
            {
                return new QuotaDecision(QuotaDenial.RateLimited, metric, limit, count, amount);
            }

            windowCount[i] = count + amount;
            return new QuotaDecision(QuotaDenial.None, metric, limit, count, amount);
        }
    }
}

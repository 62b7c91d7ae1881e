using Tenancy.Core.Features.Usage;

namespace Tenancy.Core.Features.Quotas;

/// <summary>
/// One tenant in the enforcer's cache: its limits, its usage as the <see cref="UsageMeter"/>
/// counts it, and the current one-second rate windows (indexed by metric). Windows change only
/// under <see cref="Sync"/>; reads on the check path take no lock.
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

    public Lock Sync { get; } = new();

    /// <summary>The second (UTC ticks / ticks per second) each rate window counts in.</summary>
    public readonly long[] WindowSecond = new long[QuotaMetrics.Count];

    public readonly long[] WindowCount = new long[QuotaMetrics.Count];

    /// <summary>When the tenant was last checked (UTC ticks), for re-reading its usage and for eviction.</summary>
    public long LastUsedTicks;
}

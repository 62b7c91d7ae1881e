using Tenancy.Core.Features.Tenants;

namespace Tenancy.Core.Features.Quotas;

/// <summary>
/// The limits in force for one tenant as the enforcer caches them: immutable, swapped whole
/// when the tenant's quotas, plan or status change. <see cref="Values"/> is indexed by metric,
/// <see cref="QuotaEnforcer.Unlimited"/> for no limit.
/// </summary>
internal sealed class TenantQuotaLimits(bool exists, TenantStatus status, string? planId, int version, QuotaDenial denial, long[] values, string? denialDetail = null)
{
    /// <summary>Why the tenant is denied, in words, when the reason code alone says too little (which suspensions).</summary>
    public string? DenialDetail { get; } = denialDetail;

    /// <summary>Past due but within grace: allowed, and the decision says so.</summary>
    public bool PastDue => Status == TenantStatus.PastDue;

    public bool Exists { get; } = exists;

    public TenantStatus Status { get; } = status;

    public string? PlanId { get; } = planId;

    public int Version { get; } = version;

    /// <summary>Set when the tenant may use nothing at all (suspended, restoring, gone).</summary>
    public QuotaDenial Denial { get; } = denial;

    public long[] Values { get; } = values;

    public bool SameState(bool exists, TenantStatus status, string? planId, int version) =>
        Exists == exists && (!exists || (Status == status && string.Equals(PlanId, planId, StringComparison.Ordinal) && Version == version));
}

/// <summary>
/// One tenant in the enforcer's cache: its limits, and the usage this instance tracks
/// (this month's counters, with the part not yet written to the database, and the current
/// one-second rate windows). Arrays are indexed by metric. Counters and windows change only
/// under <see cref="Sync"/>; reads on the check path take no lock.
/// </summary>
internal sealed class TenantQuotaEntry(Guid tenantId, TenantQuotaLimits limits, string period, long periodEndTicks)
{
    private volatile TenantQuotaLimits limits = limits;

    public Guid TenantId { get; } = tenantId;

    public TenantQuotaLimits Limits
    {
        get => limits;
        set => limits = value;
    }

    public Lock Sync { get; } = new();

    /// <summary>The month <see cref="Used"/> and <see cref="Pending"/> count in (<c>yyyy-MM</c>).</summary>
    public string Period { get; set; } = period;

    /// <summary>Start of the next month, in ticks (UTC): at or after it the counters roll over.</summary>
    public long PeriodEndTicks = periodEndTicks;

    /// <summary>This month's usage as far as this instance knows: the database's count at the last refresh plus <see cref="Pending"/>.</summary>
    public readonly long[] Used = new long[QuotaMetrics.Count];

    /// <summary>Usage consumed here and not yet written to the database.</summary>
    public readonly long[] Pending = new long[QuotaMetrics.Count];

    /// <summary>The second (UTC ticks / ticks per second) each rate window counts in.</summary>
    public readonly long[] WindowSecond = new long[QuotaMetrics.Count];

    public readonly long[] WindowCount = new long[QuotaMetrics.Count];

    /// <summary>When the tenant was last checked (UTC ticks), for refreshing its counters and for eviction.</summary>
    public long LastUsedTicks;

    /// <summary>Dropped from the cache: consumption that still reaches it goes straight to the flush queue.</summary>
    public bool Evicted;

    public bool HasPending()
    {
        foreach (var i in QuotaEnforcer.MonthlyIndexes)
        {
            if (Volatile.Read(ref Pending[i]) != 0)
            {
                return true;
            }
        }

        return false;
    }
}

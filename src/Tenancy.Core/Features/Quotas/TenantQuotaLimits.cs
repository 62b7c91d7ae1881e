using Tenancy.Core.Features.Tenants;

namespace Tenancy.Core.Features.Quotas;

/// <summary>
/// The limits in force for one tenant as the enforcer caches them: immutable, swapped whole
/// when the tenant's quotas, plan or status change. <see cref="Values"/> is indexed by metric,
/// <see cref="QuotaEnforcer.Unlimited"/> for no limit.
/// </summary>
internal sealed class TenantQuotaLimits(
    bool exists, TenantStatus status, string? planId, int version, QuotaDenial denial, long[] values, string? denialDetail = null, bool restoring = false)
{
    /// <summary>Why the tenant is denied, in words, when the reason code alone says too little (which suspensions).</summary>
    public string? DenialDetail { get; } = denialDetail;

    /// <summary>Past due but within grace: allowed, and the decision says so.</summary>
    public bool PastDue => Status == TenantStatus.PastDue;

    public bool Exists { get; } = exists;

    public TenantStatus Status { get; } = status;

    /// <summary>A restore of the tenant is queued or running.</summary>
    public bool Restoring { get; } = restoring;

    public string? PlanId { get; } = planId;

    public int Version { get; } = version;

    /// <summary>Set when the tenant may use nothing at all (suspended, restoring, gone).</summary>
    public QuotaDenial Denial { get; } = denial;

    public long[] Values { get; } = values;

    public bool SameState(bool exists, TenantStatus status, string? planId, int version, bool restoring) =>
        Exists == exists && (!exists || (Status == status && string.Equals(PlanId, planId, StringComparison.Ordinal) && Version == version && Restoring == restoring));
}

using Tenancy.Core.Features.Tenants;

namespace Tenancy.Core.Features.Access;

/// <summary>
/// "May this tenant act now?" — the rule, in one place. Its inputs come from the features that
/// change them: suspensions (by staff and by billing), billing's standing and, with the restore
/// feature, a restore in progress. Staff suspensions and billing set the tenant's status with
/// <see cref="StatusFor"/>; the quota enforcer answers from that status with
/// <see cref="DenialFor"/> and words a suspension with <see cref="SuspendedMessage"/>.
/// Nothing here reads the database, so every caller applies the same rule to what it loaded.
/// </summary>
public static class TenantAccess
{
    /// <summary>
    /// The status rule: deleted stays deleted; any active suspension → Suspended; otherwise past
    /// due → PastDue; otherwise the subscription (trialing → Trial, anything else → Active); with
    /// no billing at all, a suspended or past-due tenant returns to what it was before it was
    /// suspended (Trial stays Trial, anything else is Active), and any other keeps its status.
    /// </summary>
    /// <param name="current">The tenant's status now.</param>
    /// <param name="suspended">Whether any suspension of the tenant is active.</param>
    /// <param name="billing">What billing says about the tenant.</param>
    /// <param name="statusBeforeLastLift">The status recorded by the suspension lifted last, if one was just lifted.</param>
    public static TenantStatus StatusFor(TenantStatus current, bool suspended, BillingStanding billing, TenantStatus? statusBeforeLastLift) =>
        (current, suspended, billing) switch
        {
            (TenantStatus.Deleted, _, _) => TenantStatus.Deleted,
            (_, true, _) => TenantStatus.Suspended,
            (_, _, BillingStanding.PastDue) => TenantStatus.PastDue,
            (_, _, BillingStanding.Trialing) => TenantStatus.Trial,
            (_, _, BillingStanding.Subscribed) => TenantStatus.Active,
            (TenantStatus.Suspended or TenantStatus.PastDue, _, _) => statusBeforeLastLift is TenantStatus.Trial ? TenantStatus.Trial : TenantStatus.Active,
            _ => current,
        };

    /// <summary>
    /// What a tenant in <paramref name="status"/> may do: whatever its quotas allow
    /// (<see cref="AccessDenial.None"/>; past due is allowed, within its grace), or nothing, and
    /// why. A deletion or suspension outlasts a restore, so it is the reason given first; a
    /// restore queued or running (<paramref name="restoring"/>) denies writes until it ends.
    /// </summary>
    public static AccessDenial DenialFor(TenantStatus status, bool restoring = false) => (status, restoring) switch
    {
        (TenantStatus.Deleted, _) => AccessDenial.NotFound,
        (TenantStatus.Suspended, _) => AccessDenial.Suspended,
        (_, true) => AccessDenial.Restoring,
        _ => AccessDenial.None,
    };

    /// <summary>
    /// Why a suspended tenant may do nothing, in words: "The tenant is suspended for billing: its
    /// payment is overdue.", "… suspended by staff (abuse, compliance).", both, or, with neither
    /// known, "The tenant is suspended.".
    /// </summary>
    /// <param name="forBilling">Whether a billing suspension is active.</param>
    /// <param name="byStaff">The labels of the active staff suspensions' categories, in the order to list them.</param>
    public static string SuspendedMessage(bool forBilling, IReadOnlyCollection<string> byStaff)
    {
        var staff = byStaff.Count == 0 ? null : $"by staff ({string.Join(", ", byStaff.Select(c => c.ToLowerInvariant()))})";
        return (forBilling, staff) switch
        {
            (true, null) => "The tenant is suspended for billing: its payment is overdue.",
            (true, _) => $"The tenant is suspended for billing (payment overdue) and {staff}.",
            (false, not null) => $"The tenant is suspended {staff}.",
            _ => "The tenant is suspended.",
        };
    }
}

using Microsoft.EntityFrameworkCore;
using Tenancy.Core.Data;
using Tenancy.Core.Features.Access;
using Tenancy.Core.Features.Tenants;

namespace Tenancy.Core.Features.Suspensions;

/// <summary>
/// A tenant and its active suspensions, tracked in one context so a suspension or a lift and the
/// status that follows (<see cref="TenantAccess.StatusFor"/>) commit together. Load it inside a
/// transaction after <see cref="TenantAccessLock.TakeAsync"/>, so two writers (processor, sweep,
/// staff) take turns. Billing suspensions are set and lifted through billing's account, which
/// keeps the billing row in step.
/// </summary>
internal sealed class TenantAccount(Tenant tenant, List<Suspension> active)
{
    private Suspension? lastLifted;

    public Tenant Tenant { get; } = tenant;

    public IReadOnlyList<Suspension> ActiveSuspensions => active;

    public Suspension? ActiveBillingSuspension => active.Find(s => s.IsBilling);

    public static async Task<TenantAccount?> LoadAsync(TenancyDbContext db, Guid tenantId, CancellationToken cancellationToken)
    {
        var tenant = await db.Tenants.FirstOrDefaultAsync(t => t.Id == tenantId, cancellationToken);
        return tenant is null ? null : await LoadAsync(db, tenant, cancellationToken);
    }

    public static async Task<TenantAccount> LoadAsync(TenancyDbContext db, Tenant tenant, CancellationToken cancellationToken) =>
        new(tenant, await db.Suspensions.Where(s => s.TenantId == tenant.Id && s.LiftedAt == null).ToListAsync(cancellationToken));

    public Suspension Suspend(TenancyDbContext db, SuspensionCategory category, string reason, string by, DateTime now)
    {
        var suspension = new Suspension
        {
            TenantId = Tenant.Id,
            Category = category,
            Reason = reason,
            StartedAt = now,
            StartedBy = by,
            StatusBefore = active.Count > 0 ? active[0].StatusBefore : Tenant.Status,
        };
        db.Suspensions.Add(suspension);
        active.Add(suspension);
        return suspension;
    }

    public void Lift(Suspension suspension, string by, string reason, DateTime now)
    {
        suspension.LiftedAt = now;
        suspension.LiftedBy = by;
        suspension.LiftReason = reason;
        active.Remove(suspension);
        lastLifted = suspension;
    }

    /// <summary>Sets the tenant's status by <see cref="TenantAccess.StatusFor"/>; true when it changed.</summary>
    public bool UpdateStatus(BillingStanding billing, DateTime now)
    {
        var status = TenantAccess.StatusFor(Tenant.Status, active.Count > 0, billing, lastLifted?.StatusBefore);
        if (status == Tenant.Status)
        {
            return false;
        }

        Tenant.Status = status;
        Tenant.UpdatedAt = now;
        return true;
    }
}

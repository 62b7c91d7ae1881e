using Microsoft.EntityFrameworkCore;
using Tenancy.Core.Data;
using Tenancy.Core.Features.Billing;
using Tenancy.Core.Features.Tenants;

namespace Tenancy.Core.Features.Suspensions;

/// <summary>
/// A tenant's status, billing state and active suspensions, tracked in one context so a change
/// to any of them and the status that follows commit together. Load it inside a transaction
/// with <see cref="LockAsync"/> first, so two writers (processor, sweep, staff) take turns.
/// <para>
/// The status rule, in one place: deleted stays deleted; any active suspension → Suspended;
/// otherwise past due → PastDue; otherwise Stripe's subscription status (trialing → Trial,
/// anything else → Active); with no billing at all, what the tenant was before it was suspended.
/// </para>
/// </summary>
internal sealed class TenantAccount(Tenant tenant, TenantBilling? billing, List<Suspension> active)
{
    public Tenant Tenant { get; } = tenant;

    public TenantBilling? Billing { get; private set; } = billing;

    public IReadOnlyList<Suspension> ActiveSuspensions => active;

    public Suspension? ActiveBillingSuspension => active.Find(s => s.IsBilling);

    /// <summary>Takes the tenant's row lock until the transaction ends (PostgreSQL; SQLite's write transaction already excludes other writers).</summary>
    public static Task LockAsync(TenancyDbContext db, Guid tenantId, CancellationToken cancellationToken) =>
        db.Provider == DatabaseProvider.Postgres
            ? db.Database.ExecuteSqlAsync($"SELECT 1 FROM tenants WHERE id = {tenantId} FOR UPDATE", cancellationToken)
            : Task.CompletedTask;

    public static async Task<TenantAccount?> LoadAsync(TenancyDbContext db, Guid tenantId, CancellationToken cancellationToken)
    {
        var tenant = await db.Tenants.FirstOrDefaultAsync(t => t.Id == tenantId, cancellationToken);
        return tenant is null ? null : await LoadAsync(db, tenant, cancellationToken);
    }

    public static async Task<TenantAccount> LoadAsync(TenancyDbContext db, Tenant tenant, CancellationToken cancellationToken)
    {
        var billing = await db.TenantBillings.FirstOrDefaultAsync(b => b.TenantId == tenant.Id, cancellationToken);
        var active = await db.Suspensions.Where(s => s.TenantId == tenant.Id && s.LiftedAt == null).ToListAsync(cancellationToken);
        return new TenantAccount(tenant, billing, active);
    }

    /// <summary>The tenant's billing row, created (and added to <paramref name="db"/>) if it has none.</summary>
    public TenantBilling EnsureBilling(TenancyDbContext db, DateTime now)
    {
        if (Billing is null)
        {
            Billing = new TenantBilling { TenantId = Tenant.Id, SubscriptionId = Tenant.StripeSubscriptionId, UpdatedAt = now };
            db.TenantBillings.Add(Billing);
        }

        return Billing;
    }

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
        if (category == SuspensionCategory.Billing)
        {
            EnsureBilling(db, now).SuspendedForBilling = true;
        }

        return suspension;
    }

    public void Lift(Suspension suspension, string by, string reason, DateTime now)
    {
        suspension.LiftedAt = now;
        suspension.LiftedBy = by;
        suspension.LiftReason = reason;
        active.Remove(suspension);
        if (suspension.IsBilling && Billing is not null)
        {
            Billing.SuspendedForBilling = false;
        }

        lastLifted = suspension;
    }

    private Suspension? lastLifted;

    /// <summary>What the audit log records of the account before and after a billing change.</summary>
    public AccountState State() => new(Tenant.Status, Billing?.PastDueSince, Billing?.GraceDeadline, ActiveBillingSuspension is not null);

    /// <summary>Sets the tenant's status from the rule above; true when it changed.</summary>
    public bool UpdateStatus(DateTime now)
    {
        var status = Decide();
        if (status == Tenant.Status)
        {
            return false;
        }

        Tenant.Status = status;
        Tenant.UpdatedAt = now;
        return true;
    }

    private TenantStatus Decide()
    {
        if (Tenant.Status == TenantStatus.Deleted)
        {
            return TenantStatus.Deleted;
        }

        if (active.Count > 0)
        {
            return TenantStatus.Suspended;
        }

        if (Billing?.PastDueSince is not null)
        {
            return TenantStatus.PastDue;
        }

        if (Billing?.SubscriptionStatus is { } subscription)
        {
            return subscription == SubscriptionStatuses.Trialing ? TenantStatus.Trial : TenantStatus.Active;
        }

        if (Tenant.Status is TenantStatus.Suspended or TenantStatus.PastDue)
        {
            return lastLifted?.StatusBefore is TenantStatus.Trial ? TenantStatus.Trial : TenantStatus.Active;
        }

        return Tenant.Status;
    }
}

/// <summary>A tenant's access as the audit log records it around billing changes.</summary>
internal sealed record AccountState(TenantStatus Status, DateTime? PastDueSince, DateTime? GraceDeadline, bool SuspendedForBilling);

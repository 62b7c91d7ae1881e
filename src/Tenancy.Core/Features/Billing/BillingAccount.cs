using Microsoft.EntityFrameworkCore;
using Tenancy.Core.Data;
using Tenancy.Core.Features.Access;
using Tenancy.Core.Features.Suspensions;
using Tenancy.Core.Features.Tenants;

namespace Tenancy.Core.Features.Billing;

/// <summary>
/// A tenant's access as billing changes it: its <see cref="TenantAccount"/> (status and active
/// suspensions) and its billing row, tracked in one context so a billing change and the status
/// that follows commit together. Billing suspensions go through here, which keeps
/// <see cref="TenantBilling.SuspendedForBilling"/> in step with them. Load it inside a
/// transaction after <see cref="TenantAccessLock.TakeAsync"/>.
/// </summary>
internal sealed class BillingAccount(TenantAccount access, TenantBilling? billing)
{
    public Tenant Tenant => access.Tenant;

    public TenantBilling? Billing { get; private set; } = billing;

    public IReadOnlyList<Suspension> ActiveSuspensions => access.ActiveSuspensions;

    public Suspension? ActiveBillingSuspension => access.ActiveBillingSuspension;

    public static async Task<BillingAccount?> LoadAsync(TenancyDbContext db, Guid tenantId, CancellationToken cancellationToken)
    {
        var account = await TenantAccount.LoadAsync(db, tenantId, cancellationToken);
        return account is null
            ? null
            : new BillingAccount(account, await db.TenantBillings.FirstOrDefaultAsync(b => b.TenantId == tenantId, cancellationToken));
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

    public Suspension SuspendForBilling(TenancyDbContext db, string reason, string by, DateTime now)
    {
        var suspension = access.Suspend(db, SuspensionCategory.Billing, reason, by, now);
        EnsureBilling(db, now).SuspendedForBilling = true;
        return suspension;
    }

    public void LiftBillingSuspension(Suspension suspension, string by, string reason, DateTime now)
    {
        access.Lift(suspension, by, reason, now);
        if (Billing is not null)
        {
            Billing.SuspendedForBilling = false;
        }
    }

    /// <summary>What the audit log records of the account before and after a billing change.</summary>
    public AccountState State() => new(Tenant.Status, Billing?.PastDueSince, Billing?.GraceDeadline, ActiveBillingSuspension is not null);

    /// <summary>Sets the tenant's status by <see cref="TenantAccess.StatusFor"/>; true when it changed.</summary>
    public bool UpdateStatus(DateTime now) => access.UpdateStatus(BillingStandingReader.Of(Billing), now);
}

/// <summary>A tenant's access as the audit log records it around billing changes.</summary>
internal sealed record AccountState(TenantStatus Status, DateTime? PastDueSince, DateTime? GraceDeadline, bool SuspendedForBilling);

using Tenancy.Core.Features.Staff;

namespace Tenancy.Core.Features.Billing;

/// <summary>The non-human actors billing records in the audit log and suspension history.</summary>
public static class BillingActors
{
    /// <summary>Changes made because of a Stripe event.</summary>
    public static readonly StaffActor Stripe = new("system:stripe", "Stripe billing", null, new HashSet<StaffRole>());

    /// <summary>Suspensions made because a grace period ran out.</summary>
    public static readonly StaffActor GraceSweep = new("system:grace-sweep", "Grace-period sweep", null, new HashSet<StaffRole>());
}

/// <summary>
/// Audit actions of billing. When billing suspends a tenant or lifts its billing suspension it
/// writes <see cref="Suspensions.SuspensionAuditActions"/>, as staff do.
/// </summary>
public static class BillingAuditActions
{
    public const string PastDue = "billing.past-due";
    public const string Settled = "billing.settled";
    public const string EventReplayed = "billing.event-replayed";
    public const string CustomerLinked = "billing.customer-linked";
    public const string GraceExtended = "billing.grace-extended";
}

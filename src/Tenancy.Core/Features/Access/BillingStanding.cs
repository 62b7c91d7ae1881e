namespace Tenancy.Core.Features.Access;

/// <summary>What billing says about a tenant's access: an input of <see cref="TenantAccess.StatusFor"/>.</summary>
public enum BillingStanding
{
    /// <summary>No billing state: never subscribed, or nothing reported yet.</summary>
    None,

    /// <summary>A subscription in any status other than trialing, with no payment overdue.</summary>
    Subscribed,

    /// <summary>A trialing subscription, no payment overdue.</summary>
    Trialing,

    /// <summary>A payment failed and is still unpaid (within the grace period, or past it and suspended).</summary>
    PastDue,
}

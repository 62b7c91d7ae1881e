namespace Tenancy.Core.Features.Billing;

/// <summary>
/// A tenant's billing state as the Stripe events have left it. Control plane: a restore never
/// rewinds it. One row per tenant with billing, keyed by tenant id (on Citus on the coordinator, decision 0006).
/// </summary>
public sealed class TenantBilling
{
    public Guid TenantId { get; init; }

    /// <summary>The subscription the state below is about.</summary>
    public string? SubscriptionId { get; set; }

    /// <summary>Stripe's subscription status as last reported (<c>active</c>, <c>past_due</c>, …).</summary>
    public string? SubscriptionStatus { get; set; }

    /// <summary>When the payment failed (the first failure of this episode); null when paid up.</summary>
    public DateTime? PastDueSince { get; set; }

    /// <summary>When the tenant is suspended if still unpaid.</summary>
    public DateTime? GraceDeadline { get; set; }

    /// <summary>True while a billing suspension is active (the sweep skips these).</summary>
    public bool SuspendedForBilling { get; set; }

    /// <summary>Stripe creation time of the newest event applied: an older one is stale.</summary>
    public DateTime? LastEventCreatedAt { get; set; }

    public string? LastEventId { get; set; }

    public DateTime UpdatedAt { get; set; }
}

/// <summary>Stripe subscription statuses this service reads.</summary>
public static class SubscriptionStatuses
{
    public const string Active = "active";
    public const string Trialing = "trialing";
    public const string PastDue = "past_due";
    public const string Unpaid = "unpaid";
    public const string Canceled = "canceled";
    public const string Paused = "paused";
    public const string Incomplete = "incomplete";
    public const string IncompleteExpired = "incomplete_expired";

    /// <summary>Statuses that mean the customer is not paying and access ends now.</summary>
    public static bool EndsAccess(string status) => status is Unpaid or Canceled or IncompleteExpired or Paused;

    /// <summary>Statuses that mean the customer is in good standing.</summary>
    public static bool InGoodStanding(string status) => status is Active or Trialing;
}

using Microsoft.EntityFrameworkCore;

namespace Tenancy.Core.Features.Billing;

/// <summary>Where an inbox event is in its life.</summary>
public enum StripeEventState
{
    /// <summary>Waiting for the processor (new, re-queued, or due for a retry).</summary>
    Pending,

    /// <summary>Changed the tenant's billing state (or confirmed it).</summary>
    Applied,

    /// <summary>A type this service does not act on, or about another subscription; kept for the record.</summary>
    Ignored,

    /// <summary>Older than the newest event already applied to the subscription, so it must not overwrite it.</summary>
    Stale,

    /// <summary>No tenant has its Stripe customer yet; applied when one does.</summary>
    Parked,

    /// <summary>Kept failing; staff can replay it.</summary>
    Failed,
}

/// <summary>
/// One Stripe event in the inbox, keyed by Stripe's event id so a redelivery is the same row.
/// Control plane: on Citus a queue on the coordinator, where <c>SKIP LOCKED</c> claims behave (decision 0006).
/// </summary>
public sealed class StripeEvent
{
    public const int IdMaxLength = 255;

    /// <summary>Stripe's event id (<c>evt_…</c>).</summary>
    public required string Id { get; init; }

    public required string Type { get; init; }

    /// <summary>When Stripe created the event (UTC, whole seconds): the order events are applied in.</summary>
    public DateTime CreatedAt { get; init; }

    public DateTime ReceivedAt { get; init; }

    public string? ApiVersion { get; init; }

    public bool Livemode { get; init; }

    /// <summary>The Stripe customer the event is about (<c>cus_…</c>), when it names one.</summary>
    public string? CustomerId { get; init; }

    /// <summary>The subscription the event is about (<c>sub_…</c>), when it names one.</summary>
    public string? SubscriptionId { get; init; }

    /// <summary>The event body exactly as Stripe sent it.</summary>
    public required string Payload { get; init; }

    /// <summary>The tenant the customer maps to, once known.</summary>
    public Guid? TenantId { get; set; }

    public StripeEventState State { get; set; } = StripeEventState.Pending;

    /// <summary>Failed processing attempts so far.</summary>
    public int Attempts { get; set; }

    /// <summary>When the processor may take it next (UTC).</summary>
    public DateTime NextAttemptAt { get; set; }

    public DateTime? ProcessedAt { get; set; }

    /// <summary>What processing did, in words (for the timeline): "Past due; grace until …", "Parked: …".</summary>
    public string? Outcome { get; set; }

    /// <summary>The last processing error.</summary>
    public string? LastError { get; set; }
}

internal static class StripeEventQueries
{
    /// <summary>Puts the parked events among <paramref name="events"/> back in the queue, due now; returns how many.</summary>
    public static Task<int> RequeueParkedAsync(this IQueryable<StripeEvent> events, DateTime now, CancellationToken cancellationToken) =>
        events
            .Where(e => e.State == StripeEventState.Parked)
            .ExecuteUpdateAsync(u => u.SetProperty(e => e.State, StripeEventState.Pending).SetProperty(e => e.NextAttemptAt, now), cancellationToken);
}

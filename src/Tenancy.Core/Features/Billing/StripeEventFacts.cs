using System.Text.Json;

namespace Tenancy.Core.Features.Billing;

/// <summary>What billing does with an event type.</summary>
public enum BillingEventKind
{
    /// <summary>Stored and marked ignored.</summary>
    Other,

    /// <summary><c>invoice.payment_failed</c>.</summary>
    PaymentFailed,

    /// <summary><c>invoice.paid</c>, <c>invoice.payment_succeeded</c>.</summary>
    PaymentSucceeded,

    /// <summary><c>customer.subscription.updated</c> (and <c>.created</c>): its status decides.</summary>
    SubscriptionUpdated,

    /// <summary><c>customer.subscription.deleted</c>.</summary>
    SubscriptionDeleted,
}

/// <summary>
/// The parts of a Stripe event billing acts on, read from the raw JSON so they do not depend on
/// the API version Stripe.net's typed objects were generated for. An invoice's subscription is
/// at <c>parent.subscription_details.subscription</c> in current API versions (and at
/// <c>subscription</c> in versions before 2025-03-31, still read as a fallback).
/// </summary>
public sealed record StripeEventFacts(
    string Id,
    string Type,
    DateTime CreatedAt,
    string? ApiVersion,
    bool Livemode,
    string? ObjectType,
    string? ObjectId,
    string? CustomerId,
    string? SubscriptionId,
    string? SubscriptionStatus)
{
    public BillingEventKind Kind => KindOf(Type);

    public static BillingEventKind KindOf(string type) => type switch
    {
        "invoice.payment_failed" => BillingEventKind.PaymentFailed,
        "invoice.paid" or "invoice.payment_succeeded" => BillingEventKind.PaymentSucceeded,
        "customer.subscription.updated" or "customer.subscription.created" => BillingEventKind.SubscriptionUpdated,
        "customer.subscription.deleted" => BillingEventKind.SubscriptionDeleted,
        _ => BillingEventKind.Other,
    };

    /// <summary>Reads an event body. Throws <see cref="StripeEventFormatException"/> when it is not a Stripe event.</summary>
    public static StripeEventFacts Parse(string payload)
    {
        try
        {
            using var document = JsonDocument.Parse(payload);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new StripeEventFormatException("The event is not a JSON object.");
            }

            var id = String(root, "id") ?? throw new StripeEventFormatException("The event has no id.");
            var type = String(root, "type") ?? throw new StripeEventFormatException($"Event {id} has no type.");
            var created = root.TryGetProperty("created", out var c) && c.ValueKind == JsonValueKind.Number && c.TryGetInt64(out var seconds)
                ? DateTimeOffset.FromUnixTimeSeconds(seconds).UtcDateTime
                : throw new StripeEventFormatException($"Event {id} has no creation time.");
            var livemode = root.TryGetProperty("livemode", out var l) && l.ValueKind == JsonValueKind.True;

            string? objectType = null, objectId = null, customer = null, subscription = null, status = null;
            if (root.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object
                && data.TryGetProperty("object", out var obj) && obj.ValueKind == JsonValueKind.Object)
            {
                objectType = String(obj, "object");
                objectId = String(obj, "id");
                // A customer.* event's object is the customer itself.
                customer = objectType == "customer" ? objectId : IdOf(obj, "customer");
                if (objectType == "subscription")
                {
                    subscription = objectId;
                    status = String(obj, "status");
                }
                else if (objectType == "invoice")
                {
                    subscription = obj.TryGetProperty("parent", out var parent) && parent.ValueKind == JsonValueKind.Object
                        && parent.TryGetProperty("subscription_details", out var details) && details.ValueKind == JsonValueKind.Object
                            ? IdOf(details, "subscription")
                            : null;
                    subscription ??= IdOf(obj, "subscription");
                }
            }

            return new StripeEventFacts(id, type, created, String(root, "api_version"), livemode, objectType, objectId, customer, subscription, status);
        }
        catch (JsonException ex)
        {
            throw new StripeEventFormatException($"The event is not valid JSON: {ex.Message}");
        }
    }

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>A reference that is either an id string or an expanded object with an id.</summary>
    private static string? IdOf(JsonElement element, string name) =>
        !element.TryGetProperty(name, out var value) ? null
        : value.ValueKind == JsonValueKind.String ? value.GetString()
        : value.ValueKind == JsonValueKind.Object ? String(value, "id")
        : null;
}

/// <summary>An event body that cannot be read as a Stripe event (or lacks what its type needs).</summary>
public sealed class StripeEventFormatException(string message) : Exception(message);

using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Tenancy.Testing;

/// <summary>
/// Stripe events as Stripe sends them (API version 2026-10-28.endive, the one Stripe.net 53.1.0
/// is generated for), and their <c>Stripe-Signature</c> header computed exactly as Stripe
/// computes it: <c>t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256 of "t.payload" with the endpoint secret&gt;</c>.
/// Shared by the core, portal, end-to-end tests and the benchmarks (linked into each project).
/// </summary>
public static class StripeTestEvents
{
    public const string ApiVersion = "2026-10-28.endive";

    public const string Secret = "whsec_test_5f0c8a1d2b3e4f60718293a4b5c6d7e8";

    private static long sequence;

    /// <summary>A new Stripe-looking id with <paramref name="prefix"/> (<c>evt_</c>, <c>in_</c>, …).</summary>
    public static string NewId(string prefix)
    {
        var n = Interlocked.Increment(ref sequence);
        return prefix + "1T" + Convert.ToHexString(RandomNumberGenerator.GetBytes(8)).ToLowerInvariant() + n.ToString("x", CultureInfo.InvariantCulture);
    }

    /// <summary>The header Stripe sends with <paramref name="payload"/>, signed at <paramref name="signedAt"/>.</summary>
    public static string Sign(string payload, DateTimeOffset signedAt, string secret = Secret)
    {
        var timestamp = signedAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{payload}"));
        return $"t={timestamp},v1={Convert.ToHexString(mac).ToLowerInvariant()}";
    }

    public static string InvoicePaymentFailed(string customer, string subscription, DateTimeOffset created, string? eventId = null) =>
        Envelope(eventId, "invoice.payment_failed", created, Invoice(customer, subscription, created, paid: false));

    public static string InvoicePaid(string customer, string subscription, DateTimeOffset created, string? eventId = null) =>
        Envelope(eventId, "invoice.paid", created, Invoice(customer, subscription, created, paid: true));

    public static string InvoicePaymentSucceeded(string customer, string subscription, DateTimeOffset created, string? eventId = null) =>
        Envelope(eventId, "invoice.payment_succeeded", created, Invoice(customer, subscription, created, paid: true));

    public static string SubscriptionUpdated(string customer, string subscription, string status, DateTimeOffset created, string? previousStatus = null, string? eventId = null) =>
        Envelope(eventId, "customer.subscription.updated", created, Subscription(customer, subscription, status, created),
            previousStatus is null ? null : new JsonObject { ["status"] = previousStatus });

    public static string SubscriptionDeleted(string customer, string subscription, DateTimeOffset created, string? eventId = null) =>
        Envelope(eventId, "customer.subscription.deleted", created, Subscription(customer, subscription, "canceled", created));

    /// <summary>An event type billing does not act on.</summary>
    public static string CustomerUpdated(string customer, DateTimeOffset created, string? eventId = null) =>
        Envelope(eventId, "customer.updated", created, new JsonObject
        {
            ["id"] = customer,
            ["object"] = "customer",
            ["created"] = created.AddDays(-90).ToUnixTimeSeconds(),
            ["email"] = "billing@example.com",
            ["livemode"] = false,
            ["metadata"] = new JsonObject(),
        });

    /// <summary>Any event body, for malformed cases: <paramref name="dataObject"/> is put under <c>data.object</c> as given.</summary>
    public static string Custom(string type, DateTimeOffset created, JsonObject dataObject, string? eventId = null) =>
        Envelope(eventId, type, created, dataObject);

    private static string Envelope(string? eventId, string type, DateTimeOffset created, JsonObject dataObject, JsonObject? previousAttributes = null)
    {
        var data = new JsonObject { ["object"] = dataObject };
        if (previousAttributes is not null)
        {
            data["previous_attributes"] = previousAttributes;
        }

        var envelope = new JsonObject
        {
            ["id"] = eventId ?? NewId("evt_"),
            ["object"] = "event",
            ["api_version"] = ApiVersion,
            ["created"] = created.ToUnixTimeSeconds(),
            ["data"] = data,
            ["livemode"] = false,
            ["pending_webhooks"] = 1,
            ["request"] = new JsonObject { ["id"] = null, ["idempotency_key"] = null },
            ["type"] = type,
        };
        return envelope.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    private static JsonObject Invoice(string customer, string subscription, DateTimeOffset created, bool paid)
    {
        var periodStart = created.AddMonths(-1).ToUnixTimeSeconds();
        var periodEnd = created.ToUnixTimeSeconds();
        return new JsonObject
        {
            ["id"] = NewId("in_"),
            ["object"] = "invoice",
            ["account_country"] = "GB",
            ["amount_due"] = 4900,
            ["amount_paid"] = paid ? 4900 : 0,
            ["amount_remaining"] = paid ? 0 : 4900,
            ["attempt_count"] = paid ? 1 : 2,
            ["attempted"] = true,
            ["automatically_finalizes_at"] = null,
            ["billing_reason"] = "subscription_cycle",
            ["collection_method"] = "charge_automatically",
            ["created"] = created.AddHours(-1).ToUnixTimeSeconds(),
            ["currency"] = "gbp",
            ["customer"] = customer,
            ["customer_email"] = "billing@example.com",
            ["hosted_invoice_url"] = "https://invoice.stripe.com/i/acct_test/test_invoice",
            ["lines"] = new JsonObject
            {
                ["object"] = "list",
                ["data"] = new JsonArray(new JsonObject
                {
                    ["id"] = NewId("il_"),
                    ["object"] = "line_item",
                    ["amount"] = 4900,
                    ["currency"] = "gbp",
                    ["description"] = "1 × Business (at £49.00 / month)",
                    ["parent"] = new JsonObject
                    {
                        ["type"] = "subscription_item_details",
                        ["subscription_item_details"] = new JsonObject { ["subscription"] = subscription, ["subscription_item"] = NewId("si_") },
                    },
                    ["period"] = new JsonObject { ["start"] = periodStart, ["end"] = periodEnd },
                    ["quantity"] = 1,
                }),
                ["has_more"] = false,
                ["total_count"] = 1,
                ["url"] = "/v1/invoices/lines",
            },
            ["livemode"] = false,
            ["metadata"] = new JsonObject(),
            ["next_payment_attempt"] = paid ? null : created.AddDays(3).ToUnixTimeSeconds(),
            ["number"] = "A1B2C3D4-0007",
            ["parent"] = new JsonObject
            {
                ["quote_details"] = null,
                ["subscription_details"] = new JsonObject { ["metadata"] = new JsonObject(), ["subscription"] = subscription },
                ["type"] = "subscription_details",
            },
            ["period_end"] = periodEnd,
            ["period_start"] = periodStart,
            ["status"] = paid ? "paid" : "open",
            ["status_transitions"] = new JsonObject
            {
                ["finalized_at"] = created.AddHours(-1).ToUnixTimeSeconds(),
                ["paid_at"] = paid ? created.ToUnixTimeSeconds() : null,
            },
            ["subtotal"] = 4900,
            ["total"] = 4900,
        };
    }

    private static JsonObject Subscription(string customer, string subscription, string status, DateTimeOffset created) => new()
    {
        ["id"] = subscription,
        ["object"] = "subscription",
        ["billing_cycle_anchor"] = created.AddMonths(-6).ToUnixTimeSeconds(),
        ["cancel_at_period_end"] = false,
        ["canceled_at"] = status == "canceled" ? created.ToUnixTimeSeconds() : null,
        ["collection_method"] = "charge_automatically",
        ["created"] = created.AddMonths(-6).ToUnixTimeSeconds(),
        ["currency"] = "gbp",
        ["customer"] = customer,
        ["ended_at"] = status == "canceled" ? created.ToUnixTimeSeconds() : null,
        ["items"] = new JsonObject
        {
            ["object"] = "list",
            ["data"] = new JsonArray(new JsonObject
            {
                ["id"] = NewId("si_"),
                ["object"] = "subscription_item",
                ["current_period_end"] = created.AddDays(20).ToUnixTimeSeconds(),
                ["current_period_start"] = created.AddDays(-10).ToUnixTimeSeconds(),
                ["price"] = new JsonObject
                {
                    ["id"] = "price_1Business",
                    ["object"] = "price",
                    ["currency"] = "gbp",
                    ["recurring"] = new JsonObject { ["interval"] = "month", ["interval_count"] = 1 },
                    ["unit_amount"] = 4900,
                },
                ["quantity"] = 1,
                ["subscription"] = subscription,
            }),
            ["has_more"] = false,
            ["total_count"] = 1,
        },
        ["latest_invoice"] = NewId("in_"),
        ["livemode"] = false,
        ["metadata"] = new JsonObject(),
        ["start_date"] = created.AddMonths(-6).ToUnixTimeSeconds(),
        ["status"] = status,
    };
}

using System.Globalization;
using System.Text.Json;

namespace Tenancy.Core.Features.Billing;

/// <summary>
/// What the last <c>invoice.payment_failed</c> event of a tenant said, where it said it: the
/// amount due in the currency's smallest unit, Stripe's attempt count and next automatic retry,
/// the hosted invoice page; and whether the event came from live or test mode.
/// </summary>
public sealed record FailedPayment(
    string EventId,
    DateTime FailedAt,
    long? AmountDue,
    string? Currency,
    int? AttemptCount,
    DateTime? NextAttemptAt,
    string? InvoiceUrl,
    bool Livemode)
{
    /// <summary>Currencies Stripe counts in whole units (no cents).</summary>
    private static readonly HashSet<string> ZeroDecimal = new(StringComparer.OrdinalIgnoreCase)
        { "bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "ugx", "vnd", "vuv", "xaf", "xof", "xpf" };

    /// <summary>"49.00 GBP", "4,900 JPY"; null when the event carried no amount.</summary>
    public string? AmountText => AmountDue is { } amount && Currency is { Length: > 0 } currency
        ? (ZeroDecimal.Contains(currency)
            ? amount.ToString("N0", CultureInfo.InvariantCulture)
            : (amount / 100m).ToString("N2", CultureInfo.InvariantCulture)) + " " + currency.ToUpperInvariant()
        : null;

    /// <summary>Reads the invoice out of an <c>invoice.payment_failed</c> payload; fields Stripe left out stay null.</summary>
    public static FailedPayment From(string eventId, DateTime failedAt, string payload)
    {
        using var document = JsonDocument.Parse(payload);
        var root = document.RootElement;
        var livemode = root.TryGetProperty("livemode", out var l) && l.ValueKind == JsonValueKind.True;
        if (!root.TryGetProperty("data", out var data) || !data.TryGetProperty("object", out var invoice) || invoice.ValueKind != JsonValueKind.Object)
        {
            return new FailedPayment(eventId, failedAt, null, null, null, null, null, livemode);
        }

        long? Long(string name) => invoice.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) ? n : null;
        string? Text(string name) => invoice.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        return new FailedPayment(
            eventId,
            failedAt,
            Long("amount_due"),
            Text("currency"),
            Long("attempt_count") is { } attempts ? (int)Math.Clamp(attempts, 0, int.MaxValue) : null,
            Long("next_payment_attempt") is { } next ? DateTimeOffset.FromUnixTimeSeconds(next).UtcDateTime : null,
            Text("hosted_invoice_url") is { } url && url.StartsWith("https://", StringComparison.Ordinal) ? url : null,
            livemode);
    }
}

/// <summary>Links into Stripe's dashboard, in live or test mode as the tenant's events were.</summary>
public static class StripeDashboard
{
    private const string Base = "https://dashboard.stripe.com/";

    public static string Customer(string customerId, bool livemode) => Base + (livemode ? "" : "test/") + "customers/" + Uri.EscapeDataString(customerId);

    public static string Subscription(string subscriptionId, bool livemode) => Base + (livemode ? "" : "test/") + "subscriptions/" + Uri.EscapeDataString(subscriptionId);
}

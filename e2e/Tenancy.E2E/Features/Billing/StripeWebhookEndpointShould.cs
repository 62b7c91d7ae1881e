using System.Net;
using System.Text.Json;
using Tenancy.Core.Features.Billing;
using Tenancy.E2E.Hosting;
using Tenancy.Testing;

namespace Tenancy.E2E.Features.Billing;

/// <summary>
/// <c>POST /webhooks/stripe</c> on the running portal, from outside, as Stripe (or someone
/// pretending to be Stripe) calls it: no staff cookie, no antiforgery token, only the signature.
/// </summary>
[Collection(BillingCollection.Name)]
public sealed class StripeWebhookEndpointShould(PortalFixture portal)
{
    // A customer no tenant has: stored events wait for it ("parked") and change no tenant.
    private const string Customer = "cus_E2EWebhookNobody";
    private const string Subscription = "sub_E2EWebhookNobody";

    private readonly StripeWebhooks _stripe = new(portal);

    [Fact]
    public async Task RefuseAForgedSignatureAndStoreNothing()
    {
        var payload = StripeTestEvents.InvoicePaymentFailed(Customer, Subscription, _stripe.Now);
        var eventId = IdOf(payload);

        using var response = await _stripe.PostAsync(payload, StripeTestEvents.Sign(payload, DateTimeOffset.UtcNow, "whsec_not_the_endpoint_secret"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("signature", await ErrorOfAsync(response), StringComparison.OrdinalIgnoreCase);
        Assert.Null(await _stripe.FindAsync(eventId));
        Assert.Contains(portal.Log.Entries, e => e.Category == typeof(StripeWebhookReceiver).FullName && e.Message.StartsWith("Rejected a Stripe webhook delivery", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RefuseABodyChangedAfterSigningAMissingSignatureAndAStaleOne()
    {
        var payload = StripeTestEvents.InvoicePaid(Customer, Subscription, _stripe.Now);
        var eventId = IdOf(payload);
        var signature = StripeTestEvents.Sign(payload, DateTimeOffset.UtcNow);

        using var tampered = await _stripe.PostAsync(payload.Replace("\"amount_paid\": 4900", "\"amount_paid\": 1", StringComparison.Ordinal), signature);
        using var unsigned = await _stripe.PostAsync(payload, signature: null);
        using var stale = await _stripe.PostAsync(payload, StripeTestEvents.Sign(payload, DateTimeOffset.UtcNow.AddSeconds(-(StripeOptions.SignatureToleranceSeconds + 60))));

        Assert.Equal(HttpStatusCode.BadRequest, tampered.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, unsigned.StatusCode);
        Assert.Contains("Stripe-Signature", await ErrorOfAsync(unsigned), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, stale.StatusCode);
        Assert.Null(await _stripe.FindAsync(eventId));
    }

    [Fact]
    public async Task StoreASignedEventOnceAndAcknowledgeItsRedelivery()
    {
        var payload = StripeTestEvents.InvoicePaymentFailed(Customer, Subscription, _stripe.Now);

        var eventId = await _stripe.DeliverAsync(payload);
        using var redelivery = await _stripe.PostAsync(payload, StripeTestEvents.Sign(payload, DateTimeOffset.UtcNow));

        Assert.Equal(IdOf(payload), eventId);
        Assert.Equal(HttpStatusCode.OK, redelivery.StatusCode);
        using (var body = JsonDocument.Parse(await redelivery.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)))
        {
            Assert.True(body.RootElement.GetProperty("duplicate").GetBoolean());
        }

        // The worker picked it up; no tenant has the customer, so it waits for one.
        var stored = await _stripe.WaitUntilHandledAsync(eventId);
        Assert.Equal(StripeEventState.Parked, stored.State);
        Assert.Equal("invoice.payment_failed", stored.Type);
        Assert.Equal(Customer, stored.CustomerId);
        Assert.Null(stored.TenantId);
    }

    private static string IdOf(string payload)
    {
        using var json = JsonDocument.Parse(payload);
        return json.RootElement.GetProperty("id").GetString()!;
    }

    private static async Task<string> ErrorOfAsync(HttpResponseMessage response)
    {
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        return json.RootElement.GetProperty("error").GetString()!;
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tenancy.Admin.Tests.Infrastructure;
using Tenancy.Core.Data;
using Tenancy.Core.Features.Billing;
using Tenancy.Core.Features.Plans;
using Tenancy.Core.Features.Tenants;
using Tenancy.Testing;

namespace Tenancy.Admin.Tests.Features.Billing;

/// <summary><c>POST /webhooks/stripe</c> over HTTP, as Stripe calls it: no session, no antiforgery token, a signature.</summary>
public sealed class StripeWebhookEndpointShould
{
    private static readonly Dictionary<string, string?> Configured = new() { ["Stripe:WebhookSecret"] = StripeTestEvents.Secret, ["Billing:PollInterval"] = "00:00:00.200" };

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AcceptASignedEventFromAnAnonymousCallerAndApplyItInTheBackground()
    {
        await using var portal = new PortalFactory(settings: Configured);
        using var client = portal.CreateClient();
        var tenant = await CreateTenantAsync(portal);
        var payload = StripeTestEvents.InvoicePaymentFailed(tenant.Customer, tenant.Subscription, DateTimeOffset.UtcNow);

        using var response = await PostAsync(client, payload, StripeTestEvents.Sign(payload, DateTimeOffset.UtcNow));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancellation));
        Assert.True(body.RootElement.GetProperty("received").GetBoolean());
        Assert.False(body.RootElement.GetProperty("duplicate").GetBoolean());

        // The worker (role "all") applies it shortly after; the request did not wait for it.
        var status = TenantStatus.Active;
        for (var waited = 0; waited < 100 && status != TenantStatus.PastDue; waited++)
        {
            await Task.Delay(100, Cancellation);
            status = await StatusAsync(portal, tenant.Id);
        }

        Assert.Equal(TenantStatus.PastDue, status);
    }

    [Fact]
    public async Task AcknowledgeARedeliveryAsADuplicate()
    {
        await using var portal = new PortalFactory(settings: Configured);
        using var client = portal.CreateClient();
        var payload = StripeTestEvents.InvoicePaid("cus_http_dup", "sub_http_dup", DateTimeOffset.UtcNow);

        using var first = await PostAsync(client, payload, StripeTestEvents.Sign(payload, DateTimeOffset.UtcNow));
        using var second = await PostAsync(client, payload, StripeTestEvents.Sign(payload, DateTimeOffset.UtcNow));

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (first.StatusCode, second.StatusCode));
        Assert.True((await second.Content.ReadFromJsonAsync<JsonElement>(Cancellation)).GetProperty("duplicate").GetBoolean());
        Assert.Equal(1, await CountEventsAsync(portal));
    }

    [Theory]
    [InlineData("forged")]
    [InlineData("stale")]
    [InlineData("missing")]
    public async Task AnswerBadRequestForABadSignatureAndStoreNothing(string fault)
    {
        await using var portal = new PortalFactory(settings: Configured);
        using var client = portal.CreateClient();
        var payload = StripeTestEvents.InvoicePaid("cus_http_bad", "sub_http_bad", DateTimeOffset.UtcNow);
        var header = fault switch
        {
            "forged" => StripeTestEvents.Sign(payload, DateTimeOffset.UtcNow, "whsec_not_the_real_secret_000000"),
            "stale" => StripeTestEvents.Sign(payload, DateTimeOffset.UtcNow.AddMinutes(-6)),
            _ => null,
        };

        using var response = await PostAsync(client, payload, header);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.False(string.IsNullOrWhiteSpace((await response.Content.ReadFromJsonAsync<JsonElement>(Cancellation)).GetProperty("error").GetString()));
        Assert.Equal(0, await CountEventsAsync(portal));
    }

    [Fact]
    public async Task RefuseAnOversizedBody()
    {
        await using var portal = new PortalFactory(settings: new Dictionary<string, string?>(Configured) { ["Stripe:MaxPayloadBytes"] = "2048" });
        using var client = portal.CreateClient();
        var payload = StripeTestEvents.InvoicePaid("cus_http_big", "sub_http_big", DateTimeOffset.UtcNow); // ~3 KB

        using var response = await PostAsync(client, payload, StripeTestEvents.Sign(payload, DateTimeOffset.UtcNow));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(0, await CountEventsAsync(portal));
    }

    [Fact]
    public async Task SayUnavailableInDevelopmentWithoutASecret()
    {
        await using var portal = new PortalFactory();
        using var client = portal.CreateClient();
        var payload = StripeTestEvents.InvoicePaid("cus_http_nosecret", "sub_http_nosecret", DateTimeOffset.UtcNow);

        using var response = await PostAsync(client, payload, StripeTestEvents.Sign(payload, DateTimeOffset.UtcNow));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("Stripe:WebhookSecret", await response.Content.ReadAsStringAsync(Cancellation), StringComparison.Ordinal);
    }

    [Fact]
    public void RefuseToStartInProductionWithoutAWebhookSecret()
    {
        using var portal = new PortalFactory(environment: "Production", settings: new Dictionary<string, string?>
        {
            ["Auth:Authority"] = "https://login.example.test",
            ["Auth:ClientId"] = "tenancy-admin",
            ["Auth:ClientSecret"] = "from-a-secret-store",
            ["DataProtection:CertificatePath"] = TestCertificate.Shared.Path,
            ["DataProtection:CertificatePassword"] = TestCertificate.Shared.Password,
        });

        var refused = Assert.Throws<InvalidOperationException>(() => portal.CreateClient());

        Assert.Contains("Stripe:WebhookSecret is not set", refused.Message, StringComparison.Ordinal);
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string payload, string? signature)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/stripe") { Content = new StringContent(payload, Encoding.UTF8, "application/json") };
        if (signature is not null)
        {
            request.Headers.TryAddWithoutValidation("Stripe-Signature", signature);
        }

        return await client.SendAsync(request, Cancellation);
    }

    private static async Task<(Guid Id, string Customer, string Subscription)> CreateTenantAsync(PortalFactory portal)
    {
        var id = Guid.CreateVersion7();
        var customer = StripeTestEvents.NewId("cus_");
        var subscription = StripeTestEvents.NewId("sub_");
        await using var db = await portal.Services.GetRequiredService<IDbContextFactory<TenancyDbContext>>().CreateDbContextAsync(Cancellation);
        db.Tenants.Add(new Tenant
        {
            Id = id,
            Name = "Webhook tenant",
            Slug = "webhook-" + id.ToString("N")[^10..],
            OwnerName = "Owner",
            OwnerEmail = "owner@example.test",
            Status = TenantStatus.Active,
            PlanId = PlanCatalog.Starter,
            Region = "eu-west",
            StripeCustomerId = customer,
            StripeSubscriptionId = subscription,
            CreatedAt = DateTime.UtcNow,
            UpdatedAt = DateTime.UtcNow,
        });
        await db.SaveChangesAsync(Cancellation);
        return (id, customer, subscription);
    }

    private static async Task<TenantStatus> StatusAsync(PortalFactory portal, Guid id)
    {
        await using var db = await portal.Services.GetRequiredService<IDbContextFactory<TenancyDbContext>>().CreateDbContextAsync(Cancellation);
        return await db.Tenants.Where(t => t.Id == id).Select(t => t.Status).SingleAsync(Cancellation);
    }

    private static async Task<int> CountEventsAsync(PortalFactory portal)
    {
        await using var db = await portal.Services.GetRequiredService<IDbContextFactory<TenancyDbContext>>().CreateDbContextAsync(Cancellation);
        return await db.StripeEvents.CountAsync(Cancellation);
    }
}

using System.Text.Json.Nodes;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Tenancy.Core.Features.Billing;
using Tenancy.Testing;

namespace Tenancy.Admin.Tests.Features.Billing;

/// <summary>
/// Fills the Stripe inbox of a component test as production does: signed deliveries through
/// <see cref="StripeWebhookReceiver"/>, applied by <see cref="StripeEventProcessor"/>, with the
/// services and clock of the test context. Each delivery comes a second after the one before, so
/// the inbox's newest-first order is the order they were sent in.
/// </summary>
public sealed class WebhookEventsTestInbox(BunitContext context, FakeTimeProvider clock)
{
    public BillingService Billing => context.Services.GetRequiredService<BillingService>();

    public DateTimeOffset Now => clock.GetUtcNow();

    /// <summary>Delivers a signed event; returns its id. Nothing is applied until <see cref="DrainAsync"/>.</summary>
    public async Task<string> ReceiveAsync(string payload)
    {
        clock.Advance(TimeSpan.FromSeconds(1));
        var receiver = context.Services.GetRequiredService<StripeWebhookReceiver>();
        var receipt = await receiver.ReceiveAsync(payload, StripeTestEvents.Sign(payload, clock.GetUtcNow()), Xunit.TestContext.Current.CancellationToken);
        Assert.True(receipt.Outcome == WebhookOutcome.Accepted, $"The receiver answered {receipt.Outcome}: {receipt.Message}");
        return receipt.EventId!;
    }

    /// <summary>Applies every due event, as the worker would.</summary>
    public Task<int> DrainAsync() =>
        context.Services.GetRequiredService<StripeEventProcessor>().DrainAsync(Xunit.TestContext.Current.CancellationToken);

    /// <summary>An event that names no customer: it fails every attempt.</summary>
    public string Poison() =>
        StripeTestEvents.Custom("invoice.payment_failed", Now, new JsonObject { ["object"] = "invoice", ["id"] = "in_poison" });

    public async Task<string> FailedAsync()
    {
        var id = await ReceiveAsync(Poison());
        await DrainAsync();
        return id;
    }

    /// <summary>A payment failure for a customer no tenant has.</summary>
    public async Task<string> ParkedAsync(string customer)
    {
        var id = await ReceiveAsync(StripeTestEvents.InvoicePaymentFailed(customer, "sub_parked", Now));
        await DrainAsync();
        return id;
    }
}

using System.Text.Json.Nodes;
using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Tenancy.Core.Data;
using Tenancy.Core.Features.Audit;
using Tenancy.Core.Features.Billing;
using Tenancy.Testing;

namespace Tenancy.Admin.Tests.Features.Billing;

/// <summary>
/// The billing services for a component test, over the test's SQLite database, and a way to
/// fill the Stripe inbox as production does: signed deliveries through
/// <see cref="StripeWebhookReceiver"/>, applied by <see cref="StripeEventProcessor"/>.
/// <para>
/// The test context's own container is built before a test class's constructor runs, so these
/// services live in a container of their own, attached as its fallback provider (components
/// injecting <see cref="BillingService"/> resolve it there). One attempt per event and no retry
/// delay: a poison event fails on the first drain.
/// </para>
/// </summary>
public sealed class WebhookEventsTestInbox : IDisposable
{
    private readonly ServiceProvider _services;

    public WebhookEventsTestInbox(BunitContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Stripe:WebhookSecret"] = StripeTestEvents.Secret,
                ["Billing:MaxAttempts"] = "1",
                ["Billing:RetryBaseDelay"] = "00:00:00",
            })
            .Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging();
        services.AddSingleton(context.Services.GetRequiredService<IDbContextFactory<TenancyDbContext>>());
        services.AddSingleton(context.Services.GetRequiredService<AuditLog>());
        services.AddSingleton(context.Services.GetRequiredService<TimeProvider>());
        services.AddTenancyBilling();
        _services = services.BuildServiceProvider();
        context.Services.AddFallbackServiceProvider(_services);
    }

    public BillingService Billing => _services.GetRequiredService<BillingService>();

    /// <summary>Delivers a signed event; returns its id. Nothing is applied until <see cref="DrainAsync"/>.</summary>
    public async Task<string> ReceiveAsync(string payload)
    {
        var receiver = _services.GetRequiredService<StripeWebhookReceiver>();
        var receipt = await receiver.ReceiveAsync(payload, StripeTestEvents.Sign(payload, DateTimeOffset.UtcNow), Xunit.TestContext.Current.CancellationToken);
        Assert.True(receipt.Outcome == WebhookOutcome.Accepted, $"The receiver answered {receipt.Outcome}: {receipt.Message}");
        return receipt.EventId!;
    }

    /// <summary>Applies every due event, as the worker would.</summary>
    public Task<int> DrainAsync() =>
        _services.GetRequiredService<StripeEventProcessor>().DrainAsync(Xunit.TestContext.Current.CancellationToken);

    /// <summary>An event that names no customer: it fails every attempt.</summary>
    public static string Poison() =>
        StripeTestEvents.Custom("invoice.payment_failed", DateTimeOffset.UtcNow, new JsonObject { ["object"] = "invoice", ["id"] = "in_poison" });

    public async Task<string> FailedAsync()
    {
        var id = await ReceiveAsync(Poison());
        await DrainAsync();
        return id;
    }

    /// <summary>A payment failure for a customer no tenant has.</summary>
    public async Task<string> ParkedAsync(string customer)
    {
        var id = await ReceiveAsync(StripeTestEvents.InvoicePaymentFailed(customer, "sub_parked", DateTimeOffset.UtcNow));
        await DrainAsync();
        return id;
    }

    public void Dispose() => _services.Dispose();
}

using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tenancy.Admin.Features.Billing;
using Tenancy.Core.Data;
using Tenancy.Core.Features.Billing;
using Tenancy.Testing;

namespace Tenancy.E2E.Hosting;

/// <summary>
/// Stripe's side of the conversation: posts event bodies to the running portal's
/// <c>/webhooks/stripe</c> over HTTP with a <c>Stripe-Signature</c> made as Stripe makes it,
/// and reads the portal's inbox to know when the background processor has applied an event.
/// Signatures are made on real time (the endpoint checks them against the portal's real clock);
/// events' <c>created</c> comes from the billing clock (<see cref="PortalFixture.BillingClock"/>).
/// </summary>
public sealed class StripeWebhooks(PortalFixture portal)
{
    /// <summary>How long the processor may take to apply an event (it is woken at once; this is a bound for a busy machine).</summary>
    private static readonly TimeSpan ApplyTimeout = TimeSpan.FromSeconds(15);

    /// <summary>"Now" for a new event: the billing clock, to the second (Stripe's <c>created</c> is unix seconds).</summary>
    public DateTimeOffset Now => DateTimeOffset.FromUnixTimeSeconds(portal.BillingClock.GetUtcNow().ToUnixTimeSeconds());

    /// <summary>Posts <paramref name="payload"/> with a valid signature; asserts 200 and returns the event id the portal acknowledged.</summary>
    public async Task<string> DeliverAsync(string payload)
    {
        using var response = await PostAsync(payload, StripeTestEvents.Sign(payload, DateTimeOffset.UtcNow));
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"POST {StripeWebhookEndpoint.Path} answered {(int)response.StatusCode}: {body}");
        using var json = JsonDocument.Parse(body);
        Assert.True(json.RootElement.GetProperty("received").GetBoolean());
        return json.RootElement.GetProperty("id").GetString()!;
    }

    /// <summary>Posts <paramref name="payload"/> with the given <c>Stripe-Signature</c> (none if null), as is.</summary>
    public async Task<HttpResponseMessage> PostAsync(string payload, string? signature)
    {
        using var client = await portal.HttpClientAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, StripeWebhookEndpoint.Path)
        {
            Content = new StringContent(payload, Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
        };
        if (signature is not null)
        {
            request.Headers.TryAddWithoutValidation("Stripe-Signature", signature);
        }

        return await client.SendAsync(request, TestContext.Current.CancellationToken);
    }

    /// <summary>The inbox row of an event, or null if it was never stored.</summary>
    public async Task<StripeEvent?> FindAsync(string eventId)
    {
        var contexts = portal.Services.GetRequiredService<IDbContextFactory<TenancyDbContext>>();
        await using var db = await contexts.CreateDbContextAsync(TestContext.Current.CancellationToken);
        return await db.StripeEvents.AsNoTracking().FirstOrDefaultAsync(e => e.Id == eventId, TestContext.Current.CancellationToken);
    }

    /// <summary>
    /// Waits until the background processor has handled the event (its row left
    /// <see cref="StripeEventState.Pending"/>) and returns the row. The state and the tenant's
    /// change commit in one transaction, so the tenant's page shows the result from then on.
    /// Polls the inbox: nothing in the portal announces a processed event.
    /// </summary>
    public async Task<StripeEvent> WaitUntilHandledAsync(string eventId)
    {
        var watch = Stopwatch.StartNew();
        using var poll = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        StripeEvent? row;
        do
        {
            row = await FindAsync(eventId);
            if (row is not null && row.State != StripeEventState.Pending)
            {
                return row;
            }
        }
        while (watch.Elapsed < ApplyTimeout && await poll.WaitForNextTickAsync(TestContext.Current.CancellationToken));

        throw new TimeoutException(row is null
            ? $"Stripe event {eventId} is not in the inbox."
            : $"Stripe event {eventId} was still pending after {ApplyTimeout.TotalSeconds:0} s (attempts {row.Attempts}, last error: {row.LastError ?? "none"}).");
    }

    /// <summary>Delivers an event and waits until it is handled; asserts it was applied (not parked, stale or failed).</summary>
    public async Task<StripeEvent> DeliverAndApplyAsync(string payload)
    {
        var row = await WaitUntilHandledAsync(await DeliverAsync(payload));
        Assert.True(row.State == StripeEventState.Applied, $"Event {row.Id} ({row.Type}) was {row.State}: {row.Outcome} {row.LastError}");
        return row;
    }
}

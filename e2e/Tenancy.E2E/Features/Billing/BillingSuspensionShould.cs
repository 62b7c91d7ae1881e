using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Tenancy.Core.Features.Billing;
using Tenancy.Core.Features.Plans;
using Tenant = Tenancy.Core.Features.Tenants.Tenant;
using TenantStatus = Tenancy.Core.Features.Tenants.TenantStatus;
using Tenancy.E2E.Hosting;
using Tenancy.E2E.Pages;
using Tenancy.Testing;
using static Microsoft.Playwright.Assertions;

namespace Tenancy.E2E.Features.Billing;

/// <summary>
/// Billing-driven suspension end to end: Stripe's webhooks over HTTP, the background processor,
/// the grace sweep on a clock moved past the grace period, and what staff see in Chromium.
/// </summary>
[Collection(BillingCollection.Name)]
public sealed class BillingSuspensionShould(PortalFixture portal)
{
    /// <summary>This test's own tenant: paying, with a Stripe customer and subscription.</summary>
    private static readonly Tenant Osprey = new()
    {
        Id = Guid.Parse("01950c3a-7d2e-7b41-9c3e-5a2f0e2eb001"),
        Name = "Osprey Outfitters",
        Slug = "osprey-outfitters",
        OwnerName = "Maren Holt",
        OwnerEmail = "maren.holt@osprey-outfitters.example",
        Status = TenantStatus.Active,
        PlanId = PlanCatalog.Professional,
        Region = "eu-west",
        StripeCustomerId = "cus_E2EOspreyOutfitters",
        StripeSubscriptionId = "sub_E2EOspreyOutfitters",
        CreatedAt = new DateTime(2024, 11, 4, 10, 15, 0, DateTimeKind.Utc),
        UpdatedAt = new DateTime(2025, 5, 20, 8, 0, 0, DateTimeKind.Utc),
    };

    [Fact]
    public async Task SuspendAPastDueTenantWhenItsGraceRunsOutAndReactivateItWhenItPays()
    {
        await portal.AddTenantAsync(Osprey);
        var (customer, subscription) = (Osprey.StripeCustomerId!, Osprey.StripeSubscriptionId!);
        var stripe = new StripeWebhooks(portal);
        var grace = portal.Services.GetRequiredService<IOptions<BillingOptions>>().Value.GracePeriod;
        Assert.Equal(TimeSpan.FromDays(7), grace); // the default, which the scenario names
        await using var session = await portal.NewSessionAsync();

        // Stripe reports a failed payment: the tenant is past due, in the list and on its page.
        var failedAt = stripe.Now;
        var failed = await stripe.DeliverAndApplyAsync(StripeTestEvents.InvoicePaymentFailed(customer, subscription, failedAt));
        var deadline = failedAt + grace;

        var list = await new TenantListPage(session.Page).GotoAsync("/tenants?q=osprey");
        await Expect(list.Row(Osprey.Name).Locator("[data-status]")).ToHaveAttributeAsync("data-status", "past-due");
        var tenant = await list.OpenAsync(Osprey.Name);
        await Expect(tenant.StatusChip).ToHaveAttributeAsync("data-status", "past-due");
        var billing = await TenantBillingTab.OpenAsync(tenant);
        await billing.ExpectStatusAsync("past-due", "Past due");
        await Expect(billing.Customer).ToContainTextAsync(customer);
        await Expect(billing.Subscription).ToContainTextAsync(subscription);
        await Expect(billing.SubscriptionStatus).ToHaveTextAsync("past_due");
        await Expect(billing.PastDueSince).ToHaveTextAsync(Utc(failedAt));
        await Expect(billing.GraceDeadline).ToHaveTextAsync(Utc(deadline));
        await Expect(billing.Countdown).ToHaveTextAsync("6 days 23 hours left"); // a few seconds less than the 7 days
        await Expect(billing.Event(failed.Id)).ToHaveAttributeAsync("data-state", "applied");
        await Expect(billing.Event(failed.Id)).ToContainTextAsync("invoice.payment_failed");
        await Expect(billing.Suspensions).ToHaveCountAsync(0);
        await SettleForScreenshotAsync(billing);
        await billing.ScreenshotAsync("billing-past-due.png");

        // The grace period runs out unpaid, and the sweep suspends the tenant for billing.
        portal.BillingClock.Advance(grace + TimeSpan.FromMinutes(1));
        await portal.Services.GetRequiredService<GraceSweeper>().SweepAsync(TestContext.Current.CancellationToken);

        await billing.RefreshAsync();
        await billing.ExpectStatusAsync("suspended", "Suspended");
        await Expect(tenant.StatusChip).ToHaveAttributeAsync("data-status", "suspended");
        await Expect(billing.Suspensions).ToHaveCountAsync(1);
        var suspension = billing.ActiveSuspensions;
        await Expect(suspension).ToHaveCountAsync(1);
        await Expect(suspension).ToContainTextAsync("Billing");
        await Expect(suspension).ToContainTextAsync(BillingActors.GraceSweep.Name);
        await Expect(suspension).ToContainTextAsync($"the grace period ended {Utc(deadline)}");
        // Only a payment lifts a billing suspension: staff get no Resume for it.
        await Expect(billing.ResumeButton).ToHaveCountAsync(0);
        await SettleForScreenshotAsync(billing);
        await Screenshots.TakeAsync(session.Page, "billing-suspended.png", fullPage: true); // down to the suspension history

        // Stripe reports the invoice paid (a week later, on the moved clock): active again.
        var paid = await stripe.DeliverAndApplyAsync(StripeTestEvents.InvoicePaid(customer, subscription, stripe.Now));

        await billing.RefreshAsync();
        await billing.ExpectStatusAsync("active", "Active");
        await Expect(tenant.StatusChip).ToHaveAttributeAsync("data-status", "active");
        await Expect(billing.SubscriptionStatus).ToHaveTextAsync("active");
        await Expect(billing.ActiveSuspensions).ToHaveCountAsync(0);
        await Expect(billing.LiftedSuspensions).ToHaveCountAsync(1);
        await Expect(billing.LiftedSuspensions).ToContainTextAsync(BillingActors.Stripe.Name);
        await Expect(billing.LiftedSuspensions).ToContainTextAsync(paid.Id);
        await Expect(billing.Events).ToHaveCountAsync(2);
        await Expect(billing.Event(paid.Id)).ToHaveAttributeAsync("data-state", "applied");
        await Expect(billing.ErrorBar).ToBeHiddenAsync();

        // The fleet's webhook events on a 1024 px screen: every column and the payload button fit.
        await session.Page.SetViewportSizeAsync(1024, 768);
        await session.Page.GotoAsync("/billing/events");
        await Expect(session.Page.GetByTestId("webhook-event").First).ToBeVisibleAsync();
        var overflow = await session.Page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
        await Screenshots.TakeAsync(session.Page, "webhook-events-1024.png");
        Assert.True(overflow <= 0, $"The webhook events page is {overflow} px wider than a 1024 px window.");
        await Expect(session.Page.GetByTestId("view-payload").First).ToBeInViewportAsync();
        Assert.Empty(session.BrowserErrors);
    }

    /// <summary>No hover or focus highlight on the button clicked last (Refresh) in the screenshot.</summary>
    private static async Task SettleForScreenshotAsync(TenantBillingTab billing)
    {
        await billing.Page.Mouse.MoveAsync(0, 0);
        await billing.Page.EvaluateAsync("() => document.activeElement?.blur()");
    }

    private static string Utc(DateTimeOffset at) => $"{at.UtcDateTime:yyyy-MM-dd HH:mm} UTC";
}

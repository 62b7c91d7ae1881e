using AngleSharp.Dom;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Tenancy.Admin.Features.Billing;
using Tenancy.Admin.Tests.Infrastructure;
using Tenancy.Core.Features.Billing;
using Tenancy.Core.Features.Staff;
using Tenancy.Core.Features.Suspensions;
using Tenancy.Core.Features.Tenants;
using Tenancy.Testing;

namespace Tenancy.Admin.Tests.Features.Billing;

public sealed class TenantBillingPanelShould : PortalTestContext
{
    [Fact]
    public async Task ShowPastDueWithTheGraceDeadlineAndTimeLeftAfterAFailedPayment()
    {
        var tenant = await PayingTenantAsync();
        await DeliverAsync(StripeTestEvents.InvoicePaymentFailed(tenant.StripeCustomerId!, tenant.StripeSubscriptionId!, Start.AddMinutes(-30)));

        var cut = RenderPanel(tenant);

        Assert.Equal("past-due", cut.Find("[data-testid=billing-status]").GetAttribute("data-status"));
        Assert.Equal("Past due", cut.Find("[data-testid=billing-status]").TextContent.Trim());
        Assert.Equal("2026-11-20 08:30 UTC", Text(cut, "billing-past-due-since"));
        Assert.Equal("2026-11-27 08:30 UTC", Text(cut, "billing-grace-deadline"));
        Assert.Equal("6 days 23 hours left", Text(cut, "billing-countdown"));
        Assert.Equal("past_due", Text(cut, "billing-subscription-status"));
        Assert.Equal(tenant.StripeCustomerId, cut.Find("[data-testid=billing-customer] code").TextContent);
        Assert.Equal(tenant.StripeSubscriptionId, cut.Find("[data-testid=billing-subscription] code").TextContent);
        Assert.Contains("Grace period until 2026-11-27 08:30 UTC", cut.Find("[data-testid=past-due-alert]").TextContent, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("[data-testid=suspended-alert]"));
        Assert.StartsWith("49.00 GBP on 2026-11-20 08:30 UTC, attempt 2", Text(cut, "billing-failed-payment"), StringComparison.Ordinal);
        Assert.Equal("2026-11-23 08:30 UTC", Text(cut, "billing-next-retry"));
        Assert.Equal($"https://dashboard.stripe.com/test/customers/{tenant.StripeCustomerId}", cut.Find("[data-testid=dashboard-customer]").GetAttribute("href"));
        Assert.Equal($"https://dashboard.stripe.com/test/subscriptions/{tenant.StripeSubscriptionId}", cut.Find("[data-testid=dashboard-subscription]").GetAttribute("href"));
    }

    [Fact]
    public async Task CountDownOnItsOwnAndShowTheBillingSuspensionWithoutAResumeButton()
    {
        var tenant = await PayingTenantAsync();
        // Failed almost a grace period ago: two minutes left.
        await DeliverAsync(StripeTestEvents.InvoicePaymentFailed(tenant.StripeCustomerId!, tenant.StripeSubscriptionId!, Start.AddDays(-7).AddMinutes(2)));
        var cut = RenderPanel(tenant);
        Assert.Equal("2 minutes left", Text(cut, "billing-countdown"));

        // The panel's timer redraws it; nothing is re-read.
        Clock.Advance(TimeSpan.FromMinutes(3));
        cut.WaitForAssertion(() => Assert.Equal("ended 1 minute ago — the sweep suspends it shortly", Text(cut, "billing-countdown")), Wait);
        Assert.Equal("past-due", cut.Find("[data-testid=billing-status]").GetAttribute("data-status"));

        Assert.Equal(1, await Services.GetRequiredService<GraceSweeper>().SweepAsync(Cancel));
        await cut.Find("[data-testid=billing-refresh]").ClickAsync(new());

        cut.WaitForAssertion(() => Assert.Equal("suspended", cut.Find("[data-testid=billing-status]").GetAttribute("data-status")), Wait);
        var alert = cut.Find("[data-testid=suspended-alert]");
        Assert.Equal("Billing", alert.GetAttribute("data-category"));
        Assert.Contains("Suspended for billing", alert.TextContent, StringComparison.Ordinal);
        Assert.Contains("Grace-period sweep", alert.TextContent, StringComparison.Ordinal);
        Assert.Contains("lifted when Stripe reports a payment", alert.TextContent, StringComparison.Ordinal);
        Assert.Equal("ended 1 minute ago; suspended for billing", Text(cut, "billing-countdown"));
        Assert.Empty(cut.FindAll("[data-testid=past-due-alert]"));
        var row = Assert.Single(cut.FindAll("[data-testid=suspension-row]"));
        Assert.Equal("true", row.GetAttribute("data-active"));
        Assert.Contains("Billing", row.TextContent, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("[data-testid=resume-button]"));
        Assert.Single(cut.FindAll("[data-testid=suspend-button]"));
    }

    [Fact]
    public async Task ListTheTenantsStripeEventsNewestFirstWithStaleOnesMarked()
    {
        var tenant = await PayingTenantAsync();
        var (customer, subscription) = (tenant.StripeCustomerId!, tenant.StripeSubscriptionId!);
        await DeliverAsync(StripeTestEvents.InvoicePaymentFailed(customer, subscription, Start.AddHours(-3)));
        await DeliverAsync(StripeTestEvents.InvoicePaid(customer, subscription, Start.AddHours(-1)));
        // Stripe delivers out of order: this one is older than the payment already applied.
        await DeliverAsync(StripeTestEvents.SubscriptionUpdated(customer, subscription, SubscriptionStatuses.PastDue, Start.AddHours(-2)));

        var cut = RenderPanel(tenant);

        var rows = cut.FindAll("[data-testid=billing-timeline] [data-testid=billing-event]");
        Assert.Equal(["applied", "stale", "applied"], rows.Select(r => r.GetAttribute("data-state")));
        Assert.Equal(["invoice.paid", "customer.subscription.updated", "invoice.payment_failed"], rows.Select(r => r.QuerySelector("code")!.TextContent));
        Assert.Equal("2026-11-20 07:00:00 UTC", rows[1].Children[0].TextContent.Trim());
        Assert.Equal("Ignored as stale", rows[1].QuerySelector("[data-testid=event-state]")!.TextContent.Trim());
        Assert.Contains("changed nothing", rows[1].TextContent, StringComparison.Ordinal);
        Assert.Contains("Paid; no longer past due.", rows[0].TextContent, StringComparison.Ordinal);
        Assert.Equal("Applied", rows[0].QuerySelector("[data-testid=event-state]")!.TextContent.Trim());
        Assert.Equal("active", cut.Find("[data-testid=billing-status]").GetAttribute("data-status"));
        Assert.Equal("—", Text(cut, "billing-past-due-since"));
        Assert.Equal("—", Text(cut, "billing-countdown"));
    }

    [Fact]
    public void SayWhenATenantHasNoStripeEventsOrCustomer()
    {
        var tenant = Database.AddTenants("Borealis Labs").Single();
        using (var db = Database.CreateDbContext())
        {
            db.Tenants.Single(t => t.Id == tenant.Id).StripeCustomerId = null;
            db.SaveChanges();
        }

        var cut = RenderPanel(tenant);

        Assert.Equal("No Stripe events for this tenant yet.", cut.Find("[data-testid=billing-timeline-empty]").TextContent.Trim());
        Assert.Equal("—", Text(cut, "billing-customer"));
        Assert.Equal("—", Text(cut, "billing-subscription"));
        Assert.Empty(cut.FindAll("[data-testid=billing-timeline]"));
        Assert.Equal("No Stripe customer: billing is not set up for this tenant.", Text(cut, "billing-standing"));
    }

    [Fact]
    public async Task SayATenantSuspendedBecauseStripeReportedItUnpaidIsSuspendedForBillingAndWhy()
    {
        var tenant = await PayingTenantAsync();
        await DeliverAsync(StripeTestEvents.SubscriptionUpdated(tenant.StripeCustomerId!, tenant.StripeSubscriptionId!, SubscriptionStatuses.Unpaid, Start.AddMinutes(-5)));

        var cut = RenderPanel(tenant);

        Assert.StartsWith("Suspended for billing since 2026-11-20 09:00 UTC: ", Text(cut, "billing-standing"), StringComparison.Ordinal);
        Assert.DoesNotContain("paid up", cut.Markup, StringComparison.OrdinalIgnoreCase);
    }

    public static TheoryData<string?, string?, DateTime?, string> Standings() => new()
    {
        { "cus_1", SubscriptionStatuses.Active, null, "Paid up: the subscription is active." },
        { "cus_1", SubscriptionStatuses.Trialing, null, "In trial: the subscription has not been charged yet." },
        { "cus_1", null, null, "No subscription on record: no Stripe event about one has arrived yet." },
        { "cus_1", SubscriptionStatuses.Canceled, null, "The subscription is canceled (as Stripe last reported it)." },
        { "cus_1", SubscriptionStatuses.PastDue, new DateTime(2026, 11, 20, 8, 30, 0, DateTimeKind.Utc), "Past due since 2026-11-20 08:30 UTC; grace until 2026-11-27 08:30 UTC." },
        { null, null, null, "No Stripe customer: billing is not set up for this tenant." },
    };

    [Theory]
    [MemberData(nameof(Standings))]
    public void SayWhereATenantStandsInOneTrueSentence(string? customer, string? subscriptionStatus, DateTime? pastDueSince, string expected)
    {
        var id = Guid.CreateVersion7();
        var billing = new TenantBillingView(id, TenantStatus.Active, customer, customer is null ? null : "sub_1", subscriptionStatus,
            pastDueSince, pastDueSince?.AddDays(7), SuspendedForBilling: false, null, null);

        Assert.Equal(expected, TenantBillingPanel.Standing(billing, new TenantSuspensions(id, TenantStatus.Active, [], [])));
    }

    [Fact]
    public async Task ShowNoSuspendOrResumeButtonToAViewer()
    {
        var tenant = await PayingTenantAsync();
        await Suspensions.SuspendAsync(Sam, tenant.Id, Core.Features.Suspensions.SuspensionCategory.Abuse, "Phishing pages reported by three users", true, Cancel);
        SignInAs("Vera Viewer", StaffRole.Viewer);

        var cut = RenderPanel(tenant);

        Assert.Equal("suspended", cut.Find("[data-testid=billing-status]").GetAttribute("data-status"));
        Assert.Empty(cut.FindAll("[data-testid=suspend-button]"));
        Assert.Empty(cut.FindAll("[data-testid=resume-button]"));
        Assert.Contains("Read-only", cut.Find("[data-testid=billing-read-only]").TextContent, StringComparison.Ordinal);
        Assert.Contains("Suspended by staff · Abuse", cut.Find("[data-testid=suspended-alert]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExtendTheGracePeriodThroughTheDialogWithinTheMaximum()
    {
        var tenant = await PayingTenantAsync();
        await DeliverAsync(StripeTestEvents.InvoicePaymentFailed(tenant.StripeCustomerId!, tenant.StripeSubscriptionId!, Start.AddMinutes(-30)));
        var cut = RenderPanel(tenant);

        var click = cut.Find("button[data-testid=extend-grace-button]").ClickAsync(new());
        Dialogs.WaitForElement("[data-testid=grace-dialog]", Wait);
        Assert.Contains("It can run until 2026-12-20 08:30 UTC at the latest.", Dialogs.Find("[data-testid=grace-dialog]").TextContent, StringComparison.Ordinal);
        Assert.Equal("2026-12-04T08:30", Dialogs.Find("input[data-testid=grace-deadline]").GetAttribute("value"));
        Dialogs.Find("input[data-testid=grace-deadline]").Input("2026-12-21T08:30");
        Dialogs.WaitForAssertion(() => Assert.Contains("At most until 2026-12-20 08:30 UTC.", Dialogs.Markup, StringComparison.Ordinal), Wait);
        Dialogs.Find("input[data-testid=grace-deadline]").Input("2026-12-01T12:00");
        Dialogs.Find("textarea[data-testid=grace-reason]").Input("Customer promised payment by Friday");
        Dialogs.WaitForAssertion(() => Assert.False(Dialogs.Find("button[data-testid=grace-submit]").HasAttribute("disabled")), Wait);
        await Dialogs.Find("button[data-testid=grace-submit]").ClickAsync(new());
        await click;

        cut.WaitForAssertion(() => Assert.Equal("2026-12-01 12:00 UTC", Text(cut, "billing-grace-deadline")), Wait);
        Snackbars.WaitForAssertion(() => Assert.Contains("Grace extended until 2026-12-01 12:00 UTC.", Snackbars.Markup, StringComparison.Ordinal), Wait);
    }

    [Fact]
    public async Task OfferAViewerNoGraceExtension()
    {
        var tenant = await PayingTenantAsync();
        await DeliverAsync(StripeTestEvents.InvoicePaymentFailed(tenant.StripeCustomerId!, tenant.StripeSubscriptionId!, Start.AddMinutes(-30)));
        SignInAs("Vera Viewer", StaffRole.Viewer);

        var cut = RenderPanel(tenant);

        Assert.NotNull(cut.Find("[data-testid=past-due-alert]"));
        Assert.Empty(cut.FindAll("[data-testid=extend-grace-button]"));
    }

    [Theory]
    [InlineData(7 * 24 * 60 - 30, false, "6 days 23 hours left")]
    [InlineData(24 * 60, false, "1 day left")]
    [InlineData(25 * 60 + 59, false, "1 day 1 hour left")]
    [InlineData(90, false, "1 hour 30 minutes left")]
    [InlineData(1, false, "1 minute left")]
    [InlineData(0, false, "ended less than a minute ago — the sweep suspends it shortly")]
    [InlineData(-120, false, "ended 2 hours ago — the sweep suspends it shortly")]
    [InlineData(-3 * 24 * 60, true, "ended 3 days ago; suspended for billing")]
    [InlineData(2 * 24 * 60, true, "none: suspended for billing before the deadline")]
    public void DescribeTheTimeToTheGraceDeadline(int minutesLeft, bool suspendedForBilling, string expected)
    {
        var now = Start.UtcDateTime;

        Assert.Equal(expected, TenantBillingPanel.Countdown(now.AddMinutes(minutesLeft), now, suspendedForBilling));
    }

    private IRenderedComponent<TenantBillingPanel> RenderPanel(Tenant tenant)
    {
        var cut = Render<TenantBillingPanel>(p => p.Add(c => c.TenantId, tenant.Id));
        cut.WaitForElement("[data-testid=billing-status]", Wait);
        return cut;
    }

    private static string Text(IRenderedComponent<TenantBillingPanel> cut, string testId) =>
        cut.Find($"[data-testid={testId}]").TextContent.Trim();
}

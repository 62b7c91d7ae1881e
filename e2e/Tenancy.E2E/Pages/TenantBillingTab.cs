using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Tenancy.E2E.Pages;

/// <summary>
/// The Billing tab of a tenant page: the tenant's status, its Stripe customer and subscription,
/// past due and the grace deadline with a countdown, the Stripe event timeline, the suspension
/// history, and (Support and Admin) Suspend and Resume. The panel reads once when opened and
/// again on Refresh; it does not follow the database by itself.
/// </summary>
public sealed class TenantBillingTab(IPage page) : PortalPage(page)
{
    /// <summary>The tenant's status chip in the panel; its <c>data-status</c> is <c>active</c>, <c>past-due</c>, <c>suspended</c>, ….</summary>
    public ILocator Status => Page.GetByTestId("billing-status");

    public ILocator Customer => Page.GetByTestId("billing-customer");

    public ILocator Subscription => Page.GetByTestId("billing-subscription");

    /// <summary>Stripe's subscription status as last reported (<c>past_due</c>, <c>active</c>, …).</summary>
    public ILocator SubscriptionStatus => Page.GetByTestId("billing-subscription-status");

    public ILocator PastDueSince => Page.GetByTestId("billing-past-due-since");

    public ILocator GraceDeadline => Page.GetByTestId("billing-grace-deadline");

    /// <summary>Time left until the grace deadline ("6 days 23 hours left").</summary>
    public ILocator Countdown => Page.GetByTestId("billing-countdown");

    public ILocator Timeline => Page.GetByTestId("billing-timeline");

    /// <summary>The timeline's rows, newest first; each has <c>data-state</c> (<c>applied</c>, <c>parked</c>, …).</summary>
    public ILocator Events => Page.GetByTestId("billing-event");

    public ILocator History => Page.GetByTestId("suspension-history");

    /// <summary>The suspension history's rows; each has <c>data-active</c> (<c>true</c> until lifted).</summary>
    public ILocator Suspensions => Page.GetByTestId("suspension-row");

    public ILocator ActiveSuspensions => Suspensions.And(Page.Locator("[data-active=true]"));

    public ILocator LiftedSuspensions => Suspensions.And(Page.Locator("[data-active=false]"));

    public ILocator RefreshButton => Page.GetByRole(AriaRole.Button, new() { Name = "Refresh", Exact = true });

    public ILocator SuspendButton => Page.GetByTestId("suspend-button");

    public ILocator ResumeButton => Page.GetByTestId("resume-button");

    /// <summary>The timeline row of one Stripe event (the row shows the event's id).</summary>
    public ILocator Event(string eventId) => Events.Filter(new() { HasText = eventId });

    public static async Task<TenantBillingTab> OpenAsync(TenantPage tenant)
    {
        await tenant.Tab("Billing").ClickAsync();
        await Expect(tenant.Page).ToHaveURLAsync(new Regex("/tenants/[0-9a-f-]{36}/billing$"));
        var tab = new TenantBillingTab(tenant.Page);
        await Expect(tab.Status).ToBeVisibleAsync();
        return tab;
    }

    /// <summary>Reads the tenant's billing again (and the page its header). Assert with expectations: they wait for the new state.</summary>
    public Task RefreshAsync() => RefreshButton.ClickAsync();

    /// <summary>Expects the panel's status chip to show <paramref name="label"/> with <c>data-status</c> <paramref name="slug"/>.</summary>
    public async Task ExpectStatusAsync(string slug, string label)
    {
        await Expect(Status).ToHaveAttributeAsync("data-status", slug);
        await Expect(Status).ToHaveTextAsync(label);
    }

    public async Task<SuspendDialog> OpenSuspendDialogAsync()
    {
        await SuspendButton.ClickAsync();
        var dialog = new SuspendDialog(Page);
        await Expect(dialog.Root).ToBeVisibleAsync();
        return dialog;
    }

    public async Task<ResumeDialog> OpenResumeDialogAsync()
    {
        await ResumeButton.ClickAsync();
        var dialog = new ResumeDialog(Page);
        await Expect(dialog.Root).ToBeVisibleAsync();
        return dialog;
    }
}

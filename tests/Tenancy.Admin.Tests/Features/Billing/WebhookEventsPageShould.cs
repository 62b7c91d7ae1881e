using System.Security.Claims;
using AngleSharp.Dom;
using Bunit;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.EntityFrameworkCore;
using MudBlazor;
using Tenancy.Admin.Features.Billing;
using Tenancy.Admin.Features.Staff;
using Tenancy.Admin.Tests.Infrastructure;
using Tenancy.Core.Features.Billing;
using Tenancy.Core.Features.Staff;
using Tenancy.Testing;

namespace Tenancy.Admin.Tests.Features.Billing;

public sealed class WebhookEventsPageShould : PortalTestContext
{
    private readonly WebhookEventsTestInbox _inbox;

    public WebhookEventsPageShould()
    {
        _inbox = new WebhookEventsTestInbox(this, Clock);
    }

    [Fact]
    public async Task ListEveryStateNewestFirstWithTheAttentionCounts()
    {
        var tenant = Database.AddTenants("Acme Analytics").Single();
        var customer = tenant.StripeCustomerId!;
        var now = _inbox.Now;
        var applied = await _inbox.ReceiveAsync(StripeTestEvents.InvoicePaymentFailed(customer, "sub_1", now));
        var ignored = await _inbox.ReceiveAsync(StripeTestEvents.CustomerUpdated(customer, now));
        await _inbox.DrainAsync();
        var stale = await _inbox.ReceiveAsync(StripeTestEvents.InvoicePaid(customer, "sub_1", now.AddMinutes(-5)));
        var parked = await _inbox.ReceiveAsync(StripeTestEvents.InvoicePaymentFailed("cus_nobodyhasme", "sub_9", now));
        var parkedToo = await _inbox.ReceiveAsync(StripeTestEvents.InvoicePaymentFailed("cus_nobodyhasmeeither", "sub_8", now));
        var failed = await _inbox.ReceiveAsync(_inbox.Poison());
        await _inbox.DrainAsync();
        var pending = await _inbox.ReceiveAsync(StripeTestEvents.InvoicePaid(customer, "sub_1", now));

        var cut = RenderPage(StaffRole.Viewer);

        cut.WaitForAssertion(() => Assert.Equal(7, Rows(cut).Count), Wait);
        Assert.Equal(
            [(pending, "pending"), (failed, "failed"), (parkedToo, "parked"), (parked, "parked"), (stale, "stale"), (ignored, "ignored"), (applied, "applied")],
            Rows(cut));
        Assert.Equal("Ignored as stale", Row(cut, stale).QuerySelector("td [data-state]")!.TextContent.Trim());
        Assert.Contains("No tenant has Stripe customer cus_nobodyhasme", Row(cut, parked).QuerySelector("[data-testid=event-outcome]")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("names no customer", Row(cut, failed).QuerySelector("[data-testid=event-error]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal($"/tenants/{tenant.Id}/billing", Row(cut, applied).QuerySelector("[data-testid=event-tenant]")!.GetAttribute("href"));
        Assert.Equal("Acme Analytics", Row(cut, applied).QuerySelector("[data-testid=event-tenant]")!.TextContent.Trim());
        Assert.Null(Row(cut, parked).QuerySelector("[data-testid=event-tenant]"));
        Assert.Equal("", Row(cut, applied).QuerySelector("[data-testid=event-attempts]")!.TextContent.Trim());
        Assert.Equal("1", Row(cut, failed).QuerySelector("[data-testid=event-attempts]")!.TextContent.Trim());
        Assert.Equal("1", AttentionCount(cut, "pending"));
        Assert.Equal("2", AttentionCount(cut, "parked"));
        Assert.Equal("1", AttentionCount(cut, "failed"));
    }

    [Fact]
    public async Task FilterByStateAndTypeThroughTheUrl()
    {
        var customer = Database.AddTenants("Acme Analytics").Single().StripeCustomerId!;
        var now = _inbox.Now;
        var updated = await _inbox.ReceiveAsync(StripeTestEvents.CustomerUpdated(customer, now));
        await _inbox.ReceiveAsync(StripeTestEvents.InvoicePaid(customer, "sub_1", now));
        await _inbox.DrainAsync();
        var failed = await _inbox.FailedAsync();

        Navigation.NavigateTo("/billing/events");
        var cut = RenderPage(StaffRole.Viewer);
        cut.WaitForAssertion(() => Assert.Equal(3, Rows(cut).Count), Wait);

        // The failed chip filters by state, and the URL says so.
        cut.Find("[data-testid=attention-failed]").Click();
        cut.WaitForAssertion(() => Assert.Equal([(failed, "failed")], Rows(cut)), Wait);
        Assert.EndsWith("/billing/events?state=failed", Navigation.Uri, StringComparison.Ordinal);

        // Choosing a type replaces the state filter's page, keeps the state, and filters by both.
        await cut.InvokeAsync(() => TypeSelect(cut).ValueChanged.InvokeAsync("customer.updated"));
        cut.WaitForAssertion(() => Assert.Contains("no-results", cut.Markup, StringComparison.Ordinal), Wait);
        Assert.Contains("No webhook events match these filters.", cut.Find("[data-testid=no-results]").TextContent, StringComparison.Ordinal);
        Assert.EndsWith("/billing/events?type=customer.updated&state=failed", Navigation.Uri, StringComparison.Ordinal);

        // The chip again clears the state filter.
        cut.Find("[data-testid=attention-failed]").Click();
        cut.WaitForAssertion(() => Assert.Equal([(updated, "ignored")], Rows(cut)), Wait);
        Assert.EndsWith("/billing/events?type=customer.updated", Navigation.Uri, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FindTheEventsOfAnEventOrCustomerIdGivenInTheSearchOrTheUrl()
    {
        var tenants = Database.AddTenants("Acme Analytics", "Borealis Labs");
        var (acme, borealis) = (tenants[0].StripeCustomerId!, tenants[1].StripeCustomerId!);
        var now = _inbox.Now;
        var acmeFailed = await _inbox.ReceiveAsync(StripeTestEvents.InvoicePaymentFailed(acme, "sub_1", now));
        var acmeUpdated = await _inbox.ReceiveAsync(StripeTestEvents.CustomerUpdated(acme, now));
        var borealisUpdated = await _inbox.ReceiveAsync(StripeTestEvents.CustomerUpdated(borealis, now));
        await _inbox.DrainAsync();

        Navigation.NavigateTo($"/billing/events?q={acme}");
        var cut = RenderPage(StaffRole.Viewer);
        cut.WaitForAssertion(() => Assert.Equal([acmeUpdated, acmeFailed], Rows(cut).Select(r => r.Id)), Wait);

        await cut.InvokeAsync(() => cut.FindComponents<MudTextField<string>>().Single().Instance.ValueChanged.InvokeAsync(borealisUpdated));

        cut.WaitForAssertion(() => Assert.Equal([borealisUpdated], Rows(cut).Select(r => r.Id)), Wait);
        Assert.EndsWith($"/billing/events?q={borealisUpdated}", Navigation.Uri, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReproduceTheViewFromItsUrl()
    {
        var customer = Database.AddTenants("Acme Analytics").Single().StripeCustomerId!;
        var now = _inbox.Now;
        var updates = new List<string>();
        for (var i = 0; i < StripeEventQuery.DefaultPageSize + 7; i++)
        {
            updates.Add(await _inbox.ReceiveAsync(StripeTestEvents.CustomerUpdated(customer, now)));
            if (i % 10 == 0)
            {
                await _inbox.ReceiveAsync(StripeTestEvents.InvoicePaid(customer, "sub_1", now));
            }
        }

        await _inbox.DrainAsync();
        Navigation.NavigateTo("/billing/events?type=customer.updated");
        var cut = RenderPage(StaffRole.Viewer);
        cut.WaitForAssertion(() => Assert.Equal(StripeEventQuery.DefaultPageSize, Rows(cut).Count), Wait);

        Button(cut, "page-next").Click();
        cut.WaitForAssertion(() => Assert.Equal(7, Rows(cut).Count), Wait);
        var secondPage = Rows(cut);
        var link = Navigation.Uri;
        Assert.Contains("type=customer.updated", link, StringComparison.Ordinal);
        Assert.Contains("after=", link, StringComparison.Ordinal);

        // A colleague opens the copied link in a fresh view.
        var fresh = RenderPage(StaffRole.Viewer);
        fresh.WaitForAssertion(() => Assert.Equal(secondPage, Rows(fresh)), Wait);
        Assert.Equal(updates.Take(7).Reverse().Select(id => (id, "ignored")), secondPage);
        Assert.Empty(fresh.FindAll("[data-testid=link-notice]"));
    }

    [Fact]
    public async Task PageThroughMoreEventsThanAPageHolds()
    {
        var customer = Database.AddTenants("Acme Analytics").Single().StripeCustomerId!;
        var ids = new List<string>();
        for (var i = 0; i < StripeEventQuery.DefaultPageSize + 5; i++)
        {
            ids.Add(await _inbox.ReceiveAsync(StripeTestEvents.CustomerUpdated(customer, _inbox.Now)));
        }

        ids.Reverse(); // newest first
        var cut = RenderPage(StaffRole.Viewer);
        cut.WaitForAssertion(() => Assert.Equal(ids.Take(50), Ids(cut)), Wait);
        Assert.True(Button(cut, "page-previous").HasAttribute("disabled"));

        Button(cut, "page-next").Click();
        cut.WaitForAssertion(() => Assert.Equal(ids.Skip(50), Ids(cut)), Wait);
        Assert.True(Button(cut, "page-next").HasAttribute("disabled"));

        Button(cut, "page-previous").Click();
        cut.WaitForAssertion(() => Assert.Equal(ids.Take(50), Ids(cut)), Wait);
        Assert.Contains("before=", Navigation.Uri, StringComparison.Ordinal);

        Button(cut, "page-last").Click();
        cut.WaitForAssertion(() => Assert.Equal(ids.Skip(5), Ids(cut)), Wait);
        Assert.EndsWith("/billing/events?page=last", Navigation.Uri, StringComparison.Ordinal);
        Assert.True(Button(cut, "page-last").HasAttribute("disabled"));

        Button(cut, "page-first").Click();
        cut.WaitForAssertion(() => Assert.Equal(ids.Take(50), Ids(cut)), Wait);
        Assert.EndsWith("/billing/events", Navigation.Uri, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ShowThePayloadAsIndentedJson()
    {
        var customer = Database.AddTenants("Acme Analytics").Single().StripeCustomerId!;
        var id = await _inbox.ReceiveAsync(StripeTestEvents.InvoicePaid(customer, "sub_1", _inbox.Now));
        var cut = RenderPage(StaffRole.Viewer);
        cut.WaitForAssertion(() => Assert.Single(Rows(cut)), Wait);

        Button(Row(cut, id), "view-payload").Click();

        Dialogs.WaitForElement("[data-testid=payload-json]", Wait);
        var json = Dialogs.Find("[data-testid=payload-json]").TextContent;
        Assert.StartsWith("{\n  \"id\": \"" + id + "\",", json.Replace("\r\n", "\n", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("\"type\": \"invoice.paid\"", json, StringComparison.Ordinal);
        Assert.Contains("£49.00", json, StringComparison.Ordinal);
        Assert.Equal("PRE", Dialogs.Find("[data-testid=payload-json]").TagName);
    }

    [Fact]
    public async Task LetAnAdminReplayAFailedEvent()
    {
        var failed = await _inbox.FailedAsync();
        var cut = RenderPage(StaffRole.Admin);
        cut.WaitForAssertion(() => Assert.Equal([(failed, "failed")], Rows(cut)), Wait);
        Assert.Equal("1", AttentionCount(cut, "failed"));

        var click = Button(Row(cut, failed), "replay").ClickAsync(new());
        Dialogs.WaitForElement("[data-testid=replay-dialog]", Wait);
        Assert.Contains("names no customer", Dialogs.Find("[data-testid=replay-dialog]").TextContent, StringComparison.Ordinal);
        await Button(Dialogs, "replay-confirm").ClickAsync(new());
        await click;

        cut.WaitForAssertion(() => Assert.Equal([(failed, "pending")], Rows(cut)), Wait);
        Assert.Contains("Replayed by Ada Admin.", Row(cut, failed).TextContent, StringComparison.Ordinal);
        Assert.Empty(Row(cut, failed).QuerySelectorAll("[data-testid=replay]"));
        Assert.Equal("0", AttentionCount(cut, "failed"));
        Assert.Equal("1", AttentionCount(cut, "pending"));
        Snackbars.WaitForAssertion(() => Assert.Contains($"Event {failed} is queued again", Snackbars.Markup, StringComparison.Ordinal), Wait);
        Assert.Equal(StripeEventState.Pending, await StateInDatabaseAsync(failed));
    }

    [Theory]
    [InlineData(StaffRole.Viewer)]
    [InlineData(StaffRole.Support)]
    public async Task OfferNeitherReplayNorLinkingBelowAdmin(StaffRole role)
    {
        var failed = await _inbox.FailedAsync();
        var parked = await _inbox.ParkedAsync("cus_nobodyhasme");

        var cut = RenderPage(role);

        cut.WaitForAssertion(() => Assert.Equal([(parked, "parked"), (failed, "failed")], Rows(cut)), Wait);
        Assert.Empty(cut.FindAll("[data-testid=replay]"));
        Assert.Empty(cut.FindAll("[data-testid=link-customer]"));
        Assert.Equal(2, cut.FindAll("[data-testid=view-payload]").Count);
    }

    [Fact]
    public async Task OfferReplayOnlyOnFailedRowsAndLinkingOnlyOnParkedOnes()
    {
        var customer = Database.AddTenants("Acme Analytics").Single().StripeCustomerId!;
        var applied = await _inbox.ReceiveAsync(StripeTestEvents.InvoicePaid(customer, "sub_1", _inbox.Now));
        var failed = await _inbox.FailedAsync();
        var parked = await _inbox.ParkedAsync("cus_nobodyhasme");

        var cut = RenderPage(StaffRole.Admin);

        cut.WaitForAssertion(() => Assert.Equal(3, Rows(cut).Count), Wait);
        Assert.Equal([failed], cut.FindAll("[data-testid=replay]").Select(b => b.Closest("tr")!.GetAttribute("data-event-id")));
        Assert.Equal([parked], cut.FindAll("[data-testid=link-customer]").Select(b => b.Closest("tr")!.GetAttribute("data-event-id")));
        Assert.Empty(Row(cut, applied).QuerySelectorAll("[data-testid=replay], [data-testid=link-customer]"));
    }

    [Fact]
    public async Task ExplainWhyAnEventThatIsNoLongerFailedCannotBeReplayed()
    {
        var failed = await _inbox.FailedAsync();
        var cut = RenderPage(StaffRole.Admin);
        cut.WaitForAssertion(() => Assert.Equal([(failed, "failed")], Rows(cut)), Wait);

        // A colleague replays it first.
        await _inbox.Billing.ReplayAsync(Ada, failed, Xunit.TestContext.Current.CancellationToken);
        var click = Button(Row(cut, failed), "replay").ClickAsync(new());
        Dialogs.WaitForElement("[data-testid=replay-dialog]", Wait);
        await Button(Dialogs, "replay-confirm").ClickAsync(new());

        Dialogs.WaitForAssertion(() => Assert.Contains(
            $"Event {failed} is pending, not failed: only failed events can be replayed.",
            Dialogs.Find("[data-testid=replay-error]").TextContent, StringComparison.Ordinal), Wait);
        Assert.Empty(Dialogs.FindAll("[data-testid=replay-confirm]"));
        await Button(Dialogs, "replay-close").ClickAsync(new());
        await click;

        cut.WaitForAssertion(() => Assert.Equal([(failed, "pending")], Rows(cut)), Wait);
        Assert.Empty(cut.FindAll("[data-testid=load-error]"));
    }

    [Fact]
    public async Task LinkTheCustomerOfAParkedEventAndRequeueIt()
    {
        var tenant = Database.AddTenants("Acme Analytics", "Borealis Labs")[1];
        var parked = await _inbox.ParkedAsync("cus_newcustomer1");
        var cut = RenderPage(StaffRole.Admin);
        cut.WaitForAssertion(() => Assert.Equal([(parked, "parked")], Rows(cut)), Wait);

        var click = Button(Row(cut, parked), "link-customer").ClickAsync(new());
        Dialogs.WaitForElement("[data-testid=link-customer-dialog]", Wait);
        await PickTenantAsync("borealis", "Borealis Labs");
        Dialogs.WaitForAssertion(() => Assert.Contains("Borealis Labs", Dialogs.Find("[data-testid=link-tenant]").TextContent, StringComparison.Ordinal), Wait);
        Assert.Contains($"currently has {tenant.StripeCustomerId}", Dialogs.Find("[data-testid=link-tenant]").TextContent, StringComparison.Ordinal);
        Dialogs.Find("textarea").Input("Customer emailed: they re-subscribed under a new card");
        await Button(Dialogs, "link-confirm").ClickAsync(new());
        await click;

        cut.WaitForAssertion(() => Assert.Equal([(parked, "pending")], Rows(cut)), Wait);
        Snackbars.WaitForAssertion(() => Assert.Contains("Customer cus_newcustomer1 linked; 1 parked event was re-queued.", Snackbars.Markup, StringComparison.Ordinal), Wait);
        await using (var db = await Database.CreateDbContextAsync(Xunit.TestContext.Current.CancellationToken))
        {
            var linked = await db.Tenants.SingleAsync(t => t.Id == tenant.Id, Xunit.TestContext.Current.CancellationToken);
            Assert.Equal("cus_newcustomer1", linked.StripeCustomerId);
        }

        // The processor now applies it to the tenant.
        await _inbox.DrainAsync();
        Assert.Equal(StripeEventState.Applied, await StateInDatabaseAsync(parked));
    }

    [Fact]
    public async Task OfferNoLinkUntilATenantIsPicked()
    {
        var parked = await _inbox.ParkedAsync("cus_newcustomer1");
        var cut = RenderPage(StaffRole.Admin);
        cut.WaitForAssertion(() => Assert.Single(Rows(cut)), Wait);

        var click = Button(Row(cut, parked), "link-customer").ClickAsync(new());
        Dialogs.WaitForElement("[data-testid=link-customer-dialog]", Wait);
        Dialogs.Find("#link-tenant-search").Input("no such tenant");
        PauseTyping();
        Dialogs.Find("textarea").Input("Customer emailed: they re-subscribed under a new card");

        Popovers.WaitForAssertion(() => Assert.NotNull(Popovers.Find("[data-testid=link-tenant-none]")), Wait);
        Assert.True(Button(Dialogs, "link-confirm").HasAttribute("disabled"));
        Assert.Empty(Dialogs.FindAll("[data-testid=link-tenant]"));

        await Dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Cancel").ClickAsync(new());
        await click;
        Assert.Equal(StripeEventState.Parked, await StateInDatabaseAsync(parked));
    }

    [Fact]
    public async Task FallBackToDefaultsWithANoticeForAMalformedLink()
    {
        var failed = await _inbox.FailedAsync();
        // "not-a-cursor" in base64url: well-formed text, but not a position the service made.
        Navigation.NavigateTo("/billing/events?state=bogus&type=Not%20a%20type&after=bm90LWEtY3Vyc29y&colour=red");

        var cut = RenderPage(StaffRole.Viewer);

        cut.WaitForAssertion(() => Assert.Equal([(failed, "failed")], Rows(cut)), Wait);
        var notices = cut.FindAll("[data-testid=link-notice]").Select(n => n.TextContent).ToList();
        Assert.Contains(notices, n => n.Contains("Unknown state 'bogus'", StringComparison.Ordinal));
        Assert.Contains(notices, n => n.Contains("'Not a type' is not a Stripe event type", StringComparison.Ordinal));
        Assert.Single(notices, n => n.Contains("page position", StringComparison.Ordinal));
        Assert.Contains(notices, n => n.Contains("Unknown link parameter 'colour'", StringComparison.Ordinal));
        Assert.EndsWith("/billing/events", Navigation.Uri, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("[data-testid=load-error]"));
    }

    [Fact]
    public async Task ShowAnErrorWithRetryWhenTheInboxCannotBeRead()
    {
        var failed = await _inbox.FailedAsync();
        await ExecuteAsync("ALTER TABLE stripe_events RENAME TO stripe_events_away");

        var cut = RenderPage(StaffRole.Viewer);

        cut.WaitForAssertion(() => Assert.Contains("Could not load webhook events", cut.Find("[data-testid=load-error]").TextContent, StringComparison.Ordinal), Wait);
        Assert.Empty(Rows(cut));
        Assert.Empty(cut.FindAll("[data-testid=no-results]"));

        await ExecuteAsync("ALTER TABLE stripe_events_away RENAME TO stripe_events");
        cut.Find("[data-testid=load-error] button").Click();
        cut.WaitForAssertion(() => Assert.Equal([(failed, "failed")], Rows(cut)), Wait);
        Assert.Empty(cut.FindAll("[data-testid=load-error]"));
    }

    [Fact]
    public void SayWhenNothingMatches()
    {
        Navigation.NavigateTo("/billing/events?state=failed");

        var cut = RenderPage(StaffRole.Viewer);

        cut.WaitForAssertion(() => Assert.Equal("No webhook events match these filters.", cut.Find("[data-testid=no-results] p").TextContent.Trim()), Wait);
        Assert.Equal("0", AttentionCount(cut, "failed"));
    }

    /// <summary>Types <paramref name="text"/> into the link dialog's tenant search and picks the option named <paramref name="name"/>.</summary>
    private async Task PickTenantAsync(string text, string name)
    {
        Dialogs.Find("#link-tenant-search").Input(text);
        PauseTyping();
        Popovers.WaitForAssertion(() => Assert.Contains(Popovers.FindAll("[data-testid=link-tenant-option]"), o => o.TextContent.Contains(name, StringComparison.Ordinal)), Wait);
        await Popovers.FindAll(".mud-list-item").First(i => i.TextContent.Contains(name, StringComparison.Ordinal)).ClickAsync(new());
    }

    /// <summary>Renders the page for a member of staff with <paramref name="role"/>, claims as the sign-in makes them.</summary>
    private IRenderedComponent<WebhookEventsPage> RenderPage(StaffRole role)
    {
        var name = role == StaffRole.Admin ? "Ada Admin" : $"{role} Tester";
        var identity = StaffClaims.CreateIdentity("Test", $"sub-{role}", name, $"{role}@example.test", [role]);
        var state = Task.FromResult(new AuthenticationState(new ClaimsPrincipal(identity)));
        return Render<WebhookEventsPage>(parameters => parameters.AddCascadingValue(state));
    }

    private static List<(string Id, string State)> Rows(IRenderedComponent<WebhookEventsPage> cut) =>
        cut.FindAll("[data-testid=webhook-events] tr[data-testid=webhook-event]")
            .Select(tr => (tr.GetAttribute("data-event-id")!, tr.GetAttribute("data-state")!))
            .ToList();

    private static List<string> Ids(IRenderedComponent<WebhookEventsPage> cut) => Rows(cut).Select(r => r.Id).ToList();

    private static IElement Row(IRenderedComponent<WebhookEventsPage> cut, string eventId) =>
        cut.Find($"tr[data-event-id='{eventId}']");

    private static string AttentionCount(IRenderedComponent<WebhookEventsPage> cut, string state) =>
        cut.Find($"[data-testid=attention-{state}] [data-testid=count]").TextContent.Trim();

    private static IElement Button(IRenderedComponent<WebhookEventsPage> cut, string testId) =>
        cut.Find($"button[data-testid={testId}]");

    private static IElement Button(IElement row, string testId) =>
        row.QuerySelector($"button[data-testid={testId}]") ?? throw new Xunit.Sdk.XunitException($"No {testId} button in the row.");

    private static IElement Button(IRenderedComponent<MudDialogProvider> dialogs, string testId) =>
        dialogs.Find($"button[data-testid={testId}]");

    private static MudSelect<string> TypeSelect(IRenderedComponent<WebhookEventsPage> cut) =>
        cut.FindComponents<MudSelect<string>>().Single(s => s.Instance.Label == "Type").Instance;

    private async Task<StripeEventState> StateInDatabaseAsync(string eventId)
    {
        await using var db = await Database.CreateDbContextAsync(Xunit.TestContext.Current.CancellationToken);
        return await db.StripeEvents.Where(e => e.Id == eventId).Select(e => e.State).SingleAsync(Xunit.TestContext.Current.CancellationToken);
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var db = await Database.CreateDbContextAsync(Xunit.TestContext.Current.CancellationToken);
        await db.Database.ExecuteSqlRawAsync(sql, Xunit.TestContext.Current.CancellationToken);
    }
}

using AngleSharp.Dom;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using Tenancy.Admin.Features.Billing;
using Tenancy.Admin.Features.Suspensions;
using Tenancy.Admin.Features.Tenants;
using Tenancy.Admin.Tests.Infrastructure;
using Tenancy.Core.Features.Billing;
using Tenancy.Core.Features.Staff;
using Tenancy.Core.Features.Suspensions;
using Tenancy.Core.Features.Tenants;
using Tenancy.Testing;

namespace Tenancy.Admin.Tests.Features.Suspensions;

public sealed class SuspendAndResumeShould : PortalTestContext
{
    private const string Reason = "Phishing pages reported by three users";

    [Fact]
    public async Task SuspendThroughTheDialogAndShowItInTheHistoryWithTheActor()
    {
        var tenant = await PayingTenantAsync();
        var cut = RenderPanel(tenant);

        await SuspendThroughTheDialogAsync(cut.Find("button[data-testid=suspend-button]"), "Abuse", Reason);

        Dialogs.WaitForAssertion(() => Assert.Empty(Dialogs.FindAll("[data-testid=suspend-dialog]")), Wait);
        cut.WaitForAssertion(() => Assert.Equal("suspended", cut.Find("[data-testid=billing-status]").GetAttribute("data-status")), Wait);
        var row = Assert.Single(cut.FindAll("[data-testid=suspension-row]"));
        Assert.Equal("true", row.GetAttribute("data-active"));
        Assert.Contains("Abuse", row.TextContent, StringComparison.Ordinal);
        Assert.Contains(Reason, row.TextContent, StringComparison.Ordinal);
        Assert.Contains("Sam Support", row.TextContent, StringComparison.Ordinal);
        Assert.Contains("2026-11-20 09:00 UTC", row.TextContent, StringComparison.Ordinal);
        Assert.Contains("Suspended by staff · Abuse", cut.Find("[data-testid=suspended-alert]").TextContent, StringComparison.Ordinal);
        Assert.Single(cut.FindAll("[data-testid=resume-button]"));
        Snackbars.WaitForAssertion(() => Assert.Contains("Suspended (abuse).", Snackbars.Markup, StringComparison.Ordinal), Wait);

        var stored = await Suspensions.GetAsync(tenant.Id, Cancel);
        Assert.Equal(TenantStatus.Suspended, stored!.Status);
        Assert.Equal("Sam Support", Assert.Single(stored.Active).StartedBy);
    }

    [Fact]
    public async Task KeepSubmitDisabledUntilACategoryAReasonAndTheConfirmationAreGiven()
    {
        var tenant = await PayingTenantAsync();
        var cut = RenderPanel(tenant);
        var click = cut.Find("button[data-testid=suspend-button]").ClickAsync(new());
        OpenedDialog("suspend-dialog");
        Assert.True(SubmitButton("suspend-submit").HasAttribute("disabled"));

        await ChooseCategoryAsync("Compliance");
        Dialogs.Find("textarea[data-testid=suspend-reason]").Input("too short");
        Dialogs.Find("input[type=checkbox][data-testid=suspend-confirm]").Change(true);
        Dialogs.WaitForAssertion(() => Assert.Contains("Give a reason of at least 10 characters.", Dialogs.Markup, StringComparison.Ordinal), Wait);
        Assert.True(SubmitButton("suspend-submit").HasAttribute("disabled"));

        Dialogs.Find("textarea[data-testid=suspend-reason]").Input("Regulator asked us to freeze the account");
        Dialogs.WaitForAssertion(() => Assert.False(SubmitButton("suspend-submit").HasAttribute("disabled")), Wait);

        Dialogs.Find("input[type=checkbox][data-testid=suspend-confirm]").Change(false);
        Dialogs.WaitForAssertion(() => Assert.True(SubmitButton("suspend-submit").HasAttribute("disabled")), Wait);

        await Dialogs.Find("button[data-testid=suspend-cancel]").ClickAsync(new());
        await click;
        Assert.Empty((await Suspensions.GetAsync(tenant.Id, Cancel))!.History);
    }

    [Fact]
    public async Task ShowAConflictInTheDialogWhenSomeoneSuspendedInTheSameCategoryMeanwhile()
    {
        var tenant = await PayingTenantAsync();
        var cut = RenderPanel(tenant);
        var click = cut.Find("button[data-testid=suspend-button]").ClickAsync(new());
        OpenedDialog("suspend-dialog");
        await ChooseCategoryAsync("Abuse");
        Dialogs.Find("textarea[data-testid=suspend-reason]").Input(Reason);
        Dialogs.Find("input[type=checkbox][data-testid=suspend-confirm]").Change(true);

        await Suspensions.SuspendAsync(Ada, tenant.Id, SuspensionCategory.Abuse, "Spam campaign from this workspace", true, Cancel);
        await SubmitButton("suspend-submit").ClickAsync(new());

        Dialogs.WaitForAssertion(() => Assert.Contains(
            "Already suspended for abuse by Ada Admin at 2026-11-20 09:00 UTC.", Dialogs.Find("[data-testid=dialog-error]").TextContent, StringComparison.Ordinal), Wait);
        Assert.Single(Dialogs.FindAll("[data-testid=suspend-dialog]"));
        Assert.False(click.IsCompleted);
        Assert.Single((await Suspensions.GetAsync(tenant.Id, Cancel))!.History);

        await Dialogs.Find("button[data-testid=suspend-cancel]").ClickAsync(new());
        await click;
        // The panel re-read the tenant after the dialog closed.
        cut.WaitForAssertion(() => Assert.Contains("Ada Admin", cut.Find("[data-testid=suspension-row]").TextContent, StringComparison.Ordinal), Wait);
    }

    [Fact]
    public async Task ResumeALiftedTenantBackToActive()
    {
        var tenant = await PayingTenantAsync();
        await Suspensions.SuspendAsync(Ada, tenant.Id, SuspensionCategory.Compliance, "Regulator asked us to freeze the account", true, Cancel);
        Clock.Advance(TimeSpan.FromHours(2));
        var cut = RenderPanel(tenant);

        var click = cut.Find("button[data-testid=resume-button]").ClickAsync(new());
        OpenedDialog("resume-dialog");
        var offered = Assert.Single(Dialogs.FindAll("[data-testid=resume-suspension]"));
        Assert.Contains("Compliance", offered.TextContent, StringComparison.Ordinal);
        Assert.True(offered.QuerySelector("input[type=checkbox]")!.IsChecked());
        Assert.Empty(Dialogs.FindAll("[data-testid=resume-billing-note]"));
        Dialogs.Find("textarea[data-testid=resume-reason]").Input("Regulator closed the inquiry today");
        Dialogs.Find("input[type=checkbox][data-testid=resume-confirm]").Change(true);
        await SubmitButton("resume-submit").ClickAsync(new());
        await click;

        cut.WaitForAssertion(() => Assert.Equal("active", cut.Find("[data-testid=billing-status]").GetAttribute("data-status")), Wait);
        var row = Assert.Single(cut.FindAll("[data-testid=suspension-row]"));
        Assert.Equal("false", row.GetAttribute("data-active"));
        Assert.Contains("Regulator closed the inquiry today", row.TextContent, StringComparison.Ordinal);
        Assert.Contains("2026-11-20 11:00 UTC", row.TextContent, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("[data-testid=resume-button]"));
        Assert.Empty(cut.FindAll("[data-testid=suspended-alert]"));
        var lifted = Assert.Single((await Suspensions.GetAsync(tenant.Id, Cancel))!.History);
        Assert.Equal("Sam Support", lifted.LiftedBy);
    }

    [Fact]
    public async Task OfferOnlyTheManualSuspensionAndSayTheBillingOneStays()
    {
        var tenant = await PayingTenantAsync();
        await DeliverAsync(StripeTestEvents.SubscriptionUpdated(tenant.StripeCustomerId!, tenant.StripeSubscriptionId!, SubscriptionStatuses.Unpaid, Start.AddMinutes(-5)));
        await Suspensions.SuspendAsync(Ada, tenant.Id, SuspensionCategory.Abuse, Reason, true, Cancel);
        var cut = RenderPanel(tenant);
        Assert.Equal(["Billing", "Abuse"], cut.FindAll("[data-testid=suspended-alert]").Select(a => a.GetAttribute("data-category")));

        var click = cut.Find("button[data-testid=resume-button]").ClickAsync(new());
        OpenedDialog("resume-dialog");
        var offered = Assert.Single(Dialogs.FindAll("[data-testid=resume-suspension]"));
        Assert.Contains("Abuse", offered.TextContent, StringComparison.Ordinal);
        Assert.Contains("lifts when Stripe reports a payment", Dialogs.Find("[data-testid=resume-billing-note]").TextContent, StringComparison.Ordinal);
        Assert.Contains("stays suspended", Dialogs.Find("[data-testid=resume-billing-note]").TextContent, StringComparison.Ordinal);
        Dialogs.Find("textarea[data-testid=resume-reason]").Input("Abuse report was a false positive");
        Dialogs.Find("input[type=checkbox][data-testid=resume-confirm]").Change(true);
        await SubmitButton("resume-submit").ClickAsync(new());
        await click;

        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[data-testid=resume-button]")), Wait);
        Assert.Equal("suspended", cut.Find("[data-testid=billing-status]").GetAttribute("data-status"));
        Assert.Equal("Billing", Assert.Single(cut.FindAll("[data-testid=suspended-alert]")).GetAttribute("data-category"));
        Assert.Equal(["false", "true"], cut.FindAll("[data-testid=suspension-row]").Select(r => r.GetAttribute("data-active")));
        Snackbars.WaitForAssertion(() => Assert.Contains("the tenant stays suspended for billing", Snackbars.Markup, StringComparison.Ordinal), Wait);
    }

    [Fact]
    public async Task ShowARefusalByTheServiceAsAnErrorNotACrash()
    {
        var tenant = await PayingTenantAsync();
        var vera = new StaffActor("dev-viewer", "Vera Viewer", null, new HashSet<StaffRole> { StaffRole.Viewer });
        var dialogs = Services.GetRequiredService<IDialogService>();
        await Dialogs.InvokeAsync(() => dialogs.ShowAsync<SuspendDialog>("Suspend tenant", new DialogParameters<SuspendDialog>
        {
            { d => d.TenantId, tenant.Id },
            { d => d.Actor, vera },
        }));
        OpenedDialog("suspend-dialog");
        await ChooseCategoryAsync("Other");
        Dialogs.Find("textarea[data-testid=suspend-reason]").Input(Reason);
        Dialogs.Find("input[type=checkbox][data-testid=suspend-confirm]").Change(true);

        await SubmitButton("suspend-submit").ClickAsync(new());

        Dialogs.WaitForAssertion(() => Assert.Contains(
            "Vera Viewer (Viewer) may not suspend or resume tenants.", Dialogs.Find("[data-testid=dialog-error]").TextContent, StringComparison.Ordinal), Wait);
        Assert.Equal(TenantStatus.Active, (await Suspensions.GetAsync(tenant.Id, Cancel))!.Status);
    }

    [Fact]
    public async Task UpdateTheStatusChipInThePageHeader()
    {
        var tenant = await PayingTenantAsync();
        var page = Render<TenantDetailsPage>(p => p.Add(c => c.Id, tenant.Id));
        page.WaitForElement("[data-testid=tenant-name]", Wait);
        Assert.Equal("active", HeaderStatus(page));

        await page.FindAll(".mud-tab").Single(t => t.TextContent.Trim() == "Billing").ClickAsync(new());
        page.WaitForElement("button[data-testid=suspend-button]", Wait);
        await SuspendThroughTheDialogAsync(page.Find("button[data-testid=suspend-button]"), "Customer request", "Owner asked to pause the workspace");

        page.WaitForAssertion(() => Assert.Equal("suspended", HeaderStatus(page)), Wait);
        Assert.Equal("suspended", page.Find("[data-testid=billing-status]").GetAttribute("data-status"));
    }

    [Fact]
    public async Task SuspendAndResumeFromThePageHeaderAndShowItOnTheOpenTab()
    {
        var tenant = await PayingTenantAsync();
        var page = Render<TenantDetailsPage>(p => p.Add(c => c.Id, tenant.Id));
        page.WaitForElement("[data-testid=tenant-name]", Wait);
        await page.FindAll(".mud-tab").Single(t => t.TextContent.Trim() == "Audit history").ClickAsync(new());
        page.WaitForElement("[data-testid=audit-table]", Wait);
        Assert.Empty(page.FindAll("[data-testid=header-resume-button]"));

        await SuspendThroughTheDialogAsync(page.Find("button[data-testid=header-suspend-button]"), "Abuse", Reason);

        page.WaitForAssertion(() => Assert.Equal("suspended", HeaderStatus(page)), Wait);
        page.WaitForAssertion(() => Assert.Contains("tenant.suspended", page.Find("[data-testid=audit-table] tbody").TextContent, StringComparison.Ordinal), Wait);

        var resume = page.Find("button[data-testid=header-resume-button]").ClickAsync(new());
        OpenedDialog("resume-dialog");
        Dialogs.Find("textarea[data-testid=resume-reason]").Input("Abuse report was a false positive");
        Dialogs.Find("input[type=checkbox][data-testid=resume-confirm]").Change(true);
        await SubmitButton("resume-submit").ClickAsync(new());
        await resume;

        page.WaitForAssertion(() => Assert.Equal("active", HeaderStatus(page)), Wait);
        page.WaitForAssertion(() => Assert.Contains("tenant.resumed", page.Find("[data-testid=audit-table] tbody").TextContent, StringComparison.Ordinal), Wait);
        Assert.Empty(page.FindAll("[data-testid=header-resume-button]"));
        Assert.Equal(TenantStatus.Active, (await Suspensions.GetAsync(tenant.Id, Cancel))!.Status);

        // On the Billing tab the buttons are the tab's own, beside the billing state.
        await page.FindAll(".mud-tab").Single(t => t.TextContent.Trim() == "Billing").ClickAsync(new());
        page.WaitForElement("button[data-testid=suspend-button]", Wait);
        Assert.Empty(page.FindAll("[data-testid=header-suspend-button]"));
    }

    [Fact]
    public async Task OfferAViewerNoSuspendOrResumeInTheHeader()
    {
        var tenant = await PayingTenantAsync();
        await Suspensions.SuspendAsync(Ada, tenant.Id, SuspensionCategory.Abuse, Reason, true, Cancel);
        SignInAs("Vera Viewer", StaffRole.Viewer);

        var page = Render<TenantDetailsPage>(p => p.Add(c => c.Id, tenant.Id));

        page.WaitForAssertion(() => Assert.Equal("suspended", HeaderStatus(page)), Wait);
        Assert.Empty(page.FindAll("[data-testid=header-suspend-button]"));
        Assert.Empty(page.FindAll("[data-testid=header-resume-button]"));
    }

    [Theory]
    [InlineData(TenantStatus.PastDue, "Past due", "warning", "Payment past due")]
    [InlineData(TenantStatus.Suspended, "Suspended", "error", "Suspended")]
    [InlineData(TenantStatus.Active, "Active", "success", null)]
    public void ShowTheStatusChipWithItsColourAndHoverText(TenantStatus status, string label, string colour, string? title)
    {
        var chip = Render<TenantStatusChip>(p => p.Add(c => c.Status, status)).Find(".mud-chip");

        Assert.Equal(label, chip.TextContent.Trim());
        Assert.Contains($"mud-chip-color-{colour}", chip.ClassList);
        Assert.Equal(title, chip.GetAttribute("title"));
    }

    private IRenderedComponent<TenantBillingPanel> RenderPanel(Tenant tenant)
    {
        var cut = Render<TenantBillingPanel>(p => p.Add(c => c.TenantId, tenant.Id));
        cut.WaitForElement("[data-testid=billing-status]", Wait);
        return cut;
    }

    private static string? HeaderStatus(IRenderedComponent<TenantDetailsPage> page) =>
        page.Find("[data-testid=tenant-name]").ParentElement!.QuerySelector("[data-status]")!.GetAttribute("data-status");

    /// <summary>Clicks <paramref name="button"/>, fills the suspend dialog with <paramref name="category"/> and <paramref name="reason"/>, confirms and submits.</summary>
    private async Task SuspendThroughTheDialogAsync(IElement button, string category, string reason)
    {
        var click = button.ClickAsync(new());
        OpenedDialog("suspend-dialog");
        await ChooseCategoryAsync(category);
        Dialogs.Find("textarea[data-testid=suspend-reason]").Input(reason);
        Dialogs.Find("input[type=checkbox][data-testid=suspend-confirm]").Change(true);
        await SubmitButton("suspend-submit").ClickAsync(new());
        await click;
    }

    private void OpenedDialog(string testId) => Dialogs.WaitForElement($"[data-testid={testId}]", Wait);

    /// <summary>Opens the category select as a user does and picks the option with <paramref name="label"/>.</summary>
    private async Task ChooseCategoryAsync(string label)
    {
        await Dialogs.Find("[data-testid=suspend-category] .mud-input-control").MouseDownAsync(new());
        Popovers.WaitForAssertion(() => Assert.Contains(Popovers.FindAll(".mud-list-item"), i => i.TextContent.Trim() == label), Wait);
        await Popovers.FindAll(".mud-list-item").First(i => i.TextContent.Trim() == label).ClickAsync(new());
        Dialogs.WaitForAssertion(() => Assert.Contains(label, Dialogs.Find("[data-testid=suspend-category]").TextContent + Dialogs.Find("[data-testid=suspend-category] input").GetAttribute("value"), StringComparison.Ordinal), Wait);
    }

    private IElement SubmitButton(string testId) => Dialogs.Find($"button[data-testid={testId}]");
}

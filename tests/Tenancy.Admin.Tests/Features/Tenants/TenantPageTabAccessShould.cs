using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Tenancy.Admin.Features.Tenants;
using Tenancy.Admin.Tests.Infrastructure;

namespace Tenancy.Admin.Tests.Features.Tenants;

/// <summary>
/// Every registered tab renders from its own address, with all the portal's services (billing
/// included); and a tab is shown only to staff with the capability it requires.
/// </summary>
public sealed class TenantPageTabAccessShould : PortalTestContext
{
    public static TheoryData<string> Slugs => [.. TenantTabs.All.Select(t => t.Slug)];

    /// <summary>What each tab shows once it has loaded; a new tab adds its own here.</summary>
    private static readonly Dictionary<string, string> Loaded = new()
    {
        ["notes"] = "[data-testid=notes-empty]",
        ["quotas"] = "[data-testid=quota-table]",
        ["usage"] = "[data-testid=usage-metric]",
        ["billing"] = "[data-testid=billing-status]",
        ["restore"] = "[data-testid=restore-window]",
        ["audit"] = "[data-testid=audit-table]",
    };

    [Theory]
    [MemberData(nameof(Slugs))]
    public async Task RenderEveryTabFromItsAddress(string slug)
    {
        var tenant = await PayingTenantAsync();
        var tab = TenantTabs.Find(slug)!;
        Services.GetRequiredService<NavigationManager>().NavigateTo(tab.Url(tenant.Id));

        var cut = Render<PortalRoutes>();

        cut.WaitForAssertion(() => Assert.Equal(tab.Label, cut.Find("[role=tab][aria-selected=true]").TextContent.Trim()), Wait);
        Assert.True(Loaded.TryGetValue(slug, out var loaded), $"Add what the '{slug}' tab shows once loaded to {nameof(Loaded)}.");
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll(loaded!)), Wait);
        Assert.Empty(cut.FindAll("[data-testid$=-error]"));
    }

    [Fact]
    public async Task ShowNoTabAndANoticeToStaffWithoutTheCapability()
    {
        var tenant = await PayingTenantAsync();
        SignInAs("Nico Norole"); // no portal role, so no View: the page's own policy keeps Nico out in the app
        Services.GetRequiredService<NavigationManager>().NavigateTo(TenantTabs.Quotas.Url(tenant.Id));

        var cut = Render<PortalRoutes>();

        cut.WaitForAssertion(() => Assert.Equal("Your role cannot open the Quotas tab; showing the overview.", cut.Find("[data-testid=tab-notice]").TextContent.Trim()), Wait);
        Assert.Equal(["Overview"], cut.FindAll("[role=tab]").Select(t => t.TextContent.Trim()));
        Assert.Empty(cut.FindAll("[data-testid=quota-table]"));
    }
}

using AngleSharp.Dom;
using Bunit;
using Tenancy.Admin.Tests.Infrastructure;

namespace Tenancy.Admin.Tests.Features.Tenants;

/// <summary>
/// The tenant page's tabs are addressed by name in the URL (<c>/tenants/{id}/quotas</c>): a link
/// opens its tab, a click on a tab changes the URL without reading the tenant again, and an
/// unknown tab shows the overview with a notice. Rendered through the router, so a navigation
/// reaches the page as it does in the browser.
/// </summary>
public sealed class TenantPageTabsShould : PortalTestContext
{

    [Fact]
    public void ShowTheOverviewAtTheTenantsOwnAddress()
    {
        var tenant = Database.AddTenants("Acme Analytics").Single();
        Navigation.NavigateTo($"/tenants/{tenant.Id}");

        var cut = Render<PortalRoutes>();

        cut.WaitForAssertion(() => Assert.Equal("Acme Analytics", cut.Find("[data-testid=tenant-name]").TextContent), Wait);
        Assert.Equal("Overview", ActiveTab(cut));
        Assert.Equal("2024-01-01 00:00 UTC", Fact(cut, "Created"));
        Assert.Empty(cut.FindAll("[data-testid=tab-notice]"));
        Assert.Empty(cut.FindAll("[data-testid=tenant-placement]")); // SQLite is no Citus cluster: no shards to show
    }

    [Fact]
    public void OpenTheTabItsAddressNames()
    {
        var tenant = Database.AddTenants("Acme Analytics").Single();
        Navigation.NavigateTo($"/tenants/{tenant.Id}/quotas");

        var cut = Render<PortalRoutes>();

        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=quota-table]")), Wait);
        Assert.Equal("Quotas", ActiveTab(cut));
        Assert.EndsWith($"/tenants/{tenant.Id}/quotas", Navigation.Uri, StringComparison.Ordinal);
    }

    [Fact]
    public void PutTheChosenTabInTheUrlWithoutReadingTheTenantAgain()
    {
        var tenant = Database.AddTenants("Acme Analytics").Single();
        Navigation.NavigateTo($"/tenants/{tenant.Id}");
        var cut = Render<PortalRoutes>();
        cut.WaitForAssertion(() => Assert.Equal("Overview", ActiveTab(cut)), Wait);
        var entries = Navigation.History.Count;
        Database.Commands.Reset();

        Tab(cut, "Audit history").Click();

        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=audit-table]")), Wait);
        Assert.Equal("Audit history", ActiveTab(cut));
        Assert.EndsWith($"/tenants/{tenant.Id}/audit", Navigation.Uri, StringComparison.Ordinal);
        Assert.Equal(entries + 1, Navigation.History.Count); // a history entry: Back returns to the overview

        // Back, as the browser's button does: the router hands the page the overview's address.
        Navigation.NavigateTo($"/tenants/{tenant.Id}");

        cut.WaitForAssertion(() => Assert.Equal("Overview", ActiveTab(cut)), Wait);
        Assert.Equal("Acme Analytics", cut.Find("[data-testid=tenant-name]").TextContent);
        Assert.Empty(Database.Commands.TenantReads);
    }

    [Fact]
    public void ShowTheOverviewWithANoticeForAnUnknownTab()
    {
        var tenant = Database.AddTenants("Acme Analytics").Single();
        Navigation.NavigateTo($"/tenants/{tenant.Id}/invoices");

        var cut = Render<PortalRoutes>();

        cut.WaitForAssertion(() => Assert.Equal("Overview", ActiveTab(cut)), Wait);
        Assert.Equal("The tenant page has no tab 'invoices'; showing the overview.", cut.Find("[data-testid=tab-notice]").TextContent.Trim());
        Assert.Equal("Acme Analytics", cut.Find("[data-testid=tenant-name]").TextContent);

        // The address becomes the overview's, replacing the unknown one, so a copied link works.
        Assert.EndsWith($"/tenants/{tenant.Id}", Navigation.Uri, StringComparison.Ordinal);
        Assert.True(Navigation.History.Last().Options.ReplaceHistoryEntry);
        Assert.Equal("The tenant page has no tab 'invoices'; showing the overview.", cut.Find("[data-testid=tab-notice]").TextContent.Trim());

        // Choosing a tab clears the notice.
        Tab(cut, "Quotas").Click();
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=quota-table]")), Wait);
        Assert.Empty(cut.FindAll("[data-testid=tab-notice]"));
    }

    [Fact]
    public void SayTenantNotFoundWhateverTheTab()
    {
        var unknown = Guid.NewGuid();
        Navigation.NavigateTo($"/tenants/{unknown}/billing");

        var cut = Render<PortalRoutes>();

        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=tenant-not-found]")), Wait);
        Assert.Empty(cut.FindAll("[role=tab]"));
    }

    private static IElement Tab(IRenderedComponent<PortalRoutes> cut, string label) =>
        cut.FindAll("[role=tab]").Single(t => t.TextContent.Trim() == label);

    private static string ActiveTab(IRenderedComponent<PortalRoutes> cut) =>
        cut.FindAll("[role=tab][aria-selected=true]").Single().TextContent.Trim();

    private static string Fact(IRenderedComponent<PortalRoutes> cut, string label) =>
        cut.FindAll("dl.tenant-facts dt").Single(dt => dt.TextContent == label).NextElementSibling!.TextContent.Trim();
}

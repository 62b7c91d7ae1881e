using Microsoft.Extensions.DependencyInjection;
using Bunit;
using Tenancy.Admin.Features.Tenants;
using Tenancy.Admin.Tests.Infrastructure;
using Tenancy.Core.Features.Tenants;

namespace Tenancy.Admin.Tests.Features.Tenants;

public sealed class TenantListShould : PortalTestContext
{
    [Fact]
    public void RenderTheTenantsOfTheDatabaseSortedByName()
    {
        Database.AddTenants("Cobalt Systems", "Acme Analytics", "Borealis Labs");
        Navigation.NavigateTo("/tenants");

        var cut = Render<TenantList>();

        cut.WaitForAssertion(() => Assert.Equal(["Acme Analytics", "Borealis Labs", "Cobalt Systems"], RowNames(cut)), Wait);
        Assert.Equal("3 tenants", cut.Find("[data-testid=tenant-count]").TextContent.Trim());
        Assert.Equal(["Owner 1", "Owner 2", "Owner 0"], cut.FindAll("[data-testid=tenant-owner-name]").Select(o => o.TextContent.Trim()));
        Assert.Contains("owner1@acme-analytics.test", cut.FindAll("tbody tr")[0].TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void OfferTheViewAsCsvThroughAnExportLinkOfTheSameAddress()
    {
        Database.AddTenants("Cobalt Systems", "Acme Analytics", "Borealis Labs");
        Navigation.NavigateTo("/tenants?q=acme&sort=created&dir=desc");

        var cut = Render<TenantList>();

        cut.WaitForAssertion(() => Assert.Equal(["Acme Analytics"], RowNames(cut)), Wait);
        Assert.Equal("/tenants/export.csv?q=acme&sort=created&dir=desc", cut.Find("[data-testid=tenant-export]").GetAttribute("href"));
        Assert.Empty(cut.FindAll("[data-testid=tenant-export-note]"));
    }

    [Fact]
    public void HideDeletedTenantsUntilTheIncludeDeletedSwitchIsOnAndKeepItInTheLink()
    {
        Database.AddTenants("Cobalt Systems", "Acme Analytics", "Borealis Labs");
        Database.SetStatus("Borealis Labs", TenantStatus.Deleted);
        Navigation.NavigateTo("/tenants");
        var cut = RenderFollowingNavigation();

        cut.WaitForAssertion(() => Assert.Equal(["Acme Analytics", "Cobalt Systems"], RowNames(cut)), Wait);
        Assert.Equal("2 tenants", cut.Find("[data-testid=tenant-count]").TextContent.Trim());
        Assert.Equal("/tenants/export.csv", cut.Find("[data-testid=tenant-export]").GetAttribute("href"));

        cut.Find(IncludeDeletedSwitch).Change(true);

        cut.WaitForAssertion(() => Assert.Equal(["Acme Analytics", "Borealis Labs", "Cobalt Systems"], RowNames(cut)), Wait);
        Assert.EndsWith("/tenants?deleted=include", Navigation.Uri, StringComparison.Ordinal);
        Assert.Equal("3 tenants", cut.Find("[data-testid=tenant-count]").TextContent.Trim());
        Assert.Equal("/tenants/export.csv?deleted=include", cut.Find("[data-testid=tenant-export]").GetAttribute("href"));

        // A status filter of Deleted lists them whatever the switch says (it is disabled then).
        Navigation.NavigateTo("/tenants?status=deleted");
        cut.WaitForAssertion(() => Assert.Equal(["Borealis Labs"], RowNames(cut)), Wait);
        Assert.True(cut.Find(IncludeDeletedSwitch).HasAttribute("disabled"));
    }

    [Fact]
    public void IssueOneQueryForADebouncedBurstOfTyping()
    {
        Database.AddTenants("Acme Analytics", "Borealis Labs", "Cobalt Systems");
        Navigation.NavigateTo("/tenants");
        var cut = RenderFollowingNavigation();
        cut.WaitForAssertion(() => Assert.Equal(3, RowNames(cut).Count), Wait);
        Database.Commands.Reset();

        var search = cut.Find("#tenant-search");
        foreach (var text in new[] { "b", "bo", "bor", "bore", "borea" })
        {
            search.Input(text);
        }

        PauseTyping();
        cut.WaitForAssertion(() => Assert.Equal(["Borealis Labs"], RowNames(cut)), Wait);
        var pageQueries = Database.Commands.TenantReads.Where(sql => sql.Contains("LIKE", StringComparison.Ordinal) && sql.Contains("ORDER BY", StringComparison.Ordinal));
        Assert.Single(pageQueries);
        Assert.EndsWith("/tenants?q=borea", Navigation.Uri, StringComparison.Ordinal);
    }

    [Fact]
    public void ReproduceTheViewFromItsUrl()
    {
        var names = Enumerable.Range(1, 60).Select(i => $"Tenant {i:D2}").ToArray();
        Database.AddTenants(names);
        Navigation.NavigateTo("/tenants?status=active&sort=created&dir=desc&size=25");
        var cut = RenderFollowingNavigation();
        cut.WaitForAssertion(() => Assert.Equal(25, RowNames(cut).Count), Wait);

        cut.Find("[data-testid=page-next] button, button[data-testid=page-next]").Click();
        cut.WaitForAssertion(() => Assert.Contains("after=", Navigation.Uri, StringComparison.Ordinal), Wait);
        cut.WaitForAssertion(() => Assert.Equal(23, RowNames(cut).Count), Wait);
        var secondPage = RowNames(cut);
        var link = Navigation.Uri;

        // A colleague opens the copied link in a fresh view.
        Assert.Contains("status=active", link, StringComparison.Ordinal);
        Assert.Contains("sort=created", link, StringComparison.Ordinal);
        Assert.Contains("dir=desc", link, StringComparison.Ordinal);
        Assert.Contains("size=25", link, StringComparison.Ordinal);
        var fresh = Render<TenantList>();
        fresh.WaitForAssertion(() => Assert.Equal(secondPage, RowNames(fresh)), Wait);

        // Newest first, trials (every fifth tenant) filtered out.
        Assert.Equal("Tenant 29", secondPage[0]);
        Assert.DoesNotContain("Tenant 26", secondPage);
    }

    [Fact]
    public void FallBackToDefaultsWithANoticeForAMalformedLink()
    {
        Database.AddTenants("Acme Analytics");
        Navigation.NavigateTo("/tenants?status=bogus&sort=sideways&after=%21%21%21");

        var cut = Render<TenantList>();

        cut.WaitForAssertion(() => Assert.Equal(["Acme Analytics"], RowNames(cut)), Wait);
        var notices = cut.FindAll("[data-testid=link-notice]").Select(n => n.TextContent).ToList();
        Assert.Contains(notices, n => n.Contains("Unknown status 'bogus'", StringComparison.Ordinal));
        Assert.Contains(notices, n => n.Contains("Unknown sort 'sideways'", StringComparison.Ordinal));
        Assert.Contains(notices, n => n.Contains("page position", StringComparison.Ordinal));
        Assert.EndsWith("/tenants", Navigation.Uri, StringComparison.Ordinal);
    }

    [Fact]
    public void ShowAValidationMessageForASearchLongerThan200Characters()
    {
        Database.AddTenants("Acme Analytics");
        Navigation.NavigateTo("/tenants");
        var cut = RenderFollowingNavigation();
        cut.WaitForAssertion(() => Assert.Single(RowNames(cut)), Wait);
        Database.Commands.Reset();

        cut.Find("#tenant-search").Input(new string('x', 201));
        PauseTyping();

        cut.WaitForAssertion(() => Assert.Contains("at most 200 characters", cut.Markup, StringComparison.Ordinal), Wait);
        Assert.DoesNotContain(Database.Commands.TenantReads, sql => sql.Contains("LIKE", StringComparison.Ordinal));
        Assert.Empty(cut.FindAll("[data-testid=load-error]"));
    }

    [Fact]
    public void OfferTheTenantWhoseSlugMatchesExactly()
    {
        Database.AddTenants("Acme Analytics", "Acme Analytics Europe");
        Navigation.NavigateTo("/tenants?q=acme-analytics");

        var cut = Render<TenantList>();

        cut.WaitForAssertion(() => Assert.Contains("Exact slug match", cut.Find("[data-testid=exact-match]").TextContent, StringComparison.Ordinal), Wait);
        Assert.Equal(["Acme Analytics", "Acme Analytics Europe"], RowNames(cut));
    }

    [Fact]
    public void SayWhenNothingMatches()
    {
        Database.AddTenants("Acme Analytics");
        Navigation.NavigateTo("/tenants?q=zzzz");

        var cut = Render<TenantList>();

        cut.WaitForAssertion(() => Assert.Contains("No tenants match “zzzz”", cut.Find("[data-testid=no-results]").TextContent, StringComparison.Ordinal), Wait);
        Assert.Equal("0 matches", cut.Find("[data-testid=tenant-count]").TextContent.Trim());
    }

    [Fact]
    public void ShowThatANewSearchIsLoadingInsteadOfTheOldRowsUnderTheNewWording()
    {
        Database.AddTenants("Acme Analytics", "Borealis Labs", "Cobalt Systems");
        Navigation.NavigateTo("/tenants");
        var cut = RenderFollowingNavigation();
        cut.WaitForAssertion(() => Assert.Equal(3, RowNames(cut).Count), Wait);

        Database.Commands.Hold();
        try
        {
            cut.Find("#tenant-search").Input("borealis");
            PauseTyping();

            // The database has not answered yet: neither the old rows nor the old count are shown.
            cut.WaitForAssertion(() => Assert.Equal("Searching…", cut.Find("[data-testid=tenant-count-loading]").TextContent.Trim()), Wait);
            Assert.Empty(RowNames(cut));
            Assert.Empty(cut.FindAll("[data-testid=tenant-count]"));
            Assert.Contains("Loading…", cut.Find("[data-testid=tenant-table]").TextContent, StringComparison.Ordinal);
            Assert.Empty(cut.FindAll("[data-testid=no-results]"));
        }
        finally
        {
            Database.Commands.Release();
        }

        cut.WaitForAssertion(() => Assert.Equal(["Borealis Labs"], RowNames(cut)), Wait);
        Assert.Equal("1 match", cut.Find("[data-testid=tenant-count]").TextContent.Trim());
        Assert.Empty(cut.FindAll("[data-testid=tenant-count-loading]"));
    }

    [Fact]
    public void KeepTheCountWhileTheNextPageOfTheSameListLoads()
    {
        Database.AddTenants([.. Enumerable.Range(1, 30).Select(i => $"Tenant {i:D2}")]);
        Navigation.NavigateTo("/tenants?size=25");
        var cut = RenderFollowingNavigation();
        cut.WaitForAssertion(() => Assert.Equal(25, RowNames(cut).Count), Wait);

        Database.Commands.Hold();
        try
        {
            cut.Find("[data-testid=page-next] button, button[data-testid=page-next]").Click();

            // Same list, another page: the count still tells the truth while the page loads.
            cut.WaitForAssertion(() => Assert.Equal("true", cut.Find("[data-testid=tenant-table]").GetAttribute("aria-busy")), Wait);
            Assert.Equal("30 tenants", cut.Find("[data-testid=tenant-count]").TextContent.Trim());
        }
        finally
        {
            Database.Commands.Release();
        }

        cut.WaitForAssertion(() => Assert.Equal(["Tenant 26", "Tenant 27", "Tenant 28", "Tenant 29", "Tenant 30"], RowNames(cut)), Wait);
    }

    [Fact]
    public async Task ShowTheCountOfTheListAsTheDatabaseHasItAfterAnotherPage()
    {
        Database.AddTenants([.. Enumerable.Range(1, 31).Select(i => $"Tenant {i:D2}")]);
        Database.SetStatus("Tenant 31", TenantStatus.Deleted);
        Navigation.NavigateTo("/tenants?size=25");
        var cut = RenderFollowingNavigation();
        cut.WaitForAssertion(() => Assert.Equal("30 tenants", cut.Find("[data-testid=tenant-count]").TextContent.Trim()), Wait);

        // A deleted tenant comes back while the agent pages: the next page's count is the plain count's.
        Database.SetStatus("Tenant 31", TenantStatus.Active);
        cut.Find("[data-testid=page-next] button, button[data-testid=page-next]").Click();

        cut.WaitForAssertion(() => Assert.Equal(["Tenant 26", "Tenant 27", "Tenant 28", "Tenant 29", "Tenant 30", "Tenant 31"], RowNames(cut)), Wait);
        var plain = await Services.GetRequiredService<TenantCatalog>().CountAsync(TenantListUrl.Parse(Navigation.Uri, new HashSet<string>()).Query, Cancel);
        Assert.Equal(31, plain.Value);
        cut.WaitForAssertion(() => Assert.Equal(TenantCountText.Format(plain, isSearch: false), cut.Find("[data-testid=tenant-count]").TextContent.Trim()), Wait);
    }

    /// <summary>
    /// Renders the list and lets it follow navigation as it does in the app: its query-string
    /// parameters change, and nothing else calls it again.
    /// </summary>
    private IRenderedComponent<TenantList> RenderFollowingNavigation() => Render<TenantList>();

    private const string IncludeDeletedSwitch = "input[data-testid=filter-include-deleted], [data-testid=filter-include-deleted] input";

    private static List<string> RowNames(IRenderedComponent<TenantList> cut) =>
        cut.FindAll("tbody tr td[data-label=Name] a").Select(a => a.TextContent.Trim()).ToList();
}

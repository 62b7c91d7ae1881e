using System.Text.RegularExpressions;
using Tenancy.Core.Features.Tenants;
using Tenancy.E2E.Hosting;
using Tenancy.E2E.Pages;
using static Microsoft.Playwright.Assertions;

namespace Tenancy.E2E.Features.Tenants;

public sealed class TenantListShould(PortalFixture portal)
{
    private const int PageSize = TenantQuery.DefaultPageSize;

    [Fact]
    public async Task LetTheKeyboardFocusTheSearchMoveThroughRowsAndOpenOne()
    {
        await using var session = await portal.NewSessionAsync();
        var list = await new TenantListPage(session.Page).GotoAsync();
        await Expect(list.TenantNames).Not.ToHaveCountAsync(0);
        var secondName = await list.TenantNames.Nth(1).TextContentAsync();
        var secondHref = await list.TenantNames.Nth(1).GetAttributeAsync("href");

        await session.Page.Keyboard.PressAsync("/");
        await Expect(list.SearchBox).ToBeFocusedAsync();
        await session.Page.Keyboard.PressAsync("ArrowDown");
        await session.Page.Keyboard.PressAsync("ArrowDown");
        await session.Page.Keyboard.PressAsync("ArrowDown");
        await session.Page.Keyboard.PressAsync("ArrowUp");

        await Expect(list.Row(secondName!.Trim())).ToHaveAttributeAsync("aria-selected", "true");
        await Expect(list.Table.Locator("tr[aria-selected=true]")).ToHaveCountAsync(1);
        await session.Page.Keyboard.PressAsync("Enter");
        await Expect(session.Page).ToHaveURLAsync(new Regex(Regex.Escape(secondHref!) + "$"));
        Assert.Empty(session.BrowserErrors);
    }

    [Fact]
    public async Task ReproduceTheSameViewFromACopiedLink()
    {
        var activeNewestFirst = TestTenants.All
            .Where(t => t.Status == TenantStatus.Active)
            .OrderByDescending(t => t.CreatedAt).ThenByDescending(t => t.Id)
            .Select(t => t.Name)
            .ToArray();
        Assert.InRange(activeNewestFirst.Length, PageSize + 1, 2 * PageSize); // two pages, the second partial
        var secondPage = activeNewestFirst[PageSize..];

        await using var session = await portal.NewSessionAsync();
        var list = await new TenantListPage(session.Page).GotoAsync();
        await list.FilterByStatusAsync("Active");
        await Expect(session.Page).ToHaveURLAsync(new Regex(@"/tenants\?status=active$"));
        await Expect(list.Count).ToHaveTextAsync($"{activeNewestFirst.Length} tenants");
        await list.SortByCreatedNewestFirstAsync();
        await Expect(list.TenantNames).ToHaveTextAsync(activeNewestFirst[..PageSize]);
        await list.NextPageButton.ClickAsync();
        await Expect(list.TenantNames).ToHaveTextAsync(secondPage);
        await Expect(session.Page).ToHaveURLAsync(new Regex(@"/tenants\?status=active&sort=created&dir=desc&after=[A-Za-z0-9_-]+$"));
        var link = session.Page.Url;

        await using var other = await portal.NewSessionAsync();
        var copy = await new TenantListPage(other.Page).GotoAsync(link);

        await Expect(copy.TenantNames).ToHaveTextAsync(secondPage);
        await Expect(copy.StatusFilter).ToHaveTextAsync("Active");
        await Expect(copy.PlanFilter).ToHaveTextAsync("");
        await Expect(copy.RegionFilter).ToHaveTextAsync("");
        await Expect(copy.SearchBox).ToHaveValueAsync("");
        await Expect(copy.Count).ToHaveTextAsync($"{activeNewestFirst.Length} tenants");
        await Expect(copy.LinkNotices).ToHaveCountAsync(0);
        await Expect(other.Page).ToHaveURLAsync(link);
        Assert.Empty(session.BrowserErrors);
        Assert.Empty(other.BrowserErrors);
    }

    [Fact]
    public async Task FallBackToDefaultsAndSayWhyForAMalformedLink()
    {
        var firstByName = TestTenants.All.OrderBy(t => t.Name, StringComparer.Ordinal).ThenBy(t => t.Id)
            .Take(PageSize).Select(t => t.Name).ToArray();
        await using var session = await portal.NewSessionAsync();

        var list = await new TenantListPage(session.Page).GotoAsync("/tenants?status=bogus&sort=sideways&after=!!!");

        await Expect(list.LinkNotices).ToHaveTextAsync(
        [
            "Unknown status 'bogus' was ignored.",
            "Unknown sort 'sideways' was replaced by name.",
            "The page position in the link was not valid; showing the first page.",
        ]);
        // The address now says what is shown, so copying it again gives a clean link.
        await Expect(session.Page).ToHaveURLAsync(new Regex("/tenants$"));
        await Expect(list.StatusFilter).ToHaveTextAsync("");
        await Expect(list.TenantNames).ToHaveTextAsync(firstByName);
        await Expect(list.Count).ToHaveTextAsync($"{TestTenants.All.Count} tenants");
        await Expect(list.LoadError).ToHaveCountAsync(0);
        await Expect(list.ErrorBar).ToBeHiddenAsync();
        Assert.Empty(session.BrowserErrors);
    }
}

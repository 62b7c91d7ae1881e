using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Tenancy.E2E.Pages;

/// <summary>The tenant list at <c>/tenants</c>: search, filters, sortable columns, keyset paging.</summary>
public sealed class TenantListPage(IPage page) : PortalPage(page)
{
    public ILocator Heading => Page.GetByRole(AriaRole.Heading, new() { Name = "Tenants", Level = 1 });

    public ILocator SearchBox => Page.GetByRole(AriaRole.Textbox, new() { Name = "Search tenants" });

    /// <summary>"121 tenants", "1 match", "1,000+ matches".</summary>
    public ILocator Count => Page.GetByTestId("tenant-count");

    /// <summary>
    /// The Status filter. Its text is the chosen status ("Active") or empty; assert with
    /// ToHaveTextAsync (MudSelect swaps its input for a text element once a value is chosen).
    /// </summary>
    public ILocator StatusFilter => Page.GetByRole(AriaRole.Combobox, new() { Name = "Status" });

    public ILocator PlanFilter => Page.GetByRole(AriaRole.Combobox, new() { Name = "Plan" });

    public ILocator RegionFilter => Page.GetByRole(AriaRole.Combobox, new() { Name = "Region" });

    public ILocator SortByNameButton => Page.GetByRole(AriaRole.Button, new() { Name = "Name", Exact = true });

    public ILocator SortByCreatedButton => Page.GetByRole(AriaRole.Button, new() { Name = "Created", Exact = true });

    public ILocator NextPageButton => Page.GetByRole(AriaRole.Button, new() { Name = "Next page" });

    public ILocator Table => Page.GetByRole(AriaRole.Table);

    /// <summary>Tenant names in display order: each row has exactly one link, the tenant's name.</summary>
    public ILocator TenantNames => Table.GetByRole(AriaRole.Link);

    /// <summary>"Exact slug match: … Open or press Enter."</summary>
    public ILocator ExactMatchBanner => Page.GetByTestId("exact-match");

    /// <summary>What the list says about parts of a link it could not use.</summary>
    public ILocator LinkNotices => Page.GetByTestId("link-notice");

    public ILocator LoadError => Page.GetByTestId("load-error");

    public ILocator Row(string tenantName) =>
        Table.GetByRole(AriaRole.Row).Filter(new() { Has = Page.GetByRole(AriaRole.Link, new() { Name = tenantName, Exact = true }) });

    public async Task WaitUntilReadyAsync()
    {
        await Expect(Heading).ToBeVisibleAsync();
        await WaitForCircuitAsync();
    }

    public async Task<TenantListPage> GotoAsync(string pathAndQuery = "/tenants")
    {
        await Page.GotoAsync(pathAndQuery);
        await WaitUntilReadyAsync();
        return this;
    }

    /// <summary>Types into the search box key by key, as a person would (the list debounces).</summary>
    public Task TypeSearchAsync(string text) => SearchBox.PressSequentiallyAsync(text);

    public async Task FilterByStatusAsync(string label)
    {
        await StatusFilter.ClickAsync();
        await Page.GetByRole(AriaRole.Listbox).GetByRole(AriaRole.Option, new() { Name = label, Exact = true }).ClickAsync();
    }

    /// <summary>Clicks the Created column header until the list is sorted newest first.</summary>
    public async Task SortByCreatedNewestFirstAsync()
    {
        // Each click navigates; the next click must see the new state, so wait for the URL each time.
        await SortByCreatedButton.ClickAsync();
        await Expect(Page).ToHaveURLAsync(new Regex(@"[?&]sort=created(&|$)"));
        await SortByCreatedButton.ClickAsync();
        await Expect(Page).ToHaveURLAsync(new Regex(@"[?&]dir=desc(&|$)"));
    }

    public async Task<TenantPage> OpenAsync(string tenantName)
    {
        await Row(tenantName).ClickAsync();
        var tenant = new TenantPage(Page);
        await tenant.WaitUntilReadyAsync();
        return tenant;
    }
}

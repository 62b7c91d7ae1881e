using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Tenancy.E2E.Pages;

/// <summary>
/// One tenant at <c>/tenants/{id}</c> (its overview) or <c>/tenants/{id}/{tab}</c> (<c>quotas</c>,
/// <c>billing</c>, <c>audit</c>), or its "Tenant not found" page.
/// </summary>
public sealed class TenantPage(IPage page) : PortalPage(page)
{
    /// <summary>The tenant's name, or "Tenant not found".</summary>
    public ILocator Heading => Page.GetByRole(AriaRole.Heading, new() { Level = 1 });

    /// <summary>The status chip next to the name; its <c>data-status</c> is <c>active</c>, <c>past-due</c>, <c>suspended</c>, ….</summary>
    public ILocator StatusChip => Heading.Locator("xpath=..").Locator("[data-status]");

    public ILocator BackToTenantsLink => Page.GetByRole(AriaRole.Link, new() { Name = "Back to tenants" });

    public ILocator GoToTenantsLink => Page.GetByRole(AriaRole.Link, new() { Name = "Go to tenants" });

    /// <summary>The value next to a label in the Overview or Identifiers cards ("Slug", "Stripe customer").</summary>
    public ILocator Fact(string label) =>
        Page.GetByRole(AriaRole.Term).Filter(new() { HasTextRegex = new Regex($"^{Regex.Escape(label)}$") })
            .Locator("xpath=following-sibling::dd[1]");

    /// <summary>A tab by its label ("Overview", "Quotas", "Billing", "Audit history"); <c>aria-selected</c> is <c>true</c> on the open one.</summary>
    public ILocator Tab(string label) => Page.GetByRole(AriaRole.Tab, new() { Name = label, Exact = true });

    /// <summary>Why the page shows the overview rather than the tab the link named.</summary>
    public ILocator TabNotice => Page.GetByTestId("tab-notice");

    /// <summary>Opens the tenant's overview, or the tab whose URL segment is <paramref name="tab"/>.</summary>
    public async Task<TenantPage> GotoAsync(Guid id, string? tab = null)
    {
        await Page.GotoAsync(tab is null ? $"/tenants/{id}" : $"/tenants/{id}/{tab}");
        await WaitUntilReadyAsync();
        return this;
    }

    public async Task WaitUntilReadyAsync()
    {
        await Expect(Page).ToHaveURLAsync(new Regex("/tenants/[0-9a-f-]{36}(/[a-z-]+)?$"));
        await WaitForCircuitAsync();
        await Expect(Heading).ToBeVisibleAsync();
    }

    public async Task<TenantListPage> BackToTenantsAsync()
    {
        await BackToTenantsLink.ClickAsync();
        var list = new TenantListPage(Page);
        await list.WaitUntilReadyAsync();
        return list;
    }
}

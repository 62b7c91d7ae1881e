using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Tenancy.E2E.Pages;

/// <summary>The Quotas tab of a tenant page and its editor dialog.</summary>
public sealed class TenantQuotasTab(IPage page) : PortalPage(page)
{
    public ILocator Table => Page.GetByTestId("quota-table");

    public ILocator EditButton => Page.GetByRole(AriaRole.Button, new() { Name = "Edit quotas" });

    public ILocator ReadOnlyNote => Page.GetByTestId("quotas-read-only");

    public ILocator Editor => Page.GetByTestId("quota-editor");

    /// <summary>The effective limit shown for a metric (by its enum name, e.g. StorageBytes).</summary>
    public ILocator EffectiveLimit(string metric) => Page.GetByTestId($"effective-{metric}");

    public static async Task<TenantQuotasTab> OpenAsync(TenantPage tenant)
    {
        await tenant.Tab("Quotas").ClickAsync();
        await Expect(tenant.Page).ToHaveURLAsync(new Regex("/tenants/[0-9a-f-]{36}/quotas$"));
        var tab = new TenantQuotasTab(tenant.Page);
        await Expect(tab.Table).ToBeVisibleAsync();
        return tab;
    }

    /// <summary>Sets a custom limit for one metric (by its label, e.g. "Storage") with a reason, and saves.</summary>
    public async Task SetCustomLimitAsync(string label, string limit, string reason)
    {
        await EditButton.ClickAsync();
        await Expect(Editor).ToBeVisibleAsync();
        await Page.GetByLabel($"{label} limit", new() { Exact = true }).ClickAsync();
        await Page.GetByRole(AriaRole.Option, new() { Name = "Custom limit" }).ClickAsync();
        await Page.GetByLabel($"{label} custom limit").FillAsync(limit);
        await Page.GetByLabel("Reason").FillAsync(reason);
        await Expect(Page.GetByTestId("quota-preview")).ToContainTextAsync(limit);
        await Page.GetByTestId("quota-save").ClickAsync();
        await Expect(Editor).ToBeHiddenAsync();
    }
}

using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Tenancy.E2E.Pages;

/// <summary>The tenant page's Usage tab: a chart per metric with its quota, and the period in the address.</summary>
public sealed class TenantUsageTab(IPage page) : PortalPage(page)
{
    public ILocator Period => Page.GetByTestId("usage-period");

    /// <summary>A metric's card by its token in links (<c>api-requests-per-month</c>, <c>storage</c>).</summary>
    public ILocator Card(string metric) => Page.Locator($"[data-testid=usage-metric][data-metric={metric}]");

    /// <summary>The lines ApexCharts drew in a metric's chart (usage and the quota's steps).</summary>
    public ILocator Lines(string metric) => Card(metric).Locator("path.apexcharts-line");

    /// <summary>The per-bucket usage (per hour, per day) of a monthly metric's chart, a light area.</summary>
    public ILocator Areas(string metric) => Card(metric).Locator("path.apexcharts-area");

    /// <summary>The labels of the lines across a metric's chart ("80%: 48,000", "Quota: 60,000") and of its quota-change markers.</summary>
    public ILocator AnnotationLabels(string metric) => Card(metric).Locator(".apexcharts-yaxis-annotations text, .apexcharts-xaxis-annotations text");

    public ILocator Projection(string metric) => Card(metric).GetByTestId("usage-projection");

    public ILocator RangeButton(string token) => Page.GetByTestId($"usage-range-{token}");

    public static async Task<TenantUsageTab> OpenAsync(TenantPage tenant)
    {
        await tenant.Tab("Usage").ClickAsync();
        await Expect(tenant.Page).ToHaveURLAsync(new Regex("/tenants/[0-9a-f-]{36}/usage$"));
        var tab = new TenantUsageTab(tenant.Page);
        await Expect(tab.Period).ToBeVisibleAsync();
        return tab;
    }

    /// <summary>The width ApexCharts drew a metric's chart at (its svg's width attribute).</summary>
    public Task<string?> DrawnWidthAsync(string metric) => Card(metric).Locator("svg.apexcharts-svg").GetAttributeAsync("width");
}

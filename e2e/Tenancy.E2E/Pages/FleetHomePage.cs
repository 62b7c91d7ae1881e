using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Tenancy.E2E.Pages;

/// <summary>The portal's home page at <c>/</c>: tenants by status, the fleet's days, the tenants nearest their quotas.</summary>
public sealed class FleetHomePage(IPage page) : PortalPage(page)
{
    public ILocator Heading => Page.GetByRole(AriaRole.Heading, new() { Name = "Fleet", Level = 1 });

    public ILocator StatusCard => Page.GetByTestId("fleet-status");

    /// <summary>The donut's slices (ApexCharts draws a path per slice with a value).</summary>
    public ILocator StatusSlices => StatusCard.Locator("path.apexcharts-pie-area");

    /// <summary>One status of the list beside the donut, by its label ("Active"): a link to the filtered list and its count.</summary>
    public ILocator StatusRow(string label) =>
        Page.GetByTestId("fleet-status-row").Filter(new() { Has = Page.GetByRole(AriaRole.Link, new() { Name = label, Exact = true }) });

    public ILocator ActivityCard => Page.GetByTestId("fleet-activity");

    /// <summary>The activity chart's bars with a value.</summary>
    public ILocator ActivityBars => ActivityCard.Locator("path.apexcharts-bar-area[val]");

    public ILocator PressureRows => Page.GetByTestId("fleet-pressure-row");

    public async Task<FleetHomePage> GotoAsync()
    {
        await Page.GotoAsync("/");
        await WaitUntilReadyAsync();
        return this;
    }

    public async Task WaitUntilReadyAsync()
    {
        await Expect(Heading).ToBeVisibleAsync();
        await WaitForCircuitAsync();
    }

    /// <summary>The width ApexCharts drew a card's chart at (its svg's width attribute).</summary>
    public static Task<string?> DrawnWidthAsync(ILocator card) => card.Locator("svg.apexcharts-svg").First.GetAttributeAsync("width");
}

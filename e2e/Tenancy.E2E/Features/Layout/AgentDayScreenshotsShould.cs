using Microsoft.Playwright;
using Tenancy.E2E.Hosting;
using static Microsoft.Playwright.Assertions;

namespace Tenancy.E2E.Features.Layout;

/// <summary>
/// The pages of a support agent's day at a laptop's and a desktop's size, light and dark, as
/// screenshots (<c>day-&lt;page&gt;-&lt;width&gt;x&lt;height&gt;-&lt;scheme&gt;.png</c>): each page is
/// checked to be in the theme asked for and loaded before it is taken.
/// </summary>
public sealed class AgentDayScreenshotsShould(PortalFixture portal)
{
    public static TheoryData<int, int, string> Sizes()
    {
        var sizes = new TheoryData<int, int, string>();
        foreach (var (width, height) in new[] { (1280, 800), (1920, 1080) })
        {
            sizes.Add(width, height, "light");
            sizes.Add(width, height, "dark");
        }

        return sizes;
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public async Task ShowTheDaysPagesInTheChosenThemeAtEachSize(int width, int height, string scheme)
    {
        await using var session = await portal.NewSessionAsync(
            colorScheme: scheme == "dark" ? ColorScheme.Dark : ColorScheme.Light,
            viewport: new ViewportSize { Width = width, Height = height });
        var page = session.Page;
        var target = TestTenants.Target;
        var suffix = $"{width}x{height}-{scheme}.png";

        await OpenAsync(page, "/tenants", scheme);
        await Expect(page.GetByTestId("tenant-count")).ToBeVisibleAsync();
        Assert.True(await PlaceholderFitsAsync(page.Locator("#tenant-search")), "The search box's placeholder is cut off.");
        await Screenshots.TakeAsync(page, "day-tenant-list-" + suffix);

        await OpenAsync(page, $"/tenants/{target.Id}", scheme);
        await Expect(page.GetByTestId("tenant-name")).ToHaveTextAsync(target.Name);
        await Screenshots.TakeAsync(page, "day-tenant-header-" + suffix);

        await OpenAsync(page, $"/tenants/{target.Id}/billing", scheme);
        await Expect(page.GetByRole(AriaRole.Tab, new() { Name = "Billing", Exact = true })).ToHaveAttributeAsync("aria-selected", "true");
        await Expect(page.GetByText(target.StripeCustomerId!).First).ToBeVisibleAsync();
        await Screenshots.TakeAsync(page, "day-billing-" + suffix);

        await OpenAsync(page, "/audit", scheme);
        await Screenshots.TakeAsync(page, "day-audit-log-" + suffix);

        Assert.Empty(session.BrowserErrors);
    }

    /// <summary>Whether an input's placeholder, in the input's own font, fits the width it has for text.</summary>
    private static Task<bool> PlaceholderFitsAsync(ILocator input) =>
        input.EvaluateAsync<bool>(
            """
            el => {
              const style = getComputedStyle(el);
              const context = document.createElement('canvas').getContext('2d');
              context.font = `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
              const room = el.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
              return el.placeholder.length > 0 && context.measureText(el.placeholder).width <= room;
            }
            """);

    private static async Task OpenAsync(IPage page, string address, string scheme)
    {
        await page.GotoAsync(address);
        await Expect(page.GetByTestId("circuit-ready")).ToBeAttachedAsync();
        await Expect(page.Locator("h1").First).ToBeVisibleAsync();
        await Expect(page.Locator("html")).ToHaveAttributeAsync("data-theme", scheme);
        await Expect(page.Locator(".mud-table[aria-busy=true], .mud-table-loading, .mud-progress-linear-indeterminate")).ToHaveCountAsync(0);
    }
}

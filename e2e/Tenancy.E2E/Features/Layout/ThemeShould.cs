using Microsoft.Playwright;
using Tenancy.E2E.Hosting;
using Tenancy.E2E.Pages;
using static Microsoft.Playwright.Assertions;

namespace Tenancy.E2E.Features.Layout;

/// <summary>Light or dark: the system's preference until the staff member chooses, then their choice.</summary>
public sealed class ThemeShould(PortalFixture portal)
{
    [Fact]
    public async Task FollowTheSystemOnTheFirstVisitAndKeepTheTogglesChoiceAcrossAReload()
    {
        await using var session = await portal.NewSessionAsync(colorScheme: ColorScheme.Dark);
        var list = await new TenantListPage(session.Page).GotoAsync();

        await Expect(list.Document).ToHaveAttributeAsync("data-theme", "dark");
        await Expect(list.ThemeToggle).ToHaveAttributeAsync("aria-label", "Switch to light mode");
        Assert.Equal("rgb(50, 51, 61)", await BackgroundAsync(session.Page)); // MudBlazor's dark background

        await list.ThemeToggle.ClickAsync();
        await Expect(list.Document).ToHaveAttributeAsync("data-theme", "light");
        await Expect(list.ThemeToggle).ToHaveAttributeAsync("aria-label", "Switch to dark mode");

        // The server draws the reloaded page light from its first byte: no dark flash first.
        var reloaded = await session.Page.ReloadAsync();
        var html = await reloaded!.TextAsync();
        Assert.Contains("<html lang=\"en\" data-theme=\"light\">", html, StringComparison.Ordinal);
        await list.WaitUntilReadyAsync();
        await Expect(list.Document).ToHaveAttributeAsync("data-theme", "light");
        await Expect(list.ThemeToggle).ToHaveAttributeAsync("aria-label", "Switch to dark mode");
        Assert.Equal("rgb(255, 255, 255)", await BackgroundAsync(session.Page));
        Assert.Empty(session.BrowserErrors);
    }

    [Fact]
    public async Task DrawTheFirstPageInTheSystemThemeWhenTheBrowserSaysItInTheRequest()
    {
        // A first visit: no cookie yet, only the hint Chromium sends once the portal asked for it.
        using var client = await portal.HttpClientAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/signin");
        request.Headers.Add("Sec-CH-Prefers-Color-Scheme", "dark");

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        var html = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Contains("<html lang=\"en\" data-theme=\"dark\">", html, StringComparison.Ordinal);
        Assert.Equal("Sec-CH-Prefers-Color-Scheme", response.Headers.GetValues("Accept-CH").Single());
    }

    private static Task<string> BackgroundAsync(IPage page) =>
        page.EvaluateAsync<string>("() => getComputedStyle(document.body).backgroundColor");
}

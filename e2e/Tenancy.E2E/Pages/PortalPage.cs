using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Tenancy.E2E.Pages;

/// <summary>A page inside the portal's main layout, running on the interactive circuit.</summary>
public abstract class PortalPage(IPage page)
{
    public IPage Page { get; } = page;

    /// <summary>The signed-in person's name in the top bar.</summary>
    public ILocator SignedInUser => Page.GetByTestId("signed-in-user");

    /// <summary>Their highest portal role in the top bar ("Viewer", "Support", "Admin").</summary>
    public ILocator SignedInRole => Page.GetByTestId("signed-in-role");

    public ILocator SignOutButton => Page.GetByRole(AriaRole.Button, new() { Name = "Sign out" });

    /// <summary>The app bar's light/dark switch ("Switch to dark mode" / "Switch to light mode").</summary>
    public ILocator ThemeToggle => Page.GetByTestId("theme-toggle");

    /// <summary>The page's theme as the portal marks it on &lt;html data-theme&gt;: "light" or "dark".</summary>
    public ILocator Document => Page.Locator("html");

    /// <summary>Blazor's "An unhandled error has occurred" bar.</summary>
    public ILocator ErrorBar => Page.Locator("#blazor-error-ui");

    /// <summary>
    /// Waits until the circuit is connected (MainLayout renders <c>circuit-ready</c> only when
    /// interactive): before that, the prerendered HTML is visible but clicks and typing do nothing.
    /// </summary>
    protected Task WaitForCircuitAsync() =>
        Expect(Page.GetByTestId("circuit-ready")).ToBeAttachedAsync();

    /// <summary>Takes a screenshot with motion and the text caret frozen.</summary>
    public Task ScreenshotAsync(string fileName) => Screenshots.TakeAsync(Page, fileName);
}

using Microsoft.Playwright;

namespace Tenancy.E2E.Pages;

/// <summary><c>/no-access</c>: signed in, but without a portal role. A static page (no circuit).</summary>
public sealed class NoAccessPage(IPage page)
{
    public IPage Page { get; } = page;

    public ILocator Heading => Page.GetByRole(AriaRole.Heading, new() { Name = "No access" });

    public ILocator Explanation => Page.GetByText("You are signed in, but your account has no portal role");

    public ILocator SignOutButton => Page.GetByRole(AriaRole.Button, new() { Name = "Sign out" });

    public Task ScreenshotAsync(string fileName) => Screenshots.TakeAsync(Page, fileName);
}

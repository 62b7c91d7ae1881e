using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Tenancy.E2E.Pages;

/// <summary>The test identity provider's login page: a user name, no password.</summary>
public sealed class ProviderLoginPage(IPage page)
{
    public IPage Page { get; } = page;

    public ILocator Heading => Page.GetByRole(AriaRole.Heading, new() { Name = "Test identity provider" });

    public ILocator UserName => Page.GetByRole(AriaRole.Textbox, new() { Name = "Username" });

    public ILocator SignInButton => Page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true });

    public async Task WaitUntilReadyAsync()
    {
        await Expect(Heading).ToBeVisibleAsync();
        await Expect(UserName).ToBeEditableAsync();
    }

    /// <summary>Signs in as <paramref name="userName"/>; the provider then sends the browser back to the portal.</summary>
    public async Task SignInAsAsync(string userName)
    {
        await UserName.FillAsync(userName);
        await SignInButton.ClickAsync();
    }

    public Task ScreenshotAsync(string fileName) => Screenshots.TakeAsync(Page, fileName);
}

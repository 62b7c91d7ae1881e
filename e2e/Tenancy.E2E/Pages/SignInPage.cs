using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Tenancy.E2E.Pages;

/// <summary>The development sign-in: one button per demo role. A static page (no circuit).</summary>
public sealed class SignInPage(IPage page)
{
    public IPage Page { get; } = page;

    public ILocator Heading => Page.GetByRole(AriaRole.Heading, new() { Name = "Tenancy Admin" });

    public ILocator SignInAs(string role) =>
        Page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex($@"^Sign in as .+ \({Regex.Escape(role)}\)$") });

    public async Task<SignInPage> GotoAsync()
    {
        await Page.GotoAsync("/signin");
        await Expect(Heading).ToBeVisibleAsync();
        return this;
    }

    /// <summary>Signs in with the demo account of <paramref name="role"/> and waits for the page it lands on.</summary>
    public async Task<TenantListPage> SignInAsAsync(string role)
    {
        if (!Page.Url.Contains("/signin", StringComparison.Ordinal))
        {
            await GotoAsync();
        }

        await SignInAs(role).ClickAsync();
        var list = new TenantListPage(Page);
        await list.WaitUntilReadyAsync();
        return list;
    }
}

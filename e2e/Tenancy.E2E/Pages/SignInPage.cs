using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Tenancy.E2E.Pages;

/// <summary>
/// The portal's sign-in page: the company account (OpenID Connect) and, in Development, one
/// button per demo role. A static page (no circuit).
/// </summary>
public sealed class SignInPage(IPage page)
{
    public IPage Page { get; } = page;

    public ILocator Heading => Page.GetByRole(AriaRole.Heading, new() { Name = "Tenancy Admin" });

    public ILocator CompanyAccountButton => Page.GetByRole(AriaRole.Link, new() { Name = "Sign in with your company account" });

    /// <summary>Why the last sign-in failed, when it did.</summary>
    public ILocator Error => Page.GetByTestId("signin-error");

    public ILocator SignInAs(string role) =>
        Page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex($@"^Sign in as .+ \({Regex.Escape(role)}\)$") });

    /// <summary>Opens the sign-in page; after signing in the portal opens <paramref name="returnUrl"/> (default: its home page, the fleet).</summary>
    public async Task<SignInPage> GotoAsync(string? returnUrl = null)
    {
        await Page.GotoAsync(returnUrl is null ? "/signin" : "/signin?ReturnUrl=" + Uri.EscapeDataString(returnUrl));
        await Expect(Heading).ToBeVisibleAsync();
        return this;
    }

    /// <summary>Starts the OpenID Connect sign-in; waits for the provider's login page.</summary>
    public async Task<ProviderLoginPage> SignInWithCompanyAccountAsync()
    {
        await CompanyAccountButton.ClickAsync();
        var login = new ProviderLoginPage(Page);
        await login.WaitUntilReadyAsync();
        return login;
    }

    /// <summary>
    /// Signs in with the demo account of <paramref name="role"/> and waits for the tenant list:
    /// the page the sign-in was asked for, or the list itself when this opens the sign-in page.
    /// </summary>
    public async Task<TenantListPage> SignInAsAsync(string role)
    {
        if (!Page.Url.Contains("/signin", StringComparison.Ordinal))
        {
            await GotoAsync(returnUrl: "/tenants");
        }

        await SignInAs(role).ClickAsync();
        var list = new TenantListPage(Page);
        await list.WaitUntilReadyAsync();
        return list;
    }
}

using System.Net;
using System.Text.RegularExpressions;
using Microsoft.IdentityModel.Tokens;
using Microsoft.Playwright;
using Tenancy.E2E.Hosting;
using Tenancy.E2E.Identity;
using Tenancy.E2E.Pages;
using static Microsoft.Playwright.Assertions;

namespace Tenancy.E2E.Features.Staff;

/// <summary>
/// Staff sign-in through a real OpenID Connect provider (<see cref="TestIdentityProvider"/>):
/// authorization code + PKCE, the provider's own login page and session, role mapping,
/// RP-initiated sign-out, and id tokens the portal must refuse.
/// </summary>
public sealed class CompanySignInShould(PortalFixture portal)
{
    private static readonly Regex PortalSessionCookie = new("^tenancy-admin");

    [Theory]
    [InlineData("vera", "Vera Lindqvist", "Viewer")]
    [InlineData("sam", "Sam Okafor", "Support")]
    [InlineData("ada", "Ada Novak", "Admin")]
    public async Task BringEachRoleBackToThePageItAskedFor(string userName, string name, string role)
    {
        await using var session = await portal.NewSessionAsync(signedIn: false);
        await session.Page.GotoAsync("/tenants");
        var signIn = new SignInPage(session.Page);
        await Expect(session.Page).ToHaveURLAsync(new Regex(@"/signin\?ReturnUrl=%2Ftenants$", RegexOptions.IgnoreCase));

        var login = await signIn.SignInWithCompanyAccountAsync();
        await Expect(session.Page).ToHaveURLAsync(new Regex($"^{Regex.Escape(portal.Provider.Authority.ToString())}account/login"));
        await login.SignInAsAsync(userName);

        var list = new TenantListPage(session.Page);
        await list.WaitUntilReadyAsync();
        await Expect(session.Page).ToHaveURLAsync(new Regex("/tenants$"));
        await Expect(list.SignedInUser).ToHaveTextAsync(name);
        await Expect(list.SignedInRole).ToHaveTextAsync(role);
        await Expect(list.ErrorBar).ToBeHiddenAsync();
        Assert.Empty(session.BrowserErrors);
    }

    [Fact]
    public async Task GrantSupportForAGroupValueTheRoleMapNames()
    {
        await using var session = await portal.NewSessionAsync(signedIn: false);
        var signIn = await new SignInPage(session.Page).GotoAsync();

        var login = await signIn.SignInWithCompanyAccountAsync();
        await login.ScreenshotAsync("oidc-provider-login.png");
        await login.SignInAsAsync(TestUsers.Gus.UserName);

        // Nothing was asked for: the portal's home page, the fleet.
        var home = new FleetHomePage(session.Page);
        await home.WaitUntilReadyAsync();
        await Expect(session.Page).ToHaveURLAsync(new Regex("/$"));
        await Expect(home.SignedInUser).ToHaveTextAsync(TestUsers.Gus.Name);
        await Expect(home.SignedInRole).ToHaveTextAsync("Support");
        Assert.Empty(session.BrowserErrors);
    }

    [Fact]
    public async Task ShowNoAccessNotAnErrorWhenTheProviderSendsNoRole()
    {
        await using var session = await portal.NewSessionAsync(signedIn: false);
        var signIn = await new SignInPage(session.Page).GotoAsync();
        var login = await signIn.SignInWithCompanyAccountAsync();
        var callback = session.Page.WaitForResponseAsync(IsSignInCallback);

        await login.SignInAsAsync(TestUsers.Nico.UserName);

        // The portal accepts the sign-in (the token is fine) and then has nothing to show.
        var response = await callback;
        Assert.Equal((int)HttpStatusCode.Redirect, response.Status);
        Assert.Equal("/", response.Headers["location"]);
        var noAccess = new NoAccessPage(session.Page);
        await Expect(session.Page).ToHaveURLAsync(new Regex(@"/no-access\?ReturnUrl=%2F$", RegexOptions.IgnoreCase));
        await Expect(noAccess.Heading).ToBeVisibleAsync();
        await Expect(noAccess.Explanation).ToBeVisibleAsync();
        await Expect(noAccess.SignOutButton).ToBeVisibleAsync();
        await noAccess.ScreenshotAsync("oidc-no-access.png");

        using var http = await portal.HttpClientAsync(session);
        using var tenants = await http.GetAsync("/tenants", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Redirect, tenants.StatusCode);
        Assert.Equal("/no-access", PathOf(tenants.Headers.Location));

        // The way out also ends the provider's session (a static page's form, redirected to the provider).
        await noAccess.SignOutButton.ClickAsync();
        await Expect(new SignedOutPage(session.Page).Heading).ToBeVisibleAsync();
        Assert.DoesNotContain(await session.Context.CookiesAsync(), c => c.Name == TestIdentityProvider.SessionCookie);
        Assert.Empty(session.BrowserErrors);
    }

    /// <summary>
    /// A Viewer has nothing to change in the portal yet (quota and suspension editing arrive
    /// with those features); what exists is checked on the server: the Viewer's session reads,
    /// a forged state-changing request is refused, and without a session nothing is served.
    /// </summary>
    [Fact]
    public async Task LetAViewerReadAndRefuseWhatTheSessionMayNotDo()
    {
        await using var session = await portal.NewSessionAsync(signedIn: false);
        var signIn = await new SignInPage(session.Page).GotoAsync();
        var login = await signIn.SignInWithCompanyAccountAsync();
        await login.SignInAsAsync(TestUsers.Vera.UserName);
        var home = new FleetHomePage(session.Page);
        await home.WaitUntilReadyAsync();
        await Expect(home.SignedInRole).ToHaveTextAsync("Viewer");
        var cancellationToken = TestContext.Current.CancellationToken;

        using var viewer = await portal.HttpClientAsync(session);
        foreach (var path in new[] { "/", "/tenants", "/audit", $"/tenants/{TestTenants.Target.Id}", $"/tenants/{TestTenants.Target.Id}/usage" })
        {
            using var page = await viewer.GetAsync(path, cancellationToken);
            Assert.True(page.StatusCode == HttpStatusCode.OK, $"Viewer GET {path}: {(int)page.StatusCode} {page.Headers.Location}");
        }

        using (var touch = await viewer.GetAsync("/auth/session", cancellationToken))
        {
            Assert.Equal(HttpStatusCode.NoContent, touch.StatusCode);
        }

        // A cross-site form post riding on the session (no antiforgery token) changes nothing.
        using (var forged = await viewer.PostAsync("/auth/signout", new FormUrlEncodedContent([]), cancellationToken))
        {
            Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        }

        using (var stillSignedIn = await viewer.GetAsync("/auth/session", cancellationToken))
        {
            Assert.Equal(HttpStatusCode.NoContent, stillSignedIn.StatusCode);
        }

        using var anonymous = await portal.HttpClientAsync();
        foreach (var path in new[] { "/", "/tenants", "/audit", $"/tenants/{TestTenants.Target.Id}", "/auth/session" })
        {
            using var refused = await anonymous.GetAsync(path, cancellationToken);
            Assert.True(refused.StatusCode == HttpStatusCode.Redirect && PathOf(refused.Headers.Location) == "/signin",
                $"anonymous GET {path}: {(int)refused.StatusCode} {refused.Headers.Location}");
        }

        Assert.Empty(session.BrowserErrors);
    }

    [Fact]
    public async Task EndTheSessionAtTheProviderToo()
    {
        await using var session = await portal.NewSessionAsync(signedIn: false);
        await session.Page.GotoAsync("/tenants");
        var signIn = new SignInPage(session.Page);
        var login = await signIn.SignInWithCompanyAccountAsync();
        await login.SignInAsAsync(TestUsers.Ada.UserName);
        var list = new TenantListPage(session.Page);
        await list.WaitUntilReadyAsync();

        // Control: while the provider's session lives, losing only the portal's cookie means a
        // silent sign-in (no login page), so the last step below really tests the sign-out.
        await session.Context.ClearCookiesAsync(new() { NameRegex = PortalSessionCookie });
        await session.Page.GotoAsync("/tenants");
        await Expect(signIn.CompanyAccountButton).ToBeVisibleAsync();
        await signIn.CompanyAccountButton.ClickAsync();
        await list.WaitUntilReadyAsync();
        await Expect(list.SignedInUser).ToHaveTextAsync(TestUsers.Ada.Name);

        await list.SignOutButton.ClickAsync();

        var signedOut = new SignedOutPage(session.Page);
        await Expect(session.Page).ToHaveURLAsync(new Regex("/signed-out$"));
        await Expect(signedOut.Heading).ToBeVisibleAsync();
        var cookies = await session.Context.CookiesAsync();
        Assert.DoesNotContain(cookies, c => c.Name == TestIdentityProvider.SessionCookie || PortalSessionCookie.IsMatch(c.Name));

        await session.Page.GotoAsync("/tenants");
        await Expect(session.Page).ToHaveURLAsync(new Regex(@"/signin\?ReturnUrl=%2Ftenants$", RegexOptions.IgnoreCase));
        var again = await signIn.SignInWithCompanyAccountAsync();
        await Expect(again.UserName).ToBeEmptyAsync();
        Assert.Empty(session.BrowserErrors);
    }

    [Theory]
    [InlineData("badaud", nameof(SecurityTokenInvalidAudienceException))]
    [InlineData("badiss", nameof(SecurityTokenInvalidIssuerException))]
    public async Task RefuseAnIdTokenMeantForSomeoneElse(string userName, string refusedBecause)
    {
        await using var session = await portal.NewSessionAsync(signedIn: false);
        var signIn = await new SignInPage(session.Page).GotoAsync();
        var login = await signIn.SignInWithCompanyAccountAsync();
        var callback = session.Page.WaitForResponseAsync(IsSignInCallback);
        var signInPage = session.Page.WaitForResponseAsync(r => new Uri(r.Url) is { AbsolutePath: "/signin" } url && url.Query.StartsWith("?error=", StringComparison.Ordinal));

        await login.SignInAsAsync(userName);

        var response = await callback;
        Assert.Equal((int)HttpStatusCode.Redirect, response.Status);
        Assert.StartsWith("/signin?error=", response.Headers["location"], StringComparison.Ordinal);
        Assert.Equal((int)HttpStatusCode.OK, (await signInPage).Status);
        await Expect(signIn.Error).ToHaveTextAsync(new Regex(
            @"^Sign-in failed: the identity provider's answer did not pass the portal's checks \(token issuer, audience, signature or lifetime\)\."));
        await Expect(signIn.CompanyAccountButton).ToBeVisibleAsync();
        Assert.DoesNotContain(await session.Context.CookiesAsync(), c => PortalSessionCookie.IsMatch(c.Name));
        // The page stays vague on purpose; the log says which check refused the token.
        Assert.Contains(portal.Log.Entries, e => e.Message == "OpenID Connect sign-in failed" && e.Exception?.GetType().Name == refusedBecause);

        using var http = await portal.HttpClientAsync(session);
        using var tenants = await http.GetAsync("/tenants", TestContext.Current.CancellationToken);
        Assert.Equal("/signin", PathOf(tenants.Headers.Location));
        Assert.Empty(session.BrowserErrors);
    }

    /// <summary>The path of a Location header, whether absolute (cookie challenges) or relative.</summary>
    private static string? PathOf(Uri? location) => location switch
    {
        null => null,
        { IsAbsoluteUri: true } => location.AbsolutePath,
        _ => location.OriginalString.Split('?')[0],
    };

    /// <summary>The provider's answer arriving at the portal: a form post (response_mode=form_post) to /signin-oidc.</summary>
    private static bool IsSignInCallback(IResponse response) =>
        new Uri(response.Url).AbsolutePath == "/signin-oidc";
}

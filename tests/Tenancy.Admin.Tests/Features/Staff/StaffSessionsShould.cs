using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tenancy.Admin.Features.Staff;
using Tenancy.Admin.Tests.Infrastructure;
using Tenancy.Core.Data;
using Tenancy.Core.Features.Audit;

namespace Tenancy.Admin.Tests.Features.Staff;

/// <summary>Sessions, their audit trail, and the guards around them, over real HTTP.</summary>
public sealed class StaffSessionsShould
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task BeSharedByEveryPortalInstanceOnTheSameDatabase()
    {
        await using var first = new PortalFactory();
        var cookie = await SessionCookieAsync(first, "support");

        await using var second = new PortalFactory(first.DatabasePath);
        using var client = second.CreateBrowserLikeClient();
        client.DefaultRequestHeaders.Add("Cookie", cookie);
        using var response = await client.GetAsync("/tenants", Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var db = await second.Services.GetRequiredService<IDbContextFactory<TenancyDbContext>>().CreateDbContextAsync(Cancellation);
        Assert.NotEmpty(await db.DataProtectionKeys.ToListAsync(Cancellation));
    }

    [Fact]
    public async Task RecordEachSignInAndSignOutOnceInTheAuditLog()
    {
        await using var portal = new PortalFactory();
        using var client = await portal.SignedInClientAsync("admin", Cancellation);
        var form = await PortalFactory.AntiforgeryFormAsync(client, "/tenants", Cancellation);
        using var signOut = await client.PostAsync("/auth/signout", new FormUrlEncodedContent(form), Cancellation);

        var audit = portal.Services.GetRequiredService<AuditLog>();
        var entries = (await audit.BrowseAsync(new AuditQuery { Actor = "dev-admin" }, Cancellation)).Items;
        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
        Assert.Equal("/signed-out", signOut.Headers.Location!.OriginalString);
        Assert.Equal([StaffAuditActions.SignedOut, StaffAuditActions.SignedIn], entries.Select(e => e.Action));
        Assert.All(entries, e => Assert.Equal(("Ada Admin", "ada.admin@example.test"), (e.ActorName, e.ActorEmail)));
    }

    [Fact]
    public async Task EndAfterSignOut()
    {
        await using var portal = new PortalFactory();
        using var client = await portal.SignedInClientAsync("viewer", Cancellation);
        var form = await PortalFactory.AntiforgeryFormAsync(client, "/tenants", Cancellation);
        using (await client.PostAsync("/auth/signout", new FormUrlEncodedContent(form), Cancellation))
        {
        }

        using var response = await client.GetAsync("/tenants", Cancellation);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/signin", response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ComeWithSecurityHeaders()
    {
        await using var portal = new PortalFactory();
        using var client = portal.CreateBrowserLikeClient();

        using var response = await client.GetAsync("/signin", Cancellation);

        var csp = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-eval", csp, StringComparison.Ordinal);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
    }

    [Fact]
    public void RefuseToStartInProductionWithoutOpenIdConnect()
    {
        using var portal = new PortalFactory(environment: "Production");

        var refused = Assert.Throws<InvalidOperationException>(() => portal.CreateClient());

        Assert.Contains("Missing: Auth:Authority, Auth:ClientId, Auth:ClientSecret", refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/signin?ReturnUrl=%2Ftenants", "/auth/signin?returnUrl=%2Ftenants")]
    [InlineData("/signin?ReturnUrl=https%3A%2F%2Fevil.example%2F", "/auth/signin?returnUrl=%2F")]
    public async Task GoStraightToTheProviderWhenItIsTheOnlySignIn(string signIn, string expected)
    {
        await using var portal = ProductionPortal();
        using var client = portal.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        using var response = await client.GetAsync(signIn, Cancellation);

        Assert.Equal(System.Net.HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(expected, response.Headers.Location!.PathAndQuery);
    }

    [Fact]
    public async Task KeepTheSignInPageToSayWhyASignInFailed()
    {
        await using var portal = ProductionPortal();
        using var client = portal.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        using var response = await client.GetAsync("/signin?error=denied", Cancellation);

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Sign in with your company account", await response.Content.ReadAsStringAsync(Cancellation), StringComparison.Ordinal);
    }

    /// <summary>A portal outside Development with OpenID Connect configured (its provider is never called here).</summary>
    private static PortalFactory ProductionPortal() => new(environment: "Production", settings: new Dictionary<string, string?>
    {
        ["Auth:Authority"] = "https://login.example.test",
        ["Auth:ClientId"] = "tenancy-admin",
        ["Auth:ClientSecret"] = "from-a-secret-store",
        ["Stripe:WebhookSecret"] = "whsec_test_only",
        ["DataProtection:CertificatePath"] = TestCertificate.Shared.Path,
        ["DataProtection:CertificatePassword"] = TestCertificate.Shared.Password,
    });

    [Fact]
    public void NameOnlyTheMissingKeysInProduction()
    {
        using var portal = new PortalFactory(environment: "Production", settings: new Dictionary<string, string?>
        {
            ["Auth:Authority"] = "https://login.example.test",
            ["Auth:ClientId"] = "tenancy-admin",
        });

        var refused = Assert.Throws<InvalidOperationException>(() => portal.CreateClient());

        Assert.Contains("Missing: Auth:ClientSecret.", refused.Message, StringComparison.Ordinal);
    }

    /// <summary>Signs in without a cookie container and returns the session cookie as a header value.</summary>
    private static async Task<string> SessionCookieAsync(PortalFactory portal, string account)
    {
        using var raw = portal.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        using var signInPage = await raw.GetAsync("/signin", Cancellation);
        var antiforgeryCookie = string.Join("; ", signInPage.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]));
        var html = await signInPage.Content.ReadAsStringAsync(Cancellation);
        var token = PortalFactory.AntiforgeryToken(html, "/signin");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/auth/dev-signin")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["__RequestVerificationToken"] = token,
                ["account"] = account,
            }),
        };
        request.Headers.Add("Cookie", antiforgeryCookie);
        using var response = await raw.SendAsync(request, Cancellation);
        return response.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]).Single(c => c.StartsWith("tenancy-admin=", StringComparison.Ordinal));
    }
}

using System.Net;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Tenancy.E2E.Identity;

/// <summary>
/// A small, standards-compliant OpenID Connect provider (OpenIddict) on a loopback port, for the
/// end-to-end tests to sign in through: discovery, authorization code flow with PKCE, token,
/// userinfo and end-session endpoints; one confidential client, <see cref="ClientId"/>; a login
/// page that asks only for a user name (<see cref="TestUsers"/>); and a session cookie of its
/// own, so a second sign-in is silent until the user signs out at the provider.
/// OpenIddict's store is EF Core on a temporary SQLite file; the signing and encryption keys are
/// generated at start and live only in memory.
/// </summary>
public sealed class TestIdentityProvider : IAsyncDisposable
{
    public const string ClientId = "tenancy-admin";

    /// <summary>The provider's own session cookie (the portal's is <c>tenancy-admin</c>; both live on 127.0.0.1).</summary>
    public const string SessionCookie = "e2e-idp-session";

    /// <summary>The role/group claim the provider puts into id tokens and userinfo.</summary>
    public const string RolesClaim = "roles";

    private const string SessionScheme = "idp-session";

    private readonly WebApplication _app;
    private readonly string _directory;

    private TestIdentityProvider(WebApplication app, string directory, Uri authority)
    {
        _app = app;
        _directory = directory;
        Authority = authority;
    }

    /// <summary>The issuer, e.g. <c>http://127.0.0.1:41235/</c>.</summary>
    public Uri Authority { get; }

    /// <summary>A fresh secret per run: nothing to commit, nothing to leak.</summary>
    public string ClientSecret { get; } = Convert.ToHexString(RandomNumberGenerator.GetBytes(24));

    public static async Task<TestIdentityProvider> StartAsync(CancellationToken cancellationToken)
    {
        var directory = Directory.CreateTempSubdirectory("tenancy-e2e-idp-").FullName;
        try
        {
            var app = Build(directory);
            await app.StartAsync(cancellationToken);
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
            await using (var scope = app.Services.CreateAsyncScope())
            {
                await scope.ServiceProvider.GetRequiredService<ProviderDbContext>().Database.EnsureCreatedAsync(cancellationToken);
            }

            return new TestIdentityProvider(app, directory, new Uri(address.TrimEnd('/') + "/"));
        }
        catch
        {
            Directory.Delete(directory, recursive: true);
            throw;
        }
    }

    /// <summary>Registers the portal as a confidential client, once its address is known.</summary>
    public async Task RegisterPortalAsync(Uri portal, CancellationToken cancellationToken)
    {
        await using var scope = _app.Services.CreateAsyncScope();
        var applications = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
        await applications.CreateAsync(new OpenIddictApplicationDescriptor
        {
            ClientId = ClientId,
            ClientSecret = ClientSecret,
            ClientType = ClientTypes.Confidential,
            ConsentType = ConsentTypes.Implicit,
            DisplayName = "Tenancy Admin",
            RedirectUris = { new Uri(portal, "signin-oidc") },
            PostLogoutRedirectUris = { new Uri(portal, "signout-callback-oidc") },
            Permissions =
            {
                Permissions.Endpoints.Authorization,
                Permissions.Endpoints.Token,
                Permissions.Endpoints.EndSession,
                Permissions.GrantTypes.AuthorizationCode,
                Permissions.ResponseTypes.Code,
                Permissions.Scopes.Profile,
                Permissions.Scopes.Email,
                Permissions.Prefixes.Scope + RolesClaim,
            },
            Requirements = { Requirements.Features.ProofKeyForCodeExchange },
        }, cancellationToken);
    }

    private static WebApplication Build(string directory)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = "Tenancy.E2E.IdentityProvider",
            ContentRootPath = directory,
            EnvironmentName = Environments.Production,
        });
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();

        // Cookie protection keys in memory only: nothing written to the user profile.
        builder.Services.AddDataProtection().UseEphemeralDataProtectionProvider();
        builder.Services.AddDbContext<ProviderDbContext>(options => options
            .UseSqlite($"Data Source={Path.Combine(directory, "openiddict.db")}")
            .UseOpenIddict());

        builder.Services.AddAuthentication()
            .AddCookie(SessionScheme, options =>
            {
                options.Cookie.Name = SessionCookie;
                options.Cookie.HttpOnly = true;
                options.Cookie.SameSite = SameSiteMode.Lax;
                options.LoginPath = "/account/login";
                options.ReturnUrlParameter = "returnUrl";
            });

        builder.Services.AddOpenIddict()
            .AddCore(options => options.UseEntityFrameworkCore().UseDbContext<ProviderDbContext>())
            .AddServer(options =>
            {
                options.SetAuthorizationEndpointUris("connect/authorize")
                    .SetTokenEndpointUris("connect/token")
                    .SetUserInfoEndpointUris("connect/userinfo")
                    .SetEndSessionEndpointUris("connect/logout");
                options.AllowAuthorizationCodeFlow().RequireProofKeyForCodeExchange();
                options.RegisterScopes(Scopes.OpenId, Scopes.Profile, Scopes.Email, RolesClaim);
                options.RegisterClaims(Claims.Subject, Claims.Name, Claims.Email, Claims.PreferredUsername, RolesClaim);
                // Keys made here, in memory, for this run only. (AddEphemeral*Key do the same but
                // took 4 s more to set up on a 2-core machine.)
                options.AddSigningKey(new RsaSecurityKey(RSA.Create(2048)))
                    .AddEncryptionKey(new RsaSecurityKey(RSA.Create(2048)));
                options.AddEventHandler(TokenFaults.Descriptor);
                options.UseAspNetCore()
                    .EnableAuthorizationEndpointPassthrough()
                    .EnableTokenEndpointPassthrough()
                    .EnableUserInfoEndpointPassthrough()
                    .EnableEndSessionEndpointPassthrough()
                    // Plain http on loopback: the tests have no certificate.
                    .DisableTransportSecurityRequirement();
            });

        var app = builder.Build();
        app.UseAuthentication();
        MapEndpoints(app);
        return app;
    }

    private static void MapEndpoints(WebApplication app)
    {
        // Browsers ask for it on every page; a 404 would show up as a console error in the tests.
        app.MapGet("/favicon.ico", () => Results.Content(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 1 1\"/>", "image/svg+xml"));

        app.MapGet("/account/login", (string? returnUrl) => LoginPage(returnUrl, error: null));
        app.MapPost("/account/login", async (HttpContext context) =>
        {
            var form = await context.Request.ReadFormAsync(context.RequestAborted);
            var returnUrl = form["returnUrl"].ToString();
            var user = TestUsers.FindByUserName(form["username"]);
            if (user is null)
            {
                return LoginPage(returnUrl, $"There is no user '{form["username"]}' here.");
            }

            var session = new ClaimsIdentity([new Claim(Claims.Subject, user.Subject)], SessionScheme);
            await context.SignInAsync(SessionScheme, new ClaimsPrincipal(session));
            return Results.Redirect(IsAuthorizeUrl(returnUrl) ? returnUrl : "/account/signed-in");
        });
        app.MapGet("/account/signed-in", () => Results.Content(Html("Signed in", "<p>You are signed in at the test identity provider.</p>"), "text/html"));

        // (Delegate) casts: as plain method groups these would bind to RequestDelegate and drop the result.
        app.MapMethods("/connect/authorize", [HttpMethods.Get, HttpMethods.Post], (Delegate)AuthorizeAsync);
        app.MapPost("/connect/token", (Delegate)TokenAsync);
        app.MapMethods("/connect/userinfo", [HttpMethods.Get, HttpMethods.Post], (Delegate)UserInfoAsync);
        app.MapMethods("/connect/logout", [HttpMethods.Get, HttpMethods.Post], (Delegate)EndSessionAsync);
    }

    /// <summary>Signs the user in at the provider (login page) unless its session says who they are, then issues the code.</summary>
    private static async Task<IResult> AuthorizeAsync(HttpContext context)
    {
        var request = context.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an OpenID Connect request.");
        var session = await context.AuthenticateAsync(SessionScheme);
        var user = session.Succeeded ? TestUsers.FindBySubject(session.Principal?.FindFirst(Claims.Subject)?.Value) : null;
        if (user is null || request.HasPromptValue(PromptValues.Login))
        {
            if (request.HasPromptValue(PromptValues.None))
            {
                return Results.Forbid(ErrorProperties(Errors.LoginRequired, "The user is not signed in."),
                    [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
            }

            var parameters = context.Request.HasFormContentType
                ? context.Request.Form.Where(p => p.Key != Parameters.Prompt).ToList()
                : context.Request.Query.Where(p => p.Key != Parameters.Prompt).ToList();
            return Results.Challenge(
                new AuthenticationProperties { RedirectUri = context.Request.PathBase + context.Request.Path + QueryString.Create(parameters) },
                [SessionScheme]);
        }

        var identity = new ClaimsIdentity(
            OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, Claims.Name, RolesClaim);
        identity.SetClaim(Claims.Subject, user.Subject)
            .SetClaim(Claims.Name, user.Name)
            .SetClaim(Claims.PreferredUsername, user.UserName)
            .SetClaim(Claims.Email, user.Email)
            .SetClaims(RolesClaim, [.. user.Roles]);
        identity.SetScopes(request.GetScopes());
        identity.SetDestinations(claim => claim.Type switch
        {
            Claims.Name or Claims.PreferredUsername or Claims.Email or RolesClaim => [Destinations.IdentityToken, Destinations.AccessToken],
            _ => [Destinations.AccessToken],
        });
        return Results.SignIn(new ClaimsPrincipal(identity), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    /// <summary>Redeems the authorization code (OpenIddict has checked the client secret, PKCE verifier and redirect URI).</summary>
    private static async Task<IResult> TokenAsync(HttpContext context)
    {
        var request = context.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an OpenID Connect request.");
        if (!request.IsAuthorizationCodeGrantType())
        {
            return Results.Forbid(ErrorProperties(Errors.UnsupportedGrantType, "Only the authorization code flow is enabled."),
                [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
        }

        var code = await context.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        return code.Principal is { } principal
            ? Results.SignIn(principal, authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme)
            : Results.Forbid(ErrorProperties(Errors.InvalidGrant, "The authorization code is no longer valid."),
                [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
    }

    private static async Task<IResult> UserInfoAsync(HttpContext context)
    {
        var token = await context.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        var user = TestUsers.FindBySubject(token.Principal?.FindFirst(Claims.Subject)?.Value);
        if (user is null)
        {
            return Results.Challenge(ErrorProperties(Errors.InvalidToken, "Unknown user."),
                [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
        }

        var claims = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            [Claims.Subject] = user.Subject,
            [Claims.Name] = user.Name,
            [Claims.PreferredUsername] = user.UserName,
            [Claims.Email] = user.Email,
        };
        if (user.Roles.Count > 0)
        {
            claims[RolesClaim] = user.Roles;
        }

        return Results.Ok(claims);
    }

    /// <summary>RP-initiated logout: ends the provider's session, then OpenIddict redirects to the registered post-logout URI.</summary>
    private static async Task<IResult> EndSessionAsync(HttpContext context)
    {
        await context.SignOutAsync(SessionScheme);
        return Results.SignOut(new AuthenticationProperties { RedirectUri = "/account/login" },
            [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
    }

    private static AuthenticationProperties ErrorProperties(string error, string description) => new(new Dictionary<string, string?>
    {
        [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
        [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
    });

    private static bool IsAuthorizeUrl(string? url) =>
        url is not null && url.StartsWith("/connect/authorize?", StringComparison.Ordinal);

    private static IResult LoginPage(string? returnUrl, string? error)
    {
        var encoder = HtmlEncoder.Default;
        var body = $"""
            <p>Signs staff in for the Tenancy Admin end-to-end tests. Enter a user name; there are no passwords.</p>
            {(error is null ? "" : $"<p role=\"alert\" class=\"error\">{encoder.Encode(error)}</p>")}
            <form method="post" action="/account/login">
              <input type="hidden" name="returnUrl" value="{encoder.Encode(returnUrl ?? "")}">
              <label for="username">Username</label>
              <input id="username" name="username" autocomplete="username" required autofocus>
              <button type="submit">Sign in</button>
            </form>
            """;
        return Results.Content(Html("Sign in", body), "text/html", statusCode: error is null ? StatusCodes.Status200OK : StatusCodes.Status401Unauthorized);
    }

    private static string Html(string title, string body) => $$"""
        <!DOCTYPE html>
        <html lang="en">
        <head>
          <meta charset="utf-8">
          <title>{{title}} · Test identity provider</title>
          <link rel="icon" href="/favicon.ico">
          <style>
            body { font-family: "Liberation Sans", Arial, sans-serif; background: #eef1f4; margin: 0; }
            main { max-width: 26rem; margin: 4rem auto; background: #fff; padding: 2rem; border-radius: 6px; box-shadow: 0 1px 4px rgba(0,0,0,.2); }
            h1 { font-size: 1.4rem; margin-top: 0; }
            label { display: block; font-weight: bold; margin-bottom: .3rem; }
            input { width: 100%; box-sizing: border-box; padding: .5rem; font-size: 1rem; margin-bottom: 1rem; }
            button { padding: .5rem 1.2rem; font-size: 1rem; background: #1f4e8c; color: #fff; border: 0; border-radius: 4px; }
            .error { color: #a4000f; }
          </style>
        </head>
        <body><main><h1>Test identity provider</h1>{{body}}</main></body>
        </html>
        """;

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}

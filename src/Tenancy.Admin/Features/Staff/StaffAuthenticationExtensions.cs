using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using Tenancy.Core.Data;
using Tenancy.Core.Features.Audit;
using Tenancy.Core.Features.Staff;

namespace Tenancy.Admin.Features.Staff;

public static class StaffAuthenticationExtensions
{
    /// <summary>
    /// Staff sign-in: OpenID Connect (authorization code + PKCE) into a cookie session with an idle
    /// timeout; in Development also a sign-in with demo accounts through the same cookie and
    /// claims. Authorization policies per capability; every page needs a signed-in user unless
    /// it opts out. Data Protection keys live in the database so instances share sessions, encrypted
    /// with a certificate outside Development (<see cref="PortalDataProtection"/>).
    /// </summary>
    public static WebApplicationBuilder AddStaffAuthentication(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<StaffAuthOptions>().BindConfiguration(StaffAuthOptions.SectionName);
        var auth = builder.Configuration.GetSection(StaffAuthOptions.SectionName).Get<StaffAuthOptions>() ?? new StaffAuthOptions();
        if (!builder.Environment.IsDevelopment() && auth.MissingProductionKeys() is { Count: > 0 } missing)
        {
            throw new InvalidOperationException(
                $"OpenID Connect is not configured, and outside Development the portal has no other sign-in. Missing: {string.Join(", ", missing)}. " +
                "See appsettings.sample.json.");
        }

        builder.AddPortalDataProtection();

        var authentication = builder.Services.AddAuthentication(options =>
            {
                options.DefaultScheme = CookieAuthenticationDefaults.AuthenticationScheme;
                options.DefaultChallengeScheme = CookieAuthenticationDefaults.AuthenticationScheme;
            })
            .AddCookie(options =>
            {
                options.Cookie.Name = builder.Environment.IsDevelopment() ? "tenancy-admin" : "__Host-tenancy-admin";
                options.Cookie.HttpOnly = true;
                options.Cookie.SameSite = SameSiteMode.Lax;
                options.Cookie.SecurePolicy = builder.Environment.IsDevelopment() ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
                options.LoginPath = "/signin";
                options.AccessDeniedPath = "/no-access";
                options.ExpireTimeSpan = auth.IdleTimeout;
                options.SlidingExpiration = true;
            });

        if (auth.IsOpenIdConnectConfigured)
        {
            authentication.AddOpenIdConnect(OpenIdConnectDefaults.AuthenticationScheme, "Company sign-in", options =>
            {
                options.Authority = auth.Authority;
                options.ClientId = auth.ClientId;
                options.ClientSecret = auth.ClientSecret;
                options.ResponseType = OpenIdConnectResponseType.Code;
                options.UsePkce = true;
                options.RequireHttpsMetadata = auth.RequireHttpsMetadata;
                options.SaveTokens = true; // the id token is the hint for RP-initiated logout
                options.GetClaimsFromUserInfoEndpoint = true;
                options.MapInboundClaims = false;
                options.Scope.Clear();
                foreach (var scope in auth.EffectiveScopes)
                {
                    options.Scope.Add(scope);
                }

                options.TokenValidationParameters.NameClaimType = StaffClaims.Name;
                options.TokenValidationParameters.RoleClaimType = StaffClaims.Role;
                options.SignedOutRedirectUri = "/signed-out";
                options.Events.OnTicketReceived = OnTicketReceivedAsync;
                options.Events.OnRemoteFailure = context =>
                {
                    // A refused or forged sign-in ends on the sign-in page with a message, never a 500.
                    // The exception's own text (IdentityModel's IDX codes, validation parameters) is for
                    // the log; the person signing in gets what it means for them.
                    context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>()
                        .CreateLogger(typeof(StaffAuthenticationExtensions))
                        .LogWarning(context.Failure, "OpenID Connect sign-in failed");
                    context.Response.Redirect(SignInErrors.Url(context.Failure));
                    context.HandleResponse();
                    return Task.CompletedTask;
                };
            });
        }

        var authorization = builder.Services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());
        foreach (var capability in Enum.GetValues<StaffCapability>())
        {
            authorization.AddPolicy(StaffPolicies.For(capability), policy => policy
                .RequireAuthenticatedUser()
                .RequireRole(StaffAccess.RolesWith(capability).Select(r => r.ToString())));
        }

        builder.Services.AddCascadingAuthenticationState();
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddScoped<Microsoft.AspNetCore.Components.Server.Circuits.CircuitHandler, IdleSessionCircuitHandler>();
        return builder;
    }

    public static WebApplication MapStaffAuthentication(this WebApplication app)
    {
        var auth = app.Services.GetRequiredService<IOptions<StaffAuthOptions>>().Value;

        if (auth.IsOpenIdConnectConfigured)
        {
            app.MapGet("/auth/signin", (string? returnUrl) =>
                Results.Challenge(
                    new AuthenticationProperties { RedirectUri = LocalUrl.OrRoot(returnUrl) },
                    [OpenIdConnectDefaults.AuthenticationScheme]))
                .AllowAnonymous();
        }

        if (app.Environment.IsDevelopment())
        {
            app.MapPost("/auth/dev-signin", async (HttpContext context, AuditLog audit, [FromForm] string account, [FromForm] string? returnUrl) =>
            {
                var demo = DevelopmentAccounts.Find(account);
                if (demo is null)
                {
                    return Results.BadRequest($"Unknown demo account '{account}'.");
                }

                var identity = StaffClaims.CreateIdentity(
                    CookieAuthenticationDefaults.AuthenticationScheme, demo.Subject, demo.Name, demo.Email, demo.Roles);
                var principal = new ClaimsPrincipal(identity);
                await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, principal);
                await audit.RecordAsync(StaffClaims.ToActor(principal), StaffAuditActions.SignedIn, cancellationToken: context.RequestAborted);
                return Results.LocalRedirect(LocalUrl.OrRoot(returnUrl));
            }).AllowAnonymous();
        }

        // Touched by wwwroot/session.js while the user is active, so the cookie's sliding expiry moves.
        app.MapGet("/auth/session", () => Results.NoContent()).RequireAuthorization();

        app.MapPost("/auth/signout", async (HttpContext context, AuditLog audit, IAntiforgery antiforgery) =>
        {
            if (!await antiforgery.IsRequestValidAsync(context))
            {
                return Results.BadRequest("The sign-out form has expired or did not come from this portal. Reload the page and try again.");
            }

            if (context.User.Identity?.IsAuthenticated == true)
            {
                await audit.RecordAsync(StaffClaims.ToActor(context.User), StaffAuditActions.SignedOut, cancellationToken: context.RequestAborted);
            }

            var properties = new AuthenticationProperties { RedirectUri = "/signed-out" };
            // The id token is saved in the cookie only for OpenID Connect sessions: end those at the provider too.
            var signedInWithOidc = auth.IsOpenIdConnectConfigured && await context.GetTokenAsync("id_token") is not null;
            return signedInWithOidc
                ? Results.SignOut(properties, [CookieAuthenticationDefaults.AuthenticationScheme, OpenIdConnectDefaults.AuthenticationScheme])
                : Results.SignOut(properties, [CookieAuthenticationDefaults.AuthenticationScheme]);
        }).AllowAnonymous();

        return app;
    }

    /// <summary>After the provider signed the user in: turn its role/group values into portal roles, audit the sign-in.</summary>
    private static async Task OnTicketReceivedAsync(TicketReceivedContext context)
    {
        var options = context.HttpContext.RequestServices.GetRequiredService<IOptions<StaffAuthOptions>>().Value;
        var principal = context.Principal!;
        var providerValues = StaffClaims.ProviderValues(principal, options.RoleClaim).ToList();
        var subject = principal.FindFirst(StaffClaims.Subject)?.Value;
        if (string.IsNullOrEmpty(subject))
        {
            context.Response.Redirect(SignInErrors.Url(SignInErrors.NoSubject));
            context.HandleResponse();
            return;
        }

        var identity = StaffClaims.CreateIdentity(
            context.Scheme.Name,
            subject,
            principal.FindFirst(StaffClaims.Name)?.Value ?? principal.FindFirst("preferred_username")?.Value ?? subject,
            principal.FindFirst(StaffClaims.Email)?.Value,
            options.MapRoles(providerValues));
        context.Principal = new ClaimsPrincipal(identity);

        var audit = context.HttpContext.RequestServices.GetRequiredService<AuditLog>();
        await audit.RecordAsync(StaffClaims.ToActor(context.Principal), StaffAuditActions.SignedIn, cancellationToken: context.HttpContext.RequestAborted);
    }
}

/// <summary>Named authorization policies, one per capability. Pages and endpoints declare the one they need.</summary>
public static class StaffPolicies
{
    public const string View = nameof(StaffCapability.View);
    public const string EditQuotas = nameof(StaffCapability.EditQuotas);
    public const string Suspend = nameof(StaffCapability.Suspend);
    public const string Restore = nameof(StaffCapability.Restore);
    public const string OperateBilling = nameof(StaffCapability.OperateBilling);
    public const string ManageUsageKeys = nameof(StaffCapability.ManageUsageKeys);

    public static string For(StaffCapability capability) => capability.ToString();
}

public static class StaffAuditActions
{
    public const string SignedIn = "staff.signed-in";
    public const string SignedOut = "staff.signed-out";
}

/// <summary>Demo staff accounts for the development sign-in, one per role and one with none.</summary>
public static class DevelopmentAccounts
{
    public sealed record Account(string Key, string Subject, string Name, string Email, IReadOnlyList<StaffRole> Roles);

    public static IReadOnlyList<Account> All { get; } =
    [
        new("viewer", "dev-viewer", "Vera Viewer", "vera.viewer@example.test", [StaffRole.Viewer]),
        new("support", "dev-support", "Sam Support", "sam.support@example.test", [StaffRole.Support]),
        new("admin", "dev-admin", "Ada Admin", "ada.admin@example.test", [StaffRole.Admin]),
        new("no-role", "dev-no-role", "Nico Norole", "nico.norole@example.test", []),
    ];

    public static Account? Find(string? key) =>
        All.FirstOrDefault(a => string.Equals(a.Key, key, StringComparison.OrdinalIgnoreCase));
}

using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace Tenancy.Admin.Features.Staff;

public static class StaffAuthenticationExtensions
{
    /// <summary>
    /// Cookie sessions and the portal's authorization policies. Every page needs a signed-in
    /// member of staff unless it opts out (sign-in, health checks).
    /// </summary>
    public static WebApplicationBuilder AddStaffAuthentication(this WebApplicationBuilder builder)
    {
        builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(options =>
            {
                options.Cookie.HttpOnly = true;
                options.Cookie.SameSite = SameSiteMode.Lax;
                options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                options.Cookie.Name = builder.Environment.IsDevelopment() ? "tenancy-admin" : "__Host-tenancy-admin";
                options.LoginPath = "/signin";
                options.AccessDeniedPath = "/no-access";
                options.ExpireTimeSpan = TimeSpan.FromHours(8);
                options.SlidingExpiration = true;
            });

        builder.Services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(StaffPolicies.ViewTenants, policy => policy.RequireRole(StaffRoles.All));

        builder.Services.AddCascadingAuthenticationState();
        builder.Services.AddHttpContextAccessor();
        return builder;
    }

    /// <summary>
    /// The development sign-in: one demo account per role, through the same cookie, claims and
    /// policies as a real identity provider. Mapped only in the Development environment.
    /// </summary>
    public static WebApplication MapStaffAuthentication(this WebApplication app)
    {
        if (app.Environment.IsDevelopment())
        {
            app.MapPost("/auth/dev-signin", async (HttpContext context, [FromForm] string role, [FromForm] string? returnUrl) =>
            {
                var account = DevelopmentAccounts.Find(role);
                if (account is null)
                {
                    return Results.BadRequest($"Unknown demo role '{role}'.");
                }

                var identity = new ClaimsIdentity(
                    [
                        new Claim(ClaimTypes.NameIdentifier, account.Subject),
                        new Claim(ClaimTypes.Name, account.Name),
                        new Claim(ClaimTypes.Email, account.Email),
                        new Claim(ClaimTypes.Role, account.Role),
                    ],
                    CookieAuthenticationDefaults.AuthenticationScheme);
                await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(identity));
                return Results.LocalRedirect(IsLocal(returnUrl) ? returnUrl! : "/");
            }).AllowAnonymous();
        }

        app.MapPost("/auth/signout", async (HttpContext context) =>
        {
            await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return Results.LocalRedirect("/signin");
        });

        return app;
    }

    private static bool IsLocal(string? url) =>
        !string.IsNullOrEmpty(url) && url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal);
}

/// <summary>Demo staff accounts for the development sign-in.</summary>
public static class DevelopmentAccounts
{
    public sealed record Account(string Subject, string Name, string Email, string Role);

    public static IReadOnlyList<Account> All { get; } =
    [
        new("dev-viewer", "Vera Viewer", "vera.viewer@example.test", StaffRoles.Viewer),
        new("dev-support", "Sam Support", "sam.support@example.test", StaffRoles.Support),
        new("dev-admin", "Ada Admin", "ada.admin@example.test", StaffRoles.Admin),
    ];

    public static Account? Find(string? role) =>
        All.FirstOrDefault(a => string.Equals(a.Role, role, StringComparison.OrdinalIgnoreCase));
}

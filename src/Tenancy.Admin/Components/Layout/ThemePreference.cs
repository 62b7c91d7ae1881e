using System.Security.Cryptography;
using System.Security.Claims;
using System.Text;
using Tenancy.Admin.Features.Staff;

namespace Tenancy.Admin.Components.Layout;

/// <summary>
/// Light or dark, known before the first byte of the page so it is drawn in the right theme at
/// once: the signed-in staff member's own choice (a cookie per user, written by the app bar's
/// toggle), else what the browser said about the system preference (the cookie
/// <c>wwwroot/theme-system.js</c> writes from <c>prefers-color-scheme</c> before the page is drawn,
/// or the <c>Sec-CH-Prefers-Color-Scheme</c> client hint, which Chromium sends once asked), else
/// unknown: then the page starts light, and the script asks for it again in dark if the system is.
/// </summary>
/// <param name="Dark">True for dark, false for light, null when nothing says.</param>
/// <param name="Chosen">True when it is the user's own choice (the system preference no longer applies).</param>
/// <param name="UserCookie">The cookie that remembers this user's choice; null when nobody is signed in.</param>
public sealed record ThemePreference(bool? Dark, bool Chosen, string? UserCookie)
{
    public const string SystemCookie = "tenancy-theme-system";
    public const string ClientHint = "Sec-CH-Prefers-Color-Scheme";
    public const string DarkValue = "dark";
    public const string LightValue = "light";

    /// <summary>The cookie that keeps one staff member's choice on this browser: named after a hash of their id.</summary>
    public static string? CookieFor(ClaimsPrincipal user)
    {
        var subject = user.FindFirst(StaffClaims.Subject)?.Value;
        if (string.IsNullOrEmpty(subject))
        {
            return null;
        }

        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(subject));
        return "tenancy-theme-" + Convert.ToHexStringLower(hash)[..16];
    }

    public static ThemePreference Of(HttpContext context)
    {
        var userCookie = CookieFor(context.User);
        if (userCookie is not null && Parse(context.Request.Cookies[userCookie]) is { } chosen)
        {
            return new ThemePreference(chosen, true, userCookie);
        }

        var system = Parse(context.Request.Cookies[SystemCookie]) ?? Parse(context.Request.Headers[ClientHint].ToString());
        return new ThemePreference(system, false, userCookie);
    }

    public static string ToValue(bool dark) => dark ? DarkValue : LightValue;

    private static bool? Parse(string? value) => value switch
    {
        DarkValue => true,
        LightValue => false,
        _ => null,
    };
}

public static class ThemeClientHint
{
    /// <summary>Asks Chromium for the system colour scheme with every page request, so the first page is drawn in it too.</summary>
    public static WebApplication UseThemeClientHint(this WebApplication app)
    {
        app.Use((context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                if (context.Response.ContentType?.StartsWith("text/html", StringComparison.Ordinal) == true)
                {
                    context.Response.Headers["Accept-CH"] = ThemePreference.ClientHint;
                    context.Response.Headers["Critical-CH"] = ThemePreference.ClientHint;
                    context.Response.Headers.Append("Vary", ThemePreference.ClientHint);
                }

                return Task.CompletedTask;
            });
            return next(context);
        });
        return app;
    }
}

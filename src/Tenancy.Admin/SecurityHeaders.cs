using Microsoft.Extensions.Options;
using Tenancy.Admin.Features.Staff;

namespace Tenancy.Admin;

/// <summary>
/// Response headers for every request: a Content Security Policy that fits Blazor Server and
/// MudBlazor (scripts only from this origin, inline styles allowed for MudBlazor's style
/// attributes, the circuit's WebSocket to this origin), no framing, no MIME sniffing, and no
/// referrer leaking tenant URLs to other sites.
/// </summary>
public static class SecurityHeaders
{
    public static IApplicationBuilder UseSecurityHeaders(this WebApplication app)
    {
        var auth = app.Services.GetRequiredService<IOptions<StaffAuthOptions>>().Value;
        // A sign-out form posts to the portal, which redirects to the provider's logout page:
        // browsers apply form-action to that redirect, so the provider's origin is allowed too.
        var formAction = "'self'";
        if (auth.IsOpenIdConnectConfigured && Uri.TryCreate(auth.Authority, UriKind.Absolute, out var authority))
        {
            formAction += " " + authority.GetLeftPart(UriPartial.Authority);
        }

        var policy = string.Join("; ",
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data:",
            "font-src 'self' data:",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action " + formAction,
            "frame-ancestors 'none'");

        return app.Use(async (context, next) =>
        {
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = policy;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()";
            headers["Cross-Origin-Opener-Policy"] = "same-origin";
            await next(context);
        });
    }
}

using Microsoft.AspNetCore.Authentication;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Tenancy.Admin.Features.Staff;

/// <summary>
/// Why a sign-in ended on the sign-in page. The link carries only a short code (and, for a
/// provider refusal, the provider's OAuth error code), never free text: a crafted link cannot put
/// words of its choosing on the portal's sign-in page. The exception itself goes to the log.
/// </summary>
public static class SignInErrors
{
    public const string Token = "token";
    public const string Refused = "refused";
    public const string Correlation = "correlation";
    public const string NoSubject = "no-subject";
    public const string Idle = "idle";
    public const string Failed = "failed";

    /// <summary>The sign-in page address for a failure.</summary>
    public static string Url(string code, string? providerError = null) =>
        "/signin?error=" + code + (IsOAuthErrorCode(providerError) ? "&provider_error=" + providerError : "");

    public static string Url(Exception? failure) => failure switch
    {
        SecurityTokenException => Url(Token),
        OpenIdConnectProtocolException { Data: var data } when data["error"] is string error => Url(Refused, error),
        AuthenticationFailureException { Message: "Correlation failed." } => Url(Correlation),
        _ => Url(Failed),
    };

    /// <summary>What the sign-in page says for a code; null when there is nothing to say.</summary>
    public static string? Message(string? code, string? providerError) => code switch
    {
        null or "" => null,
        Token => "Sign-in failed: the identity provider's answer did not pass the portal's checks (token issuer, audience, signature or lifetime). " +
                 "Ask an administrator to check the sign-in settings; the details are in the portal's log.",
        Refused when IsOAuthErrorCode(providerError) => $"Sign-in failed: the identity provider refused the sign-in ({providerError}).",
        Refused => "Sign-in failed: the identity provider refused the sign-in.",
        Correlation => "Sign-in failed: the sign-in took too long or was started in another browser tab. Try again.",
        NoSubject => "Sign-in failed: the identity provider sent no subject (sub) claim. Ask an administrator to check the provider's settings.",
        Idle => "Your session ended after a period of inactivity. Sign in again.",
        _ => "Sign-in failed. Try again; if it keeps failing, the details are in the portal's log.",
    };

    // OAuth 2.0 error codes are short ASCII tokens (access_denied, invalid_request, ...).
    private static bool IsOAuthErrorCode(string? value) =>
        value is { Length: > 0 and <= 40 } && value.All(c => c is (>= 'a' and <= 'z') or '_');
}

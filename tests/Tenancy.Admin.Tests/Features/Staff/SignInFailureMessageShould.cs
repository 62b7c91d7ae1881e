using Microsoft.AspNetCore.Authentication;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using Tenancy.Admin.Features.Staff;

namespace Tenancy.Admin.Tests.Features.Staff;

/// <summary>
/// What the sign-in page says after a failed OpenID Connect sign-in: plain words, never the
/// exception's own text (which goes to the log). The refused-token cases also run end to end
/// against a real provider in e2e/Tenancy.E2E (CompanySignInShould).
/// </summary>
public sealed class SignInFailureMessageShould
{
    [Fact]
    public void NeverShowTextFromTheLink()
    {
        Assert.Equal("Sign-in failed. Try again; if it keeps failing, the details are in the portal's log.",
            SignInErrors.Message("Your account is locked, call +1 555 0100", null));
        Assert.Equal("Sign-in failed: the identity provider refused the sign-in.",
            SignInErrors.Message(SignInErrors.Refused, "call <b>us</b> now"));
        Assert.Null(SignInErrors.Message(null, null));
    }

    /// <summary>The failure as the sign-in page shows it: through the redirect's code, as a browser would.</summary>
    private static string? Describe(Exception? failure)
    {
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(new Uri("http://portal.test" + SignInErrors.Url(failure)).Query);
        return SignInErrors.Message(query["error"], query.TryGetValue("provider_error", out var provider) ? provider.ToString() : null);
    }

    [Fact]
    public void BlameTheTokenChecksForARefusedToken()
    {
        var message = Describe(
            new SecurityTokenInvalidAudienceException("IDX10214: Audience validation failed."));

        Assert.StartsWith("Sign-in failed: the identity provider's answer did not pass the portal's checks", message, StringComparison.Ordinal);
        Assert.DoesNotContain("IDX", message, StringComparison.Ordinal);
    }

    [Fact]
    public void NameTheErrorTheProviderSent()
    {
        var refused = new OpenIdConnectProtocolException("Message contains error: 'access_denied', error_description: 'error_description is null'.");
        refused.Data["error"] = "access_denied";

        Assert.Equal("Sign-in failed: the identity provider refused the sign-in (access_denied).",
            Describe(refused));
    }

    [Fact]
    public void SuggestTryingAgainAfterALostCorrelationCookie() =>
        Assert.Equal("Sign-in failed: the sign-in took too long or was started in another browser tab. Try again.",
            Describe(new AuthenticationFailureException("Correlation failed.")));

    [Theory]
    [InlineData("OpenIdConnectAuthenticationHandler: message.State is null or empty.")]
    [InlineData(null)]
    public void FallBackToAGenericMessage(string? failure) =>
        Assert.Equal("Sign-in failed. Try again; if it keeps failing, the details are in the portal's log.",
            Describe(failure is null ? null : new AuthenticationFailureException(failure)));
}

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
    public void BlameTheTokenChecksForARefusedToken()
    {
        var message = StaffAuthenticationExtensions.DescribeSignInFailure(
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
            StaffAuthenticationExtensions.DescribeSignInFailure(refused));
    }

    [Fact]
    public void SuggestTryingAgainAfterALostCorrelationCookie() =>
        Assert.Equal("Sign-in failed: the sign-in took too long or was started in another browser tab. Try again.",
            StaffAuthenticationExtensions.DescribeSignInFailure(new AuthenticationFailureException("Correlation failed.")));

    [Theory]
    [InlineData("OpenIdConnectAuthenticationHandler: message.State is null or empty.")]
    [InlineData(null)]
    public void FallBackToAGenericMessage(string? failure) =>
        Assert.Equal("Sign-in failed. Try again; if it keeps failing, the details are in the portal's log.",
            StaffAuthenticationExtensions.DescribeSignInFailure(failure is null ? null : new AuthenticationFailureException(failure)));
}

using System.Security.Claims;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;
using static OpenIddict.Server.OpenIddictServerHandlers.Protection;

namespace Tenancy.E2E.Identity;

/// <summary>
/// Spoils the id token of the users whose <see cref="TestUser.Fault"/> says so, the way a
/// misconfigured or hostile provider would: it runs in OpenIddict's token generation pipeline
/// after the built-in <see cref="AttachTokenMetadata"/> filled in the security token descriptor
/// (issuer, audience, lifetimes) and before <see cref="GenerateIdentityModelToken"/> signs it, so
/// the token is otherwise genuine and correctly signed.
/// </summary>
public sealed class TokenFaults : IOpenIddictServerHandler<GenerateTokenContext>
{
    public const string WrongAudience = "some-other-client";
    public const string WrongIssuer = "http://issuer.invalid/";

    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<GenerateTokenContext>()
            .UseSingletonHandler<TokenFaults>()
            .SetOrder(AttachTokenMetadata.Descriptor.Order + 500)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(GenerateTokenContext context)
    {
        if (context.TokenType != TokenTypeIdentifiers.IdentityToken)
        {
            return default;
        }

        var user = TestUsers.FindBySubject(context.Principal.FindFirst(Claims.Subject)?.Value);
        var descriptor = context.SecurityTokenDescriptor;
        switch (user?.Fault)
        {
            case TokenFault.WrongAudience:
                descriptor.Audience = WrongAudience;
                Replace(descriptor.Claims, Claims.Audience, WrongAudience);
                RemoveAll(descriptor.Subject, Claims.Audience);
                break;
            case TokenFault.WrongIssuer:
                descriptor.Issuer = WrongIssuer;
                Replace(descriptor.Claims, Claims.Issuer, WrongIssuer);
                RemoveAll(descriptor.Subject, Claims.Issuer);
                break;
        }

        return default;
    }

    private static void Replace(IDictionary<string, object>? claims, string type, string value)
    {
        if (claims is not null && claims.ContainsKey(type))
        {
            claims[type] = value;
        }
    }

    private static void RemoveAll(ClaimsIdentity? identity, string type)
    {
        foreach (var claim in identity?.FindAll(type).ToList() ?? [])
        {
            identity!.RemoveClaim(claim);
        }
    }
}

using Tenancy.Core.Features.Staff;

namespace Tenancy.Admin.Features.Staff;

/// <summary>The <c>Auth</c> configuration section: the company's OpenID Connect provider and role mapping.</summary>
public sealed class StaffAuthOptions
{
    public const string SectionName = "Auth";

    /// <summary>Issuer URL of the provider (Entra ID, Okta, Keycloak, Auth0, ...).</summary>
    public string? Authority { get; set; }

    public string? ClientId { get; set; }

    public string? ClientSecret { get; set; }

    /// <summary>Scopes to request; empty means <c>openid profile email</c>.</summary>
    public string[] Scopes { get; set; } = [];

    /// <summary>The claim that carries the provider's roles or groups.</summary>
    public string RoleClaim { get; set; } = "roles";

    /// <summary>Which of the provider's role/group values grant each portal role (default: the role's own name).</summary>
    public RoleMap Roles { get; set; } = new();

    /// <summary>A session ends after this long without a request.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Require https for the provider's metadata (turn off only for a provider on loopback in tests).</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    public bool IsOpenIdConnectConfigured => !string.IsNullOrWhiteSpace(Authority) && !string.IsNullOrWhiteSpace(ClientId);

    public IReadOnlyList<string> EffectiveScopes => Scopes.Length > 0 ? Scopes : ["openid", "profile", "email"];

    /// <summary>The keys production needs and does not have.</summary>
    public IReadOnlyList<string> MissingProductionKeys()
    {
        var missing = new List<string>();
        if (string.IsNullOrWhiteSpace(Authority))
        {
            missing.Add("Auth:Authority");
        }

        if (string.IsNullOrWhiteSpace(ClientId))
        {
            missing.Add("Auth:ClientId");
        }

        if (string.IsNullOrWhiteSpace(ClientSecret))
        {
            missing.Add("Auth:ClientSecret");
        }

        return missing;
    }

    /// <summary>The portal roles a set of provider values grants.</summary>
    public IReadOnlySet<StaffRole> MapRoles(IEnumerable<string> providerValues)
    {
        var values = providerValues.ToHashSet(StringComparer.OrdinalIgnoreCase);
        var roles = new HashSet<StaffRole>();
        foreach (var role in Enum.GetValues<StaffRole>())
        {
            if (Roles.ValuesFor(role).Any(values.Contains))
            {
                roles.Add(role);
            }
        }

        return roles;
    }

    public sealed class RoleMap
    {
        public string[] Viewer { get; set; } = [];

        public string[] Support { get; set; } = [];

        public string[] Admin { get; set; } = [];

        public IReadOnlyList<string> ValuesFor(StaffRole role)
        {
            var configured = role switch
            {
                StaffRole.Viewer => Viewer,
                StaffRole.Support => Support,
                _ => Admin,
            };
            return configured.Length > 0 ? configured : [role.ToString()];
        }
    }
}

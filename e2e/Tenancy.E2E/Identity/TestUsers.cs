namespace Tenancy.E2E.Identity;

/// <summary>What the provider does wrong, on purpose, when it signs a user in.</summary>
public enum TokenFault
{
    None,

    /// <summary>The id token names another client as its audience.</summary>
    WrongAudience,

    /// <summary>The id token names another issuer than the one in the discovery document.</summary>
    WrongIssuer,
}

/// <summary>A person the test identity provider knows. <see cref="Roles"/> go out as the <c>roles</c> claim.</summary>
public sealed record TestUser(string UserName, string Name, IReadOnlyList<string> Roles, TokenFault Fault = TokenFault.None)
{
    public string Subject => "idp-" + UserName;

    public string Email => UserName + "@idp.example.test";
}

/// <summary>
/// The provider's users. The portal under test maps <c>Viewer</c>, <c>Support</c> and
/// <c>Admin</c> to its roles, and also the group-style value <c>staff-support</c> to Support
/// (see <c>PortalAppFactory</c>).
/// </summary>
public static class TestUsers
{
    public static TestUser Vera { get; } = new("vera", "Vera Lindqvist", ["Viewer"]);

    public static TestUser Sam { get; } = new("sam", "Sam Okafor", ["Support"]);

    public static TestUser Ada { get; } = new("ada", "Ada Novak", ["Admin"]);

    /// <summary>Sends no <c>roles</c> claim at all.</summary>
    public static TestUser Nico { get; } = new("nico", "Nico Brandt", []);

    /// <summary>A directory group rather than a portal role name, mapped to Support by configuration.</summary>
    public static TestUser Gus { get; } = new("gus", "Gus Keller", ["staff-support"]);

    public static TestUser BadAudience { get; } = new("badaud", "Bea Badaud", ["Admin"], TokenFault.WrongAudience);

    public static TestUser BadIssuer { get; } = new("badiss", "Ivo Badiss", ["Admin"], TokenFault.WrongIssuer);

    public static IReadOnlyList<TestUser> All { get; } = [Vera, Sam, Ada, Nico, Gus, BadAudience, BadIssuer];

    public static TestUser? FindByUserName(string? userName) =>
        All.FirstOrDefault(u => string.Equals(u.UserName, userName?.Trim(), StringComparison.OrdinalIgnoreCase));

    public static TestUser? FindBySubject(string? subject) =>
        All.FirstOrDefault(u => string.Equals(u.Subject, subject, StringComparison.Ordinal));
}

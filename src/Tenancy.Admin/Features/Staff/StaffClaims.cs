using System.Security.Claims;
using System.Text.Json;
using Tenancy.Core.Features.Staff;

namespace Tenancy.Admin.Features.Staff;

/// <summary>
/// The claims a staff session carries, whatever signed it in: <c>sub</c>, <c>name</c>,
/// <c>email</c>, and one <see cref="ClaimTypes.Role"/> claim per portal role.
/// </summary>
public static class StaffClaims
{
    public const string Subject = "sub";
    public const string Name = "name";
    public const string Email = "email";
    public const string Role = ClaimTypes.Role;

    public static ClaimsIdentity CreateIdentity(string authenticationType, string subject, string name, string? email, IEnumerable<StaffRole> roles)
    {
        var claims = new List<Claim> { new(Subject, subject), new(Name, name) };
        if (email is not null)
        {
            claims.Add(new Claim(Email, email));
        }

        claims.AddRange(roles.Select(r => new Claim(Role, r.ToString())));
        return new ClaimsIdentity(claims, authenticationType, Name, Role);
    }

    /// <summary>The member of staff behind a request or circuit.</summary>
    public static StaffActor ToActor(ClaimsPrincipal user)
    {
        var subject = user.FindFirst(Subject)?.Value ?? user.FindFirst(ClaimTypes.NameIdentifier)?.Value ?? "unknown";
        var email = user.FindFirst(Email)?.Value ?? user.FindFirst(ClaimTypes.Email)?.Value;
        var name = user.Identity?.Name ?? email ?? subject;
        var roles = user.FindAll(Role)
            .Select(c => Enum.TryParse<StaffRole>(c.Value, out var role) ? role : (StaffRole?)null)
            .OfType<StaffRole>()
            .ToHashSet();
        return new StaffActor(subject, name, email, roles);
    }

    /// <summary>The highest portal role, for display.</summary>
    public static string RoleLabel(ClaimsPrincipal user) =>
        ToActor(user).Roles is { Count: > 0 } roles ? roles.Max().ToString() : "No role";

    /// <summary>
    /// Values of the provider's role claim. Providers send either one claim per value or one
    /// claim holding a JSON array; both are read.
    /// </summary>
    public static IEnumerable<string> ProviderValues(ClaimsPrincipal user, string claimType)
    {
        foreach (var claim in user.FindAll(claimType))
        {
            var value = claim.Value.Trim();
            if (value.StartsWith('['))
            {
                string[]? values = null;
                try
                {
                    values = JsonSerializer.Deserialize<string[]>(value);
                }
                catch (JsonException)
                {
                    // Not a JSON array after all: treat it as a plain value below.
                }

                if (values is not null)
                {
                    foreach (var item in values)
                    {
                        yield return item;
                    }

                    continue;
                }
            }

            yield return value;
        }
    }
}

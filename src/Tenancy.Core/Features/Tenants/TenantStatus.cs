namespace Tenancy.Core.Features.Tenants;

/// <summary>Lifecycle status shown on the tenant list; stored as a bounded string.</summary>
public enum TenantStatus
{
    Trial,
    Active,
    PastDue,
    Suspended,
    Deleted,
}

public static class TenantStatusNames
{
    /// <summary>The value used in URLs (<c>past-due</c>).</summary>
    public static string ToSlug(this TenantStatus status) => status switch
    {
        TenantStatus.Trial => "trial",
        TenantStatus.Active => "active",
        TenantStatus.PastDue => "past-due",
        TenantStatus.Suspended => "suspended",
        TenantStatus.Deleted => "deleted",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    /// <summary>The label shown to staff (<c>Past due</c>).</summary>
    public static string ToLabel(this TenantStatus status) => status switch
    {
        TenantStatus.PastDue => "Past due",
        _ => status.ToString(),
    };

    public static bool TryParseSlug(string? value, out TenantStatus status)
    {
        foreach (var candidate in Enum.GetValues<TenantStatus>())
        {
            if (string.Equals(candidate.ToSlug(), value, StringComparison.OrdinalIgnoreCase))
            {
                status = candidate;
                return true;
            }
        }

        status = default;
        return false;
    }
}

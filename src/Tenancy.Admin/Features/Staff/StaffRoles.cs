namespace Tenancy.Admin.Features.Staff;

/// <summary>Portal roles. Each includes what the one before it may do.</summary>
public static class StaffRoles
{
    public const string Viewer = "Viewer";
    public const string Support = "Support";
    public const string Admin = "Admin";

    public static IReadOnlyList<string> All { get; } = [Viewer, Support, Admin];
}

/// <summary>Named authorization policies, by capability. Pages and endpoints declare the one they need.</summary>
public static class StaffPolicies
{
    /// <summary>Read the tenant list and tenant pages.</summary>
    public const string ViewTenants = "ViewTenants";
}

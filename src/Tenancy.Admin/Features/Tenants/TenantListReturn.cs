namespace Tenancy.Admin.Features.Tenants;

/// <summary>Remembers, per circuit, the tenant list view a tenant page was opened from, for "Back to tenants".</summary>
public sealed class TenantListReturn
{
    public string Url { get; set; } = TenantListUrl.Path;
}

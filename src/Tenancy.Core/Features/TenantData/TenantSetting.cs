namespace Tenancy.Core.Features.TenantData;

/// <summary>A key/value setting a tenant's admins change in the product (time zone, locale, ...).</summary>
public sealed class TenantSetting : ITenantOwned
{
    public Guid TenantId { get; init; }

    public required string Key { get; init; }

    public required string Value { get; set; }

    public DateTime UpdatedAt { get; set; }
}

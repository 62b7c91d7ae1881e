namespace Tenancy.Core.Features.Tenants;

/// <summary>
/// Global uniqueness of tenant slugs. The tenants table is distributed by id on Citus, where a
/// unique index on <c>slug</c> alone is not allowed; this small table keyed by the slug is.
/// Exact "jump to slug" lookups go through its primary key.
/// </summary>
public sealed class TenantSlug
{
    public required string Slug { get; init; }

    public Guid TenantId { get; init; }
}

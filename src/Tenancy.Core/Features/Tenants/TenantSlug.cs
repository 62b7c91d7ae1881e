namespace Tenancy.Core.Features.Tenants;

/// <summary>
/// Global uniqueness of tenant slugs, in a small table keyed by the slug: it would stay correct
/// if the catalog were ever sharded by id (where a unique index on <c>slug</c> alone is not
/// allowed). On Citus today both stay on the coordinator (decision 0006).
/// Exact "jump to slug" lookups go through its primary key.
/// </summary>
public sealed class TenantSlug
{
    public required string Slug { get; init; }

    public Guid TenantId { get; init; }
}

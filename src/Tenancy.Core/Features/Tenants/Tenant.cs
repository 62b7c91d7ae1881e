using Tenancy.Core.Features.Plans;

namespace Tenancy.Core.Features.Tenants;

/// <summary>
/// A tenant organisation in the catalog. Control plane: a per-tenant restore never rewinds it.
/// On Citus a plain table on the coordinator with the rest of the control plane (decision 0006).
/// Nothing unique is declared here except the key, so the catalog could also be sharded by
/// <see cref="Id"/> (the first design): slug uniqueness lives in <see cref="TenantSlug"/>.
/// </summary>
public sealed class Tenant
{
    public const int NameMaxLength = 200;
    public const int SlugMaxLength = 100;
    public const int EmailMaxLength = 254;
    public const int StripeIdMaxLength = 64;

    public Guid Id { get; init; } = Guid.CreateVersion7();

    public required string Name { get; set; }

    public required string Slug { get; set; }

    public required string OwnerName { get; set; }

    public required string OwnerEmail { get; set; }

    public TenantStatus Status { get; set; } = TenantStatus.Trial;

    public required string PlanId { get; set; }

    public Plan? Plan { get; set; }

    public required string Region { get; set; }

    /// <summary>Stripe customer id (<c>cus_…</c>); absent for tenants that never had billing.</summary>
    public string? StripeCustomerId { get; set; }

    /// <summary>Stripe subscription id (<c>sub_…</c>).</summary>
    public string? StripeSubscriptionId { get; set; }

    /// <summary>
    /// The restore queued or running for this tenant, if any (set when staff request it, cleared
    /// when it ends). While set the tenant is denied writes (<c>TenantAccess.DenialFor</c>): what
    /// it wrote now would be undone by the restore anyway.
    /// </summary>
    public Guid? RestoreJobId { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime UpdatedAt { get; set; }

    /// <summary>
    /// Lower-cased name, slug and owner email, computed by the database (a stored generated
    /// column). Substring search runs against it; on PostgreSQL through a trigram GIN index.
    /// </summary>
    public string SearchText { get; private set; } = "";
}

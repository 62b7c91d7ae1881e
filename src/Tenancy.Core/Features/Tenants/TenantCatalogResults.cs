namespace Tenancy.Core.Features.Tenants;

/// <summary>One row of the tenant list.</summary>
public sealed record TenantListItem(
    Guid Id,
    string Name,
    string Slug,
    string OwnerName,
    string OwnerEmail,
    TenantStatus Status,
    string PlanId,
    string Region,
    DateTime CreatedAt);

/// <summary>A page of the tenant list with the cursors to move from it.</summary>
public sealed record TenantPage(
    IReadOnlyList<TenantListItem> Items,
    string? PreviousCursor,
    string? NextCursor)
{
    public bool HasPrevious => PreviousCursor is not null;

    public bool HasNext => NextCursor is not null;
}

public enum TenantCountKind
{
    /// <summary>The exact number.</summary>
    Exact,

    /// <summary>The planner's estimate: cheap, usually within a few percent.</summary>
    Estimate,

    /// <summary>At least this many (a search stops counting at a cap).</summary>
    AtLeast,
}

public sealed record TenantCount(long Value, TenantCountKind Kind);

public enum ExactMatchKind
{
    Id,
    Slug,
    StripeCustomerId,
}

/// <summary>A tenant whose id, slug or Stripe customer id equals the search text.</summary>
public sealed record TenantExactMatch(Guid Id, string Name, string Slug, ExactMatchKind Kind);

/// <summary>Everything the tenant overview shows.</summary>
public sealed record TenantDetails(
    Guid Id,
    string Name,
    string Slug,
    TenantStatus Status,
    string PlanId,
    string PlanName,
    string Region,
    string OwnerName,
    string OwnerEmail,
    string? StripeCustomerId,
    string? StripeSubscriptionId,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    int MemberCount,
    int ProjectCount);

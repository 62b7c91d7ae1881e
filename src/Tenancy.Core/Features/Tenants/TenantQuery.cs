namespace Tenancy.Core.Features.Tenants;

public enum TenantSort
{
    Name,
    Created,
}

public enum SortDirection
{
    Ascending,
    Descending,
}

public enum PageKind
{
    First,
    After,
    Before,
    Last,
}

/// <summary>Which page of a keyset-paged list: the first, the last, or the one after/before a cursor.</summary>
public sealed record PageRequest(PageKind Kind, string? Cursor = null)
{
    public static PageRequest First { get; } = new(PageKind.First);

    public static PageRequest Last { get; } = new(PageKind.Last);

    public static PageRequest After(string cursor) => new(PageKind.After, cursor);

    public static PageRequest Before(string cursor) => new(PageKind.Before, cursor);
}

/// <summary>What the tenant list asks for: search, filters, sort and position.</summary>
public sealed record TenantQuery
{
    public const int MaxSearchLength = 200;

    /// <summary>Substring search needs this many characters (trigram indexes cannot help below it).</summary>
    public const int MinSubstringLength = 3;

    public const int DefaultPageSize = 50;

    public const int MaxPageSize = 200;

    public string? Search { get; init; }

    public TenantStatus? Status { get; init; }

    /// <summary>
    /// Leaves deleted tenants out unless <see cref="Status"/> asks for them. False (every status)
    /// unless set; the tenant list sets it by default (its "Include deleted" switch turns it off).
    /// </summary>
    public bool HideDeleted { get; init; }

    public string? PlanId { get; init; }

    public string? Region { get; init; }

    public TenantSort Sort { get; init; } = TenantSort.Name;

    public SortDirection Direction { get; init; } = SortDirection.Ascending;

    public PageRequest Page { get; init; } = PageRequest.First;

    public int PageSize { get; init; } = DefaultPageSize;

    /// <summary>The trimmed search text, or null when there is none.</summary>
    public string? SearchTerm => string.IsNullOrWhiteSpace(Search) ? null : Search.Trim();

    /// <summary>True when the search is long enough to filter the list by substring.</summary>
    public bool HasSubstringSearch => SearchTerm is { Length: >= MinSubstringLength };

    /// <summary>Problems a member of staff can fix, in words they understand; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Search is { Length: > MaxSearchLength })
        {
            errors.Add($"Search text can be at most {MaxSearchLength} characters (it has {Search.Length}).");
        }

        if (PageSize is < 1 or > MaxPageSize)
        {
            errors.Add($"Page size must be between 1 and {MaxPageSize}.");
        }

        if (Region is not null && !Regions.IsKnown(Region))
        {
            errors.Add($"Unknown region '{Region}'.");
        }

        if (Page.Kind is PageKind.After or PageKind.Before && !TenantCursor.TryDecode(Sort, Page.Cursor, out _))
        {
            errors.Add("The page position in the link is not valid.");
        }

        return errors;
    }
}

/// <summary>Thrown when a <see cref="TenantQuery"/> fails <see cref="TenantQuery.Validate"/>.</summary>
public sealed class TenantQueryValidationException(IReadOnlyList<string> errors)
    : ArgumentException(string.Join(" ", errors))
{
    public IReadOnlyList<string> Errors { get; } = errors;
}

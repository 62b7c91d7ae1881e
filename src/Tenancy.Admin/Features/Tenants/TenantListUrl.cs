using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;
using Tenancy.Admin.Components;
using Tenancy.Core.Features.Tenants;

namespace Tenancy.Admin.Features.Tenants;

/// <summary>
/// The tenant list's state in the query string, so a copied link reproduces the view:
/// <c>/tenants?q=acme&amp;status=active&amp;plan=pro&amp;region=eu-west&amp;deleted=include&amp;sort=created&amp;dir=desc&amp;after=…</c>.
/// Deleted tenants are hidden unless the link says <c>deleted=include</c> (or its status filter is Deleted).
/// Parsing never throws: anything it does not understand falls back to the default and is
/// reported in <see cref="Parsed.Notices"/>.
/// </summary>
public static class TenantListUrl
{
    public const string Path = "/tenants";

    public static readonly int[] PageSizes = [25, 50, 100];

    /// <summary>The list with nothing chosen: every tenant but the deleted ones, by name, first page.</summary>
    public static TenantQuery Default { get; } = new() { HideDeleted = true };

    public sealed record Parsed(TenantQuery Query, IReadOnlyList<string> Notices);

    public static Parsed Parse(string uri, IReadOnlyCollection<string> knownPlans)
    {
        var queryString = new Uri(uri, UriKind.Absolute).Query;
        var values = QueryHelpers.ParseQuery(queryString);
        var notices = new List<string>();
        var query = Default;

        var search = Single(values, "q");
        if (search is { Length: > TenantQuery.MaxSearchLength })
        {
            notices.Add($"The search in the link was longer than {TenantQuery.MaxSearchLength} characters and was cleared.");
        }
        else if (!string.IsNullOrWhiteSpace(search))
        {
            query = query with { Search = search };
        }

        if (Single(values, "status") is { } status)
        {
            if (TenantStatusNames.TryParseSlug(status, out var parsed))
            {
                query = query with { Status = parsed };
            }
            else
            {
                notices.Add($"Unknown status '{status}' was ignored.");
            }
        }

        if (Single(values, "plan") is { } plan)
        {
            if (knownPlans.Contains(plan))
            {
                query = query with { PlanId = plan };
            }
            else
            {
                notices.Add($"Unknown plan '{plan}' was ignored.");
            }
        }

        if (Single(values, "region") is { } region)
        {
            if (Regions.IsKnown(region))
            {
                query = query with { Region = region };
            }
            else
            {
                notices.Add($"Unknown region '{region}' was ignored.");
            }
        }

        switch (Single(values, "deleted"))
        {
            case null:
                break;
            case "include":
                query = query with { HideDeleted = false };
                break;
            case var other:
                notices.Add($"Unknown value '{other}' for deleted tenants was ignored; they are hidden.");
                break;
        }

        switch (Single(values, "sort"))
        {
            case null or "name":
                break;
            case "created":
                query = query with { Sort = TenantSort.Created };
                break;
            case var other:
                notices.Add($"Unknown sort '{other}' was replaced by name.");
                break;
        }

        switch (Single(values, "dir"))
        {
            case null or "asc":
                break;
            case "desc":
                query = query with { Direction = SortDirection.Descending };
                break;
            case var other:
                notices.Add($"Unknown sort direction '{other}' was replaced by ascending.");
                break;
        }

        if (Single(values, "size") is { } size)
        {
            if (int.TryParse(size, out var pageSize) && PageSizes.Contains(pageSize))
            {
                query = query with { PageSize = pageSize };
            }
            else
            {
                notices.Add($"Page size '{size}' is not one of {string.Join(", ", PageSizes)} and was replaced by {TenantQuery.DefaultPageSize}.");
            }
        }

        var after = Single(values, "after");
        var before = Single(values, "before");
        var page = Single(values, "page");
        if (after is not null && before is null && page is null)
        {
            query = TenantCursor.TryDecode(query.Sort, after, out _)
                ? query with { Page = PageRequest.After(after) }
                : WithNotice(query, notices, "The page position in the link was not valid; showing the first page.");
        }
        else if (before is not null && after is null && page is null)
        {
            query = TenantCursor.TryDecode(query.Sort, before, out _)
                ? query with { Page = PageRequest.Before(before) }
                : WithNotice(query, notices, "The page position in the link was not valid; showing the first page.");
        }
        else if (page == "last" && after is null && before is null)
        {
            query = query with { Page = PageRequest.Last };
        }
        else if (after is not null || before is not null || page is not null)
        {
            notices.Add("The page position in the link was not valid; showing the first page.");
        }

        LinkParameters.AddNotices(values, KnownKeys, notices);

        return new Parsed(query, notices);
    }

    /// <summary>The relative URL of a view; defaults are left out so links stay short.</summary>
    public static string Format(TenantQuery query)
    {
        var parameters = new List<KeyValuePair<string, string?>>();
        if (query.SearchTerm is { } term)
        {
            parameters.Add(new("q", term));
        }

        if (query.Status is { } status)
        {
            parameters.Add(new("status", status.ToSlug()));
        }

        if (query.PlanId is { } plan)
        {
            parameters.Add(new("plan", plan));
        }

        if (query.Region is { } region)
        {
            parameters.Add(new("region", region));
        }

        // A status filter decides by itself whether deleted tenants show (only Deleted shows them).
        if (!query.HideDeleted && query.Status is null)
        {
            parameters.Add(new("deleted", "include"));
        }

        if (query.Sort == TenantSort.Created)
        {
            parameters.Add(new("sort", "created"));
        }

        if (query.Direction == SortDirection.Descending)
        {
            parameters.Add(new("dir", "desc"));
        }

        if (query.PageSize != TenantQuery.DefaultPageSize)
        {
            parameters.Add(new("size", query.PageSize.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        switch (query.Page.Kind)
        {
            case PageKind.After:
                parameters.Add(new("after", query.Page.Cursor));
                break;
            case PageKind.Before:
                parameters.Add(new("before", query.Page.Cursor));
                break;
            case PageKind.Last:
                parameters.Add(new("page", "last"));
                break;
        }

        return QueryHelpers.AddQueryString(Path, parameters);
    }

    private static readonly HashSet<string> KnownKeys =
        ["q", "status", "plan", "region", "deleted", "sort", "dir", "size", "after", "before", "page"];

    private static string? Single(Dictionary<string, StringValues> values, string key) =>
        values.TryGetValue(key, out var value) && value.Count > 0 ? value[0] : null;

    private static TenantQuery WithNotice(TenantQuery query, List<string> notices, string notice)
    {
        notices.Add(notice);
        return query;
    }
}

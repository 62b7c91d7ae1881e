using Tenancy.Core.Features.Tenants;

namespace Tenancy.Core.Tests.Features.Tenants;

/// <summary>Walks the tenant list page by page, the way the portal's pager does.</summary>
public static class CatalogPaging
{
    /// <summary>First page, then Next until there is none. Fails instead of looping forever.</summary>
    public static async Task<List<TenantPage>> PageForwardAsync(this TenantCatalog catalog, TenantQuery query, CancellationToken cancellationToken)
    {
        var pages = new List<TenantPage> { await catalog.BrowseAsync(query with { Page = PageRequest.First }, cancellationToken) };
        while (pages[^1].NextCursor is { } next)
        {
            Assert.True(pages.Count < 1_000, "Paging forward never ends: a cursor leads back to an earlier page.");
            pages.Add(await catalog.BrowseAsync(query with { Page = PageRequest.After(next) }, cancellationToken));
        }

        return pages;
    }

    /// <summary>Last page, then Previous until there is none. Fails instead of looping forever.</summary>
    public static async Task<List<TenantPage>> PageBackwardAsync(this TenantCatalog catalog, TenantQuery query, CancellationToken cancellationToken)
    {
        var pages = new List<TenantPage> { await catalog.BrowseAsync(query with { Page = PageRequest.Last }, cancellationToken) };
        while (pages[^1].PreviousCursor is { } previous)
        {
            Assert.True(pages.Count < 1_000, "Paging backward never ends: a cursor leads back to a later page.");
            pages.Add(await catalog.BrowseAsync(query with { Page = PageRequest.Before(previous) }, cancellationToken));
        }

        return pages;
    }

    /// <summary>Every row of the list in display order, fetched page by page.</summary>
    public static async Task<List<TenantListItem>> ListAllAsync(this TenantCatalog catalog, TenantQuery query, CancellationToken cancellationToken) =>
        (await catalog.PageForwardAsync(query, cancellationToken)).SelectMany(p => p.Items).ToList();

    public static List<Guid> Ids(this IEnumerable<TenantListItem> items) => items.Select(i => i.Id).ToList();

    public static List<Guid> Ids(this IEnumerable<TenantRow> rows) => rows.Select(r => r.Id).ToList();
}

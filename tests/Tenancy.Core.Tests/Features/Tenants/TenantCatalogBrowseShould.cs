using Tenancy.Core.Features.Plans;
using Tenancy.Core.Features.Tenants;
using Tenancy.Core.Tests.Infrastructure;

namespace Tenancy.Core.Tests.Features.Tenants;

/// <summary>The tenant list: order, keyset paging in both directions, filters.</summary>
public abstract class TenantCatalogBrowseShould(TestDatabase database) : IAsyncLifetime
{
    private const int PageSize = 7;

    private readonly TenantCatalog catalog = new(database.ContextFactory);

    public static TheoryData<TenantSort, SortDirection> Sorts { get; } = new()
    {
        { TenantSort.Name, SortDirection.Ascending },
        { TenantSort.Name, SortDirection.Descending },
        { TenantSort.Created, SortDirection.Ascending },
        { TenantSort.Created, SortDirection.Descending },
    };

    private static IReadOnlyList<TenantRow> All => TenantCatalogTestData.Tenants;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() =>
        new(database.SeedOnceAsync(nameof(TenantCatalogTestData), TenantCatalogTestData.SeedAsync, Cancellation));

    public ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }

    [Theory]
    [MemberData(nameof(Sorts))]
    public async Task ListEveryRowInATotalAndStableOrder(TenantSort sort, SortDirection direction)
    {
        var query = new TenantQuery { Sort = sort, Direction = direction, PageSize = TenantQuery.MaxPageSize };

        var first = await catalog.BrowseAsync(query, Cancellation);
        var second = await catalog.BrowseAsync(query, Cancellation);

        Assert.Equal(All.Ordered(sort, direction).Ids(), first.Items.Ids());
        Assert.Equal(first.Items.Ids(), second.Items.Ids());
        Assert.False(first.HasPrevious);
        Assert.False(first.HasNext);
    }

    [Theory]
    [MemberData(nameof(Sorts))]
    public async Task ExportAViewInItsOrderAcrossPagesUpToTheLimit(TenantSort sort, SortDirection direction)
    {
        var query = new TenantQuery { Sort = sort, Direction = direction };

        var capped = await catalog.ExportAsync(query, 40, Cancellation, pageSize: 7).ToListAsync(Cancellation);
        var whole = await catalog.ExportAsync(query, All.Count + 10, Cancellation, pageSize: 7).ToListAsync(Cancellation);

        Assert.Equal(All.Ordered(sort, direction).Ids().Take(40), capped.Ids());
        Assert.Equal(All.Ordered(sort, direction).Ids(), whole.Ids());
    }

    [Fact]
    public async Task ReturnTheStoredValuesOfEachRow()
    {
        var page = await catalog.BrowseAsync(new TenantQuery { PageSize = TenantQuery.MaxPageSize }, Cancellation);

        var expected = All.ToDictionary(t => t.Id);
        Assert.Equal(All.Count, page.Items.Count);
        foreach (var item in page.Items)
        {
            var row = expected[item.Id];
            Assert.Equal(
                new TenantListItem(row.Id, row.Name, row.Slug, row.OwnerName, row.OwnerEmail, row.Status, row.PlanId, row.Region, row.CreatedAt),
                item);
            Assert.Equal(DateTimeKind.Utc, item.CreatedAt.Kind);
        }
    }

    [Theory]
    [MemberData(nameof(Sorts))]
    public async Task VisitEveryRowOnceInOrderWhenPagingForward(TenantSort sort, SortDirection direction)
    {
        var query = new TenantQuery { Sort = sort, Direction = direction, PageSize = PageSize };

        var pages = await catalog.PageForwardAsync(query, Cancellation);

        Assert.Equal(All.Ordered(sort, direction).Ids(), pages.SelectMany(p => p.Items).Ids());
        Assert.Equal((All.Count + PageSize - 1) / PageSize, pages.Count);
        Assert.All(pages[..^1], p => Assert.Equal(PageSize, p.Items.Count));
        Assert.False(pages[0].HasPrevious);
        Assert.All(pages[1..], p => Assert.True(p.HasPrevious));
        Assert.All(pages[..^1], p => Assert.True(p.HasNext));
    }

    [Theory]
    [MemberData(nameof(Sorts))]
    public async Task VisitEveryRowOnceInReverseWhenPagingBackFromTheEnd(TenantSort sort, SortDirection direction)
    {
        var query = new TenantQuery { Sort = sort, Direction = direction, PageSize = PageSize };

        var pages = await catalog.PageBackwardAsync(query, Cancellation);

        var visited = pages.SelectMany(p => p.Items.Reverse()).Ids();
        var expected = All.Ordered(sort, direction).Ids();
        expected.Reverse();
        Assert.Equal(expected, visited);

        // The last page is a full page; the short one is at the front when paging backwards.
        Assert.Equal(PageSize, pages[0].Items.Count);
        Assert.Equal(All.Count % PageSize, pages[^1].Items.Count);
        Assert.False(pages[0].HasNext);
        Assert.All(pages[1..], p => Assert.True(p.HasNext));
        Assert.All(pages[..^1], p => Assert.True(p.HasPrevious));
        Assert.False(pages[^1].HasPrevious);
    }

    [Theory]
    [MemberData(nameof(Sorts))]
    public async Task ReturnTheSamePageAfterNextThenPrevious(TenantSort sort, SortDirection direction)
    {
        var query = new TenantQuery { Sort = sort, Direction = direction, PageSize = PageSize };
        var pages = await catalog.PageForwardAsync(query, Cancellation);

        foreach (var page in pages[..^1])
        {
            var next = await catalog.BrowseAsync(query with { Page = PageRequest.After(page.NextCursor!) }, Cancellation);
            var back = await catalog.BrowseAsync(query with { Page = PageRequest.Before(next.PreviousCursor!) }, Cancellation);

            Assert.Equal(page.Items, back.Items);
            Assert.Equal(page.HasPrevious, back.HasPrevious);
            Assert.True(back.HasNext);
        }
    }

    public static TheoryData<TenantStatus?, string?, string?> Filters { get; } = new()
    {
        { null, null, null },
        { TenantStatus.Active, null, null },
        { TenantStatus.PastDue, null, null },
        { null, PlanCatalog.Professional, null },
        { null, null, "eu-west" },
        { TenantStatus.Trial, PlanCatalog.Free, null },
        { TenantStatus.Suspended, null, "us-east" },
        { null, PlanCatalog.Enterprise, "ap-southeast" },
        { TenantStatus.Active, PlanCatalog.Starter, "eu-central" },
        { TenantStatus.Active, PlanCatalog.Free, "us-east" }, // matches nothing
    };

    [Theory]
    [MemberData(nameof(Filters))]
    public async Task CombineFiltersAndCountTheirMatches(TenantStatus? status, string? planId, string? region)
    {
        var expected = All
            .Where(t => status is null || t.Status == status)
            .Where(t => planId is null || t.PlanId == planId)
            .Where(t => region is null || t.Region == region)
            .ToList();

        foreach (var (sort, direction) in new[] { (TenantSort.Name, SortDirection.Ascending), (TenantSort.Created, SortDirection.Descending) })
        {
            var query = new TenantQuery { Status = status, PlanId = planId, Region = region, Sort = sort, Direction = direction, PageSize = 3 };
            var listed = await catalog.ListAllAsync(query, Cancellation);
            Assert.Equal(expected.Ordered(sort, direction).Ids(), listed.Ids());
        }

        var count = await catalog.CountAsync(new TenantQuery { Status = status, PlanId = planId, Region = region }, Cancellation);
        Assert.Equal(new TenantCount(expected.Count, TenantCountKind.Exact), count);
    }

    [Theory]
    [MemberData(nameof(Sorts))]
    public async Task HideDeletedTenantsInOrderOnEveryPageAndInTheExport(TenantSort sort, SortDirection direction)
    {
        var expected = All.Where(t => t.Status != TenantStatus.Deleted).ToList().Ordered(sort, direction).Ids();
        Assert.NotEqual(All.Count, expected.Count);
        var query = new TenantQuery { HideDeleted = true, Sort = sort, Direction = direction, PageSize = PageSize };

        var forward = await catalog.PageForwardAsync(query, Cancellation);
        var backward = await catalog.PageBackwardAsync(query, Cancellation);
        var exported = await catalog.ExportAsync(query, All.Count, Cancellation, pageSize: PageSize).ToListAsync(Cancellation);

        Assert.Equal(expected, forward.SelectMany(p => p.Items).Ids());
        Assert.Equal(expected, backward.AsEnumerable().Reverse().SelectMany(p => p.Items).Ids());
        Assert.Equal(expected, exported.Ids());
        Assert.Equal(new TenantCount(expected.Count, TenantCountKind.Exact), await catalog.CountAsync(query, Cancellation));
    }

    [Fact]
    public async Task ListDeletedTenantsWhenTheStatusFilterAsksForThemWhileHidingThem()
    {
        var deleted = All.Where(t => t.Status == TenantStatus.Deleted).ToList().Ordered(TenantSort.Name, SortDirection.Ascending).Ids();
        Assert.NotEmpty(deleted);
        var query = new TenantQuery { HideDeleted = true, Status = TenantStatus.Deleted, PageSize = 3 };

        Assert.Equal(deleted, (await catalog.ListAllAsync(query, Cancellation)).Ids());
        Assert.Equal(new TenantCount(deleted.Count, TenantCountKind.Exact), await catalog.CountAsync(query, Cancellation));
    }

    [Fact]
    public async Task CombineFiltersWithSearch()
    {
        var expected = All.Where(t => t.Matches("tenant 0") && t.Status == TenantStatus.Active).ToList();
        Assert.NotEmpty(expected);

        var query = new TenantQuery { Search = "Tenant 0", Status = TenantStatus.Active, PageSize = 4 };
        var listed = await catalog.ListAllAsync(query, Cancellation);

        Assert.Equal(expected.Ordered(TenantSort.Name, SortDirection.Ascending).Ids(), listed.Ids());
        Assert.Equal(new TenantCount(expected.Count, TenantCountKind.Exact), await catalog.CountAsync(query, Cancellation));
    }

    [Theory]
    [InlineData("not a cursor!")]
    [InlineData("%%%")]
    [InlineData("Z2FyYmFnZQ")] // base64url of "garbage": decodes, but is no position
    [InlineData("")]
    public async Task RejectAMalformedCursor(string cursor)
    {
        foreach (var page in new[] { PageRequest.After(cursor), PageRequest.Before(cursor) })
        {
            var error = await Assert.ThrowsAsync<TenantQueryValidationException>(
                () => catalog.BrowseAsync(new TenantQuery { Page = page }, Cancellation));
            Assert.NotEmpty(error.Errors);
            Assert.False(string.IsNullOrWhiteSpace(error.Message));
        }
    }

    [Fact]
    public async Task RejectANameCursorWhenSortingByCreationTime()
    {
        var page = await catalog.BrowseAsync(new TenantQuery { Sort = TenantSort.Name, PageSize = PageSize }, Cancellation);

        await Assert.ThrowsAsync<TenantQueryValidationException>(() => catalog.BrowseAsync(
            new TenantQuery { Sort = TenantSort.Created, Page = PageRequest.After(page.NextCursor!) }, Cancellation));
    }
}

public sealed class TenantCatalogBrowseShouldOnPostgres(PostgresDatabase database)
    : TenantCatalogBrowseShould(database), IClassFixture<PostgresDatabase>;

public sealed class TenantCatalogBrowseShouldOnSqlite(SqliteDatabase database)
    : TenantCatalogBrowseShould(database), IClassFixture<SqliteDatabase>;

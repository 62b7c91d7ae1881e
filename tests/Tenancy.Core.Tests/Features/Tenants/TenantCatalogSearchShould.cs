using Tenancy.Core.Features.Tenants;
using Tenancy.Core.Tests.Infrastructure;

namespace Tenancy.Core.Tests.Features.Tenants;

/// <summary>Substring search in the tenant list: what it matches, what it treats literally, its limits.</summary>
public abstract class TenantCatalogSearchShould(TestDatabase database) : IAsyncLifetime
{
    private readonly TenantCatalog catalog = new(database.ContextFactory);

    private static IReadOnlyList<TenantRow> All => TenantCatalogTestData.Tenants;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() =>
        new(database.SeedOnceAsync(nameof(TenantCatalogTestData), TenantCatalogTestData.SeedAsync, Cancellation));

    public ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }

    /// <summary>Search text and the names of exactly the tenants it must find.</summary>
    public static TheoryData<string, string[]> Searches { get; } = new()
    {
        // Name, any case.
        { "GLOBEX", [TenantCatalogTestData.Globex] },
        { "acme", ["Acme", "Acme", "Acme", "acme"] },
        { "aCmE", ["Acme", "Acme", "Acme", "acme"] },
        // Slug only ("gx-hq" is in no name or email).
        { "X-HQ", [TenantCatalogTestData.Globex] },
        // Owner email only ("initech" is in no name or slug).
        { "Initech.Example", [TenantCatalogTestData.Initrode] },
        // Surrounding white space is ignored.
        { "  globex  ", [TenantCatalogTestData.Globex] },
        // LIKE wildcards and quotes are literal; each case has a decoy that a pattern would match.
        { "0% F", ["100% Fun"] },                    // decoy "200 Forks" matches "0%f" as a pattern
        { "a_b", ["a_b Ltd"] },                      // decoy "aXb Ltd" matches "a_b" as a pattern
        { "k\\s", ["Back\\slash Inc"] },             // decoy "Backslash Inc" matches "k\s" as an escaped 's'
        { "O'Brien", ["O'Brien & Co"] },
        { "%%%", [] },                               // as a pattern it matches everything
        { "___", [] },                               // as a pattern it matches everything
        { "\\\\\\", [] },
        { "no such tenant", [] },
    };

    [Theory]
    [MemberData(nameof(Searches))]
    public async Task FindExactlyTheTenantsWhoseNameSlugOrOwnerEmailContainTheText(string search, string[] expectedNames)
    {
        var query = new TenantQuery { Search = search, PageSize = 3 };

        var listed = await catalog.ListAllAsync(query, Cancellation);

        Assert.Equal(expectedNames.Order(StringComparer.Ordinal), listed.Select(i => i.Name).Order(StringComparer.Ordinal));
        var expectedIds = All.Where(t => expectedNames.Contains(t.Name)).Ordered(TenantSort.Name, SortDirection.Ascending).Ids();
        Assert.Equal(expectedIds, listed.Ids());
        Assert.Equal(new TenantCount(expectedNames.Length, TenantCountKind.Exact), await catalog.CountAsync(query, Cancellation));
    }

    [Theory]
    [InlineData("ärztekammer")]
    [InlineData("ÄRZTEKAMMER")]
    [InlineData("Ärztekammer Süd")]
    [InlineData("SÜD")]
    public async Task FindNamesWithNonAsciiLettersInAnyCase(string search)
    {
        // Tenant names are not ASCII-only; staff type them as shown or in any case.
        var listed = await catalog.ListAllAsync(new TenantQuery { Search = search }, Cancellation);

        Assert.Equal(["Ärztekammer Süd"], listed.Select(i => i.Name));
    }

    [Theory]
    [MemberData(nameof(TenantCatalogBrowseShould.Sorts), MemberType = typeof(TenantCatalogBrowseShould))]
    public async Task PageThroughSearchResultsInOrder(TenantSort sort, SortDirection direction)
    {
        var expected = All.Where(t => t.Matches("tenant")).Ordered(sort, direction).Ids();
        var query = new TenantQuery { Search = "TENANT", Sort = sort, Direction = direction, PageSize = 5 };

        var forward = await catalog.PageForwardAsync(query, Cancellation);
        var backward = await catalog.PageBackwardAsync(query, Cancellation);

        Assert.Equal(expected, forward.SelectMany(p => p.Items).Ids());
        Assert.Equal(expected, backward.AsEnumerable().Reverse().SelectMany(p => p.Items).Ids());
    }

    [Theory]
    [InlineData("ac")]
    [InlineData("zz")]
    [InlineData("%_")]
    [InlineData("  q  ")]
    [InlineData("   ")]
    public async Task NotFilterBySearchesShorterThanThreeCharacters(string search)
    {
        var query = new TenantQuery { Search = search, PageSize = TenantQuery.MaxPageSize };

        var page = await catalog.BrowseAsync(query, Cancellation);

        Assert.Equal(All.Ordered(TenantSort.Name, SortDirection.Ascending).Ids(), page.Items.Ids());
        Assert.Equal(new TenantCount(All.Count, TenantCountKind.Exact), await catalog.CountAsync(query, Cancellation));
    }

    [Fact]
    public async Task RejectASearchLongerThan200Characters()
    {
        var query = new TenantQuery { Search = new string('a', TenantQuery.MaxSearchLength + 1) };

        var browse = await Assert.ThrowsAsync<TenantQueryValidationException>(() => catalog.BrowseAsync(query, Cancellation));
        var count = await Assert.ThrowsAsync<TenantQueryValidationException>(() => catalog.CountAsync(query, Cancellation));

        Assert.Contains("200", browse.Message, StringComparison.Ordinal);
        Assert.Single(browse.Errors);
        Assert.Equal(browse.Errors, count.Errors);
    }

    [Fact]
    public async Task AcceptASearchOf200Characters()
    {
        var query = new TenantQuery { Search = new string('a', TenantQuery.MaxSearchLength) };

        var page = await catalog.BrowseAsync(query, Cancellation);

        Assert.Empty(page.Items);
        Assert.Equal(new TenantCount(0, TenantCountKind.Exact), await catalog.CountAsync(query, Cancellation));
    }
}

public sealed class TenantCatalogSearchShouldOnPostgres(PostgresDatabase database)
    : TenantCatalogSearchShould(database), IClassFixture<PostgresDatabase>;

public sealed class TenantCatalogSearchShouldOnSqlite(SqliteDatabase database)
    : TenantCatalogSearchShould(database), IClassFixture<SqliteDatabase>;

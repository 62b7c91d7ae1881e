using Microsoft.EntityFrameworkCore;
using Tenancy.Core.Data;
using Tenancy.Core.Features.Tenants;
using Tenancy.Core.Tests.Infrastructure;

namespace Tenancy.Core.Tests.Features.Tenants;

/// <summary>
/// Every page of every search is exactly what the plain query gives: <c>LIKE '%term%'</c> over all
/// matches, <c>ORDER BY sort, id</c>. The catalog may pick any plan for speed (sampled or not,
/// walking the sort order or asking the trigram index, whatever the sample drew); the rows must
/// not change. Terms in every band of matches (<see cref="SearchBandsTestData"/>), every sort and
/// direction, paged all the way forward from the first page and all the way back from the last,
/// with and without a filter, and with deleted tenants hidden (the tenant list's default view).
/// </summary>
public abstract class TenantSearchOracleShould(TestDatabase database) : IAsyncLifetime
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    /// <summary>The catalogs under test: the ways the catalog can be set up to plan a search.</summary>
    protected abstract IEnumerable<(string Name, TenantCatalog Catalog)> Catalogs(IDbContextFactory<TenancyDbContext> factory);

    public async ValueTask InitializeAsync() =>
        await database.SeedOnceAsync(nameof(SearchBandsTestData), SearchBandsTestData.SeedAsync, Cancellation);

    public ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }

    public static TheoryData<string, TenantSort, SortDirection> Cases()
    {
        var cases = new TheoryData<string, TenantSort, SortDirection>();
        foreach (var term in SearchBandsTestData.Terms)
        {
            foreach (var sort in new[] { TenantSort.Name, TenantSort.Created })
            {
                foreach (var direction in new[] { SortDirection.Ascending, SortDirection.Descending })
                {
                    cases.Add(term.Text, sort, direction);
                }
            }
        }

        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task ListEveryPageExactlyAsThePlainQueryOrdersIt(string term, TenantSort sort, SortDirection direction)
    {
        var planted = SearchBandsTestData.Terms.Single(t => t.Text == term);
        var query = new TenantQuery
        {
            Search = term.ToUpperInvariant(),
            Sort = sort,
            Direction = direction,
            PageSize = planted.Tenants > 5_000 ? 200 : 100,
        };
        var filtered = query with { Status = TenantStatus.Active };
        var hidden = query with { HideDeleted = true };
        var deleted = hidden with { Status = TenantStatus.Deleted };
        var expected = await OracleAsync(query);
        var expectedFiltered = await OracleAsync(filtered);
        var expectedHidden = await OracleAsync(hidden);
        var expectedDeleted = await OracleAsync(deleted);
        Assert.Equal(planted.Tenants, expected.Count);
        Assert.Equal(expected.Count, expectedHidden.Count + expectedDeleted.Count);
        Assert.NotEmpty(expectedDeleted); // so hiding them changes the rows

        foreach (var (name, catalog) in Catalogs(database.ContextFactory))
        {
            var forward = await catalog.PageForwardAsync(query, Cancellation);
            var backward = await catalog.PageBackwardAsync(query, Cancellation);

            AssertSameRows(expected, forward.SelectMany(p => p.Items).Ids(), $"{name}, paging forward");
            AssertSameRows(expected, backward.AsEnumerable().Reverse().SelectMany(p => p.Items).Ids(), $"{name}, paging back from the last page");
            AssertSameRows(expectedFiltered, (await catalog.ListAllAsync(filtered, Cancellation)).Ids(), $"{name}, status Active");
            AssertSameRows(expectedDeleted, (await catalog.ListAllAsync(deleted, Cancellation)).Ids(), $"{name}, status Deleted while deleted tenants are hidden");

            // The tenant list's default view: every status but deleted, paged both ways.
            var hiddenForward = await catalog.PageForwardAsync(hidden, Cancellation);
            var hiddenBackward = await catalog.PageBackwardAsync(hidden, Cancellation);
            AssertSameRows(expectedHidden, hiddenForward.SelectMany(p => p.Items).Ids(), $"{name}, deleted hidden, paging forward");
            AssertSameRows(expectedHidden, hiddenBackward.AsEnumerable().Reverse().SelectMany(p => p.Items).Ids(), $"{name}, deleted hidden, paging back from the last page");

            AssertCount(expected.Count, await catalog.CountAsync(query, Cancellation), name);
            AssertCount(expectedHidden.Count, await catalog.CountAsync(hidden, Cancellation), $"{name}, deleted hidden");
        }
    }

    private static void AssertCount(int expected, TenantCount count, string what)
    {
        switch (count.Kind)
        {
            case TenantCountKind.Exact:
                Assert.Equal(expected, count.Value);
                break;
            case TenantCountKind.AtLeast:
                Assert.True(expected >= count.Value, $"{what}: count says at least {count.Value}, there are {expected}");
                break;
        }
    }

    private static void AssertSameRows(List<Guid> expected, List<Guid> actual, string what)
    {
        if (expected.SequenceEqual(actual))
        {
            return;
        }

        var first = Enumerable.Range(0, Math.Min(expected.Count, actual.Count)).FirstOrDefault(i => expected[i] != actual[i], Math.Min(expected.Count, actual.Count));
        Assert.Fail(
            $"{what}: {actual.Count} rows listed, {expected.Count} match; first difference at row {first + 1} " +
            $"({actual.Except(expected).Count()} listed that should not be, {expected.Except(actual).Count()} missing).");
    }

    /// <summary>The plain query: the whole escaped pattern, every match, sorted with the id breaking ties.</summary>
    private async Task<List<Guid>> OracleAsync(TenantQuery query)
    {
        await using var db = database.CreateContext();
        var pattern = TenantCatalog.ToContainsPattern(query.SearchTerm!);
        var rows = db.Tenants.AsNoTracking().Where(t => EF.Functions.Like(t.SearchText, pattern, "\\"));
        if (query.Status is { } status)
        {
            rows = rows.Where(t => t.Status == status);
        }
        else if (query.HideDeleted)
        {
            rows = rows.Where(t => t.Status != TenantStatus.Deleted);
        }

        rows = (query.Sort, query.Direction) switch
        {
            (TenantSort.Name, SortDirection.Ascending) => rows.OrderBy(t => t.Name).ThenBy(t => t.Id),
            (TenantSort.Name, _) => rows.OrderByDescending(t => t.Name).ThenByDescending(t => t.Id),
            (TenantSort.Created, SortDirection.Ascending) => rows.OrderBy(t => t.CreatedAt).ThenBy(t => t.Id),
            _ => rows.OrderByDescending(t => t.CreatedAt).ThenByDescending(t => t.Id),
        };
        return await rows.Select(t => t.Id).ToListAsync(Cancellation);
    }
}

public sealed class TenantSearchOracleShouldOnPostgres(PostgresDatabase database)
    : TenantSearchOracleShould(database), IClassFixture<PostgresDatabase>
{
    protected override IEnumerable<(string Name, TenantCatalog Catalog)> Catalogs(IDbContextFactory<TenancyDbContext> factory)
    {
        // Sampled as in production (the table is past the sampling minimum), from several draws:
        // each draw may put a term on either side of the threshold between plans.
        foreach (var seed in new[] { 1, 2, 3 })
        {
            yield return ($"sample seed {seed}", new TenantCatalog(factory) { SampleSeed = seed });
        }

        // Every sampled term walks the sort order, from a small first window growing step by
        // step: pages are put together from several windows, and at the ends of the list the walk
        // runs out of rows.
        yield return ("always walk, 2,000-row first window", new TenantCatalog(factory)
        {
            SampleSeed = 6,
            Costs = new TenantSearchCosts(FetchMatch: 1e12, MinimumWindow: 2_000, MaximumWindow: 2_000, MinimumSampleHits: 1),
        });

        // The walk gives up after a window or two and the trigram plan finishes the page.
        yield return ("walk with a small budget", new TenantCatalog(factory)
        {
            SampleSeed = 7,
            Costs = new TenantSearchCosts(FetchMatch: 2, MinimumWindow: 1_000, MaximumWindow: 1_000, MinimumSampleHits: 1),
        });

        // No term walks: the trigram plan sorts every match.
        yield return ("never walk", new TenantCatalog(factory) { SampleSeed = 5, Costs = TenantSearchCosts.Default with { FetchMatch = 0 } });

        // Never sampled: the plain pattern.
        yield return ("no sample", new TenantCatalog(factory) { SampleMinimumRows = long.MaxValue });
    }
}

public sealed class TenantSearchOracleShouldOnSqlite(SqliteDatabase database)
    : TenantSearchOracleShould(database), IClassFixture<SqliteDatabase>
{
    protected override IEnumerable<(string Name, TenantCatalog Catalog)> Catalogs(IDbContextFactory<TenancyDbContext> factory)
    {
        yield return ("sqlite", new TenantCatalog(factory));
    }
}

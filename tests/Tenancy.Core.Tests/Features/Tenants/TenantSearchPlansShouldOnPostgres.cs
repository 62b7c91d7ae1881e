using Microsoft.EntityFrameworkCore;
using Tenancy.Core.Features.Tenants;
using Tenancy.Core.Tests.Infrastructure;

namespace Tenancy.Core.Tests.Features.Tenants;

/// <summary>
/// On large PostgreSQL tables a substring search is planned from a sample (frequent fragments in
/// sort order, rare ones through their rarest trigrams). Whatever the plan, the answer must be
/// the one the plain LIKE pattern gives; here the sample is forced on for a small table.
/// </summary>
public sealed class TenantSearchPlansShouldOnPostgres(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private TenantCatalog Plain => new(database.ContextFactory);

    private TenantCatalog Sampled => new(database.ContextFactory) { SampleMinimumRows = 1 };

    public async ValueTask InitializeAsync()
    {
        await database.SeedOnceAsync(nameof(TenantCatalogTestData), TenantCatalogTestData.SeedAsync, Cancellation);
        await using var db = database.CreateContext();
        await db.Database.ExecuteSqlRawAsync("ANALYZE tenants", Cancellation);
    }

    public ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }

    public static TheoryData<string> Terms() =>
        ["glo", "GLOBEX", "corporation", "example", "0% f", "a_b", "o'brien", "back\\slash", "zzz-not-there", "initrode"];

    [Theory]
    [MemberData(nameof(Terms))]
    public async Task FindWhatThePlainPatternFinds(string term)
    {
        foreach (var sort in new[] { TenantSort.Name, TenantSort.Created })
        {
            var query = new TenantQuery { Search = term, Sort = sort, PageSize = 7 };

            var plain = await Plain.ListAllAsync(query, Cancellation);
            var sampled = await Sampled.ListAllAsync(query, Cancellation);

            Assert.Equal(plain.Select(t => t.Id), sampled.Select(t => t.Id));
        }
    }

    [Fact]
    public async Task ReadAFrequentFragmentInSortOrderAndEstimateItsCount()
    {
        await using var db = database.CreateContext();
        var sample = await TenantSearchSample.ReadAsync(db, 1, seed: null, Cancellation);
        var common = MostCommonTrigram(sample!);

        var plan = TenantSearchPlan.Choose(sample, common, new TenantQuery());
        var count = await Sampled.CountAsync(new TenantQuery { Search = common }, Cancellation);

        var frequent = Assert.IsType<TenantSearchPlan.Frequent>(plan);
        Assert.Equal(new TenantCount(frequent.EstimatedMatches, TenantCountKind.Estimate), count);
        Assert.InRange(frequent.EstimatedMatches, 1, sample!.TotalRows);
    }

    [Fact]
    public async Task AskTheTrigramIndexOnlyForTheRarestTrigramsOfARareFragment()
    {
        await using var db = database.CreateContext();
        var sample = await TenantSearchSample.ReadAsync(db, 1, seed: null, Cancellation);
        var rare = TenantCatalogTestData.Named(TenantCatalogTestData.Initrode).Slug;

        var plan = TenantSearchPlan.Choose(sample, rare, new TenantQuery());

        var chosen = Assert.IsType<TenantSearchPlan.Rare>(plan);
        Assert.InRange(chosen.Trigrams.Count, 1, 3);
        Assert.All(chosen.Trigrams, t => Assert.Contains(t, rare, StringComparison.Ordinal));
    }

    [Fact]
    public void FallBackToThePatternWithoutASample() =>
        Assert.IsType<TenantSearchPlan.Pattern>(TenantSearchPlan.Choose(null, "acme", new TenantQuery()));

    private static string MostCommonTrigram(TenantSearchSample sample) =>
        sample.Rows
            .SelectMany(r => Enumerable.Range(0, Math.Max(0, r.SearchText.Length - 2)).Select(i => r.SearchText.Substring(i, 3)))
            .Where(t => t.All(char.IsLetterOrDigit))
            .GroupBy(t => t)
            .OrderByDescending(g => g.Count())
            .ThenBy(g => g.Key, StringComparer.Ordinal)
            .First().Key;
}

using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Tenancy.Core.Data;

namespace Tenancy.Core.Features.Tenants;

/// <summary>
/// A small random sample of the tenant catalog (PostgreSQL only), kept in memory and refreshed
/// every few minutes, that tells the catalog how common a search fragment and its trigrams are.
/// The planner cannot know that for a LIKE pattern (its estimates are off by 50× for fragments),
/// and the fastest plan depends on it: see <see cref="TenantSearchPlan"/>. The sample only ever
/// chooses between plans that return the same rows, so a different draw changes the speed of a
/// search, never its answer.
/// </summary>
public sealed class TenantSearchSample
{
    public sealed record Row(string SearchText, TenantStatus Status, string PlanId, string Region);

    public TenantSearchSample(IReadOnlyList<Row> rows, long totalRows)
    {
        Rows = rows;
        TotalRows = totalRows;
    }

    /// <summary>Target sample size: enough to tell 0.5 % from 0.05 % apart, small enough to scan per search.</summary>
    public const int TargetRows = 20_000;

    public IReadOnlyList<Row> Rows { get; }

    /// <summary>The table's size when sampled (<c>pg_class.reltuples</c>).</summary>
    public long TotalRows { get; }

    /// <summary>Sampled rows matching the filters whose search text contains <paramref name="needle"/>.</summary>
    public int Count(string needle, TenantQuery filters)
    {
        var count = 0;
        foreach (var row in Rows)
        {
            if ((filters.Status is not { } status || row.Status == status)
                && (filters.PlanId is not { } plan || row.PlanId == plan)
                && (filters.Region is not { } region || row.Region == region)
                && row.SearchText.Contains(needle, StringComparison.Ordinal))
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>Estimated matching rows in the whole table for <paramref name="sampleHits"/> sampled matches.</summary>
    public long Estimate(int sampleHits) => Rows.Count == 0 ? 0 : (long)Math.Round((double)sampleHits / Rows.Count * TotalRows);

    /// <summary>
    /// Reads a fresh sample, or null when the table is small enough that every plan is fast.
    /// The same <paramref name="seed"/> on the same data draws the same pages; null draws at random.
    /// </summary>
    public static async Task<TenantSearchSample?> ReadAsync(
        TenancyDbContext db, long minimumTableRows, int? seed, CancellationToken cancellationToken)
    {
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT reltuples::bigint FROM pg_class WHERE oid = 'tenants'::regclass";
        var total = (long)(await command.ExecuteScalarAsync(cancellationToken) ?? -1L);
        if (total < Math.Max(minimumTableRows, 1))
        {
            return null;
        }

        // SYSTEM sampling reads whole random pages: a 0.2 % sample of ten million rows is about
        // 20,000 rows from a few hundred pages, a few milliseconds.
        var percent = Math.Clamp(TargetRows * 100.0 / total, 0.001, 100);
        command.CommandText = "SELECT search_text, status, plan_id, region FROM tenants TABLESAMPLE SYSTEM (@percent)"
            + (seed is null ? "" : " REPEATABLE (@seed)");
        var parameter = command.CreateParameter();
        parameter.ParameterName = "percent";
        parameter.Value = (float)percent;
        command.Parameters.Add(parameter);
        if (seed is { } value)
        {
            var seedParameter = command.CreateParameter();
            seedParameter.ParameterName = "seed";
            seedParameter.Value = (double)value;
            command.Parameters.Add(seedParameter);
        }
        var rows = new List<Row>(TargetRows + 1_000);
        await using (DbDataReader reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add(new Row(
                    reader.GetString(0),
                    Enum.Parse<TenantStatus>(reader.GetString(1)),
                    reader.GetString(2),
                    reader.GetString(3)));
            }
        }

        return new TenantSearchSample(rows, total);
    }
}

/// <summary>
/// The relative costs the search planner weighs, in units of one index entry read in sort order
/// (an index-only scan of the sort index with its <c>strpos</c> check). Measured at 10 million
/// tenants with <c>scripts/bench.sh browse</c>: see docs/benchmarks.md.
/// </summary>
public sealed record TenantSearchCosts(double FetchMatch, int MinimumWindow, int MaximumWindow, int MinimumSampleHits)
{
    public static TenantSearchCosts Default { get; } = new(FetchMatch: 2.5, MinimumWindow: 2_000, MaximumWindow: 400_000, MinimumSampleHits: 5);
}

/// <summary>
/// How a substring search runs, chosen from the sample. Every plan returns exactly the rows of the
/// plain query (<c>LIKE '%term%'</c> over all matches, <c>ORDER BY sort, id</c>); they differ only
/// in how much they read to find them.
/// </summary>
public abstract record TenantSearchPlan
{
    private TenantSearchPlan()
    {
    }

    /// <summary>No sample (small table, SQLite): LIKE with the whole escaped pattern; the database plans it.</summary>
    public sealed record Pattern : TenantSearchPlan;

    /// <summary>
    /// A fragment common enough that reading the sort order and keeping matches is cheaper than
    /// fetching and sorting every match: each page reads about page size ÷ frequency rows
    /// (<c>strpos</c>, not indexable, so the database walks the sort index). The walk reads at
    /// most <paramref name="Window"/> rows; where the matches are sparser than that (they cluster
    /// in the sort order) the page comes from <paramref name="Fallback"/>, which returns the same
    /// rows. The count is the sample's estimate.
    /// </summary>
    public sealed record Frequent(long EstimatedMatches, int Window, TenantSearchPlan Fallback) : TenantSearchPlan;

    /// <summary>
    /// A rarer fragment: the trigram index is asked only for its rarest trigrams (a fragment of 16
    /// characters has 14 trigrams, some of them in millions of rows), the whole fragment is checked
    /// with <c>strpos</c> on the candidates, and all matches are sorted.
    /// </summary>
    public sealed record Rare(IReadOnlyList<string> Trigrams) : TenantSearchPlan;

    /// <summary>
    /// Picks the cheaper plan: walking the sort order costs about (page size + 1) ÷ frequency index
    /// entries per page; fetching every match through the trigram index costs about
    /// <see cref="TenantSearchCosts.FetchMatch"/> entries per match (a heap fetch, a recheck and
    /// the sort).
    /// </summary>
    public static TenantSearchPlan Choose(TenantSearchSample? sample, string term, TenantQuery query, TenantSearchCosts? costs = null)
    {
        costs ??= TenantSearchCosts.Default;
        if (sample is null || sample.Rows.Count == 0)
        {
            return new Pattern();
        }

        var fallback = RarestTrigrams(sample, term);
        var hits = sample.Count(term, query);
        if (hits < costs.MinimumSampleHits)
        {
            return fallback;
        }

        var share = (double)hits / sample.Rows.Count;
        var walkRows = (query.PageSize + 1) / share;
        var matches = sample.Estimate(hits);
        if (walkRows >= matches * costs.FetchMatch)
        {
            return fallback;
        }

        // Four times the expected distance, so an unlucky stretch still fills the page.
        var window = (int)Math.Clamp(walkRows * 4, costs.MinimumWindow, costs.MaximumWindow);
        return new Frequent(matches, window, fallback);
    }

    private static TenantSearchPlan RarestTrigrams(TenantSearchSample sample, string term)
    {
        var trigrams = new List<(string Trigram, int Count, int Position)>();
        for (var i = 0; i + 3 <= term.Length; i++)
        {
            var trigram = term.Substring(i, 3);
            if (trigram.All(char.IsLetterOrDigit) && trigrams.TrueForAll(t => t.Trigram != trigram))
            {
                trigrams.Add((trigram, sample.Count(trigram, new TenantQuery()), i));
            }
        }

        return trigrams.Count == 0
            ? new Pattern()
            : new Rare([.. trigrams.OrderBy(t => t.Count).ThenBy(t => t.Position).Take(2).Select(t => t.Trigram)]);
    }
}

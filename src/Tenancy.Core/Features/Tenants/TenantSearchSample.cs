using System.Collections.Concurrent;
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
    public sealed record Row(string SearchText, TenantStatus Status, string PlanId, string Region, string Name, DateTime CreatedAt);

    private readonly int[] byName;
    private readonly int[] byCreated;
    private readonly ConcurrentDictionary<string, IReadOnlyList<string>> trigramChoices = new(StringComparer.Ordinal);

    public TenantSearchSample(IReadOnlyList<Row> rows, long totalRows)
    {
        Rows = rows;
        TotalRows = totalRows;
        byName = [.. Enumerable.Range(0, rows.Count).OrderBy(i => rows[i].Name, StringComparer.Ordinal)];
        byCreated = [.. Enumerable.Range(0, rows.Count).OrderBy(i => rows[i].CreatedAt)];
    }

    /// <summary>Target sample size: enough to tell 0.5 % from 0.05 % apart, small enough to scan per search.</summary>
    public const int TargetRows = 20_000;

    /// <summary>Fragments whose trigram choice is remembered (per sample, so for at most its lifetime).</summary>
    private const int RememberedTrigramChoices = 1_000;

    public IReadOnlyList<Row> Rows { get; }

    /// <summary>The table's size when sampled (<c>pg_class.reltuples</c>).</summary>
    public long TotalRows { get; }

    /// <summary>Sampled rows matching the filters whose search text contains <paramref name="needle"/>.</summary>
    public int Count(string needle, TenantQuery filters)
    {
        var count = 0;
        foreach (var row in Rows)
        {
            if (Passes(row, filters) && row.SearchText.Contains(needle, StringComparison.Ordinal))
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>Estimated matching rows in the whole table for <paramref name="sampleHits"/> sampled matches.</summary>
    public long Estimate(int sampleHits) => Rows.Count == 0 ? 0 : (long)Math.Round((double)sampleHits / Rows.Count * TotalRows);

    /// <summary>
    /// About how many rows a walk in the query's sort order reads, from where its page starts, to
    /// find the page's matches (page size + 1): the sampled rows passed along the same path until
    /// enough sampled matches are met, scaled to the table. Unlike page size ÷ frequency this sees
    /// that a fragment in company names ("Pine Labs …") clusters in name order: a name-sorted
    /// walk from "A" meets none of its matches for millions of rows. When the path ends first,
    /// the distance to the end of the list.
    /// </summary>
    public WalkEstimate WalkDistance(string term, TenantQuery query)
    {
        var kind = query.Page.Kind;
        var ascending = (query.Direction == SortDirection.Ascending) != (kind is PageKind.Before or PageKind.Last);
        var order = query.Sort == TenantSort.Name ? byName : byCreated;
        var position = ascending ? 0 : order.Length - 1;
        if (kind is PageKind.After or PageKind.Before && TenantCursor.TryDecode(query.Sort, query.Page.Cursor, out var cursor))
        {
            position = StartAfter(order, query.Sort, cursor, ascending);
        }

        // Sampled matches that stand for a page of table matches (often less than one).
        var scale = (double)TotalRows / Rows.Count;
        var wanted = (query.PageSize + 1) / scale;
        var passed = 0;
        var found = 0;
        for (var i = position; i >= 0 && i < order.Length; i += ascending ? 1 : -1)
        {
            var row = Rows[order[i]];
            if (!Passes(row, query))
            {
                continue;
            }

            passed++;
            if (row.SearchText.Contains(term, StringComparison.Ordinal) && ++found >= wanted)
            {
                // Fewer than one sampled match per page: the distance to the first one stands
                // for the distance to 1 / wanted pages, where the matches are spread evenly.
                var reach = (long)Math.Ceiling(passed * scale);
                return new WalkEstimate((long)Math.Ceiling(reach * Math.Min(1, wanted)), reach);
            }
        }

        var end = (long)Math.Ceiling(passed * scale);
        return new WalkEstimate(end, end);
    }

    /// <summary>
    /// The trigrams of <paramref name="term"/> to ask the trigram index for: the rarest one, then
    /// while it narrows the candidates, the one whose rows overlap least with those chosen (at
    /// most three). Common trigrams can combine into a rare fragment ("cif" and "ice" are each
    /// in many names, "acifice" in few), so the choice weighs them together, not one by one.
    /// Only letters and digits make trigrams the index knows; empty when the term has none.
    /// </summary>
    public IReadOnlyList<string> SelectiveTrigrams(string term)
    {
        if (trigramChoices.TryGetValue(term, out var remembered))
        {
            return remembered;
        }

        var rowsWith = new List<(string Trigram, HashSet<int> Rows)>();
        for (var i = 0; i + 3 <= term.Length; i++)
        {
            var trigram = term.Substring(i, 3);
            if (trigram.All(char.IsLetterOrDigit) && rowsWith.TrueForAll(t => t.Trigram != trigram))
            {
                var rows = new HashSet<int>();
                for (var r = 0; r < Rows.Count; r++)
                {
                    if (Rows[r].SearchText.Contains(trigram, StringComparison.Ordinal))
                    {
                        rows.Add(r);
                    }
                }

                rowsWith.Add((trigram, rows));
            }
        }

        var chosen = new List<string>();
        if (rowsWith.Count > 0)
        {
            var rarest = rowsWith.MinBy(t => t.Rows.Count);
            chosen.Add(rarest.Trigram);
            var candidates = new HashSet<int>(rarest.Rows);
            while (chosen.Count < 3 && candidates.Count > 0)
            {
                var best = rowsWith.Where(t => !chosen.Contains(t.Trigram))
                    .Select(t => (t.Trigram, Left: candidates.Count(t.Rows.Contains)))
                    .DefaultIfEmpty()
                    .MinBy(t => t.Left);
                if (best.Trigram is null || best.Left >= candidates.Count)
                {
                    break;
                }

                chosen.Add(best.Trigram);
                candidates.IntersectWith(rowsWith.First(t => t.Trigram == best.Trigram).Rows);
            }
        }

        if (trigramChoices.Count < RememberedTrigramChoices)
        {
            trigramChoices.TryAdd(term, chosen);
        }

        return chosen;
    }

    private static bool Passes(Row row, TenantQuery filters) =>
        (filters.Status is { } status ? row.Status == status : !filters.HideDeleted || row.Status != TenantStatus.Deleted)
        && (filters.PlanId is not { } plan || row.PlanId == plan)
        && (filters.Region is not { } region || row.Region == region);

    /// <summary>The first position in <paramref name="order"/> past the cursor's sort value in the direction of travel.</summary>
    private int StartAfter(int[] order, TenantSort sort, TenantCursor cursor, bool ascending)
    {
        int Compare(int index) => sort == TenantSort.Name
            ? string.CompareOrdinal(Rows[index].Name, cursor.Name)
            : Rows[index].CreatedAt.CompareTo(cursor.CreatedAt);

        // Lower bound of the first row after the cursor value (ascending) or the last one before it.
        int low = 0, high = order.Length;
        while (low < high)
        {
            var middle = (low + high) / 2;
            if (ascending ? Compare(order[middle]) <= 0 : Compare(order[middle]) < 0)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return ascending ? low : low - 1;
    }

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
        command.CommandText = "SELECT search_text, status, plan_id, region, name, created_at FROM tenants TABLESAMPLE SYSTEM (@percent)"
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
                    reader.GetString(3),
                    reader.GetString(4),
                    reader.GetDateTime(5)));
            }
        }

        return new TenantSearchSample(rows, total);
    }
}

/// <summary>
/// Where a walk in sort order finds a page of matches, estimated from the sample: about
/// <paramref name="Rows"/> rows read (its cost), and within <paramref name="Reach"/> rows, the
/// distance to the sampled match that stands for the page (what the walk's window must cover
/// where the matches are not spread evenly).
/// </summary>
public readonly record struct WalkEstimate(long Rows, long Reach);

/// <summary>
/// The relative costs the search planner weighs, in units of one index entry read in sort order
/// (an index-only scan of the sort index with its <c>strpos</c> check). Measured at 10 million
/// tenants with <c>scripts/bench.sh browse</c>: see docs/benchmarks.md.
/// </summary>
public sealed record TenantSearchCosts(double FetchMatch, int MinimumWindow, int MaximumWindow, int MinimumSampleHits)
{
    public static TenantSearchCosts Default { get; } = new(FetchMatch: 8, MinimumWindow: 5_000, MaximumWindow: 200_000, MinimumSampleHits: 5);
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
    /// (<c>strpos</c>, not indexable, so the database walks the sort index). The walk reads
    /// <paramref name="Window"/> rows at a time, four times more each step, and gives up once it
    /// has read <paramref name="Budget"/> rows (what fetching every match would cost): then the
    /// page comes from <paramref name="Fallback"/>, which returns the same rows. The count is the
    /// sample's estimate.
    /// </summary>
    public sealed record Frequent(long EstimatedMatches, int Window, long Budget, TenantSearchPlan Fallback) : TenantSearchPlan;

    /// <summary>
    /// A rarer fragment: the trigram index is asked only for its most selective trigrams
    /// (<see cref="TenantSearchSample.SelectiveTrigrams"/>: a fragment of 16 characters has 14
    /// trigrams, some of them in millions of rows), the whole fragment is checked with
    /// <c>strpos</c> on the candidates, and all matches are sorted.
    /// </summary>
    public sealed record Rare(IReadOnlyList<string> Trigrams) : TenantSearchPlan;

    /// <summary>
    /// Picks the cheaper plan: walking the sort order costs the rows the walk reads before the
    /// page is full (<see cref="TenantSearchSample.WalkDistance"/>, one unit each); fetching every
    /// match through the trigram index costs <see cref="TenantSearchCosts.FetchMatch"/> units per
    /// match (a heap fetch, a recheck and the sort).
    /// </summary>
    public static TenantSearchPlan Choose(TenantSearchSample? sample, string term, TenantQuery query, TenantSearchCosts? costs = null)
    {
        costs ??= TenantSearchCosts.Default;
        if (sample is null || sample.Rows.Count == 0)
        {
            return new Pattern();
        }

        var trigrams = sample.SelectiveTrigrams(term);
        TenantSearchPlan fallback = trigrams.Count == 0 ? new Pattern() : new Rare(trigrams);
        var hits = sample.Count(term, query);
        if (hits < costs.MinimumSampleHits)
        {
            return fallback;
        }

        var matches = sample.Estimate(hits);
        var budget = (long)Math.Min(matches * costs.FetchMatch, long.MaxValue / 2);
        var walk = sample.WalkDistance(term, query);
        if (walk.Rows >= budget)
        {
            return fallback;
        }

        // Twice the distance to the sampled match that stands for the page: the walk stops as
        // soon as the page is full, so a wide window costs nothing where the matches come early.
        var window = (int)Math.Clamp(walk.Reach * 2, costs.MinimumWindow, costs.MaximumWindow);
        return new Frequent(matches, window, budget, fallback);
    }
}

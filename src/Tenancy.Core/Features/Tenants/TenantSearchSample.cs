using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Tenancy.Core.Data;

namespace Tenancy.Core.Features.Tenants;

/// <summary>
/// A small random sample of the tenant catalog (PostgreSQL only), kept in memory and refreshed
/// every few minutes, that tells the catalog how common a search fragment and its trigrams are.
/// The planner cannot know that for a LIKE pattern (its estimates are off by 50× for fragments),
/// and the right plan depends on it: see <see cref="TenantSearchPlan"/>.
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

    /// <summary>Reads a fresh sample, or null when the table is small enough that every plan is fast.</summary>
    public static async Task<TenantSearchSample?> ReadAsync(TenancyDbContext db, long minimumTableRows, CancellationToken cancellationToken)
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
        command.CommandText = "SELECT search_text, status, plan_id, region FROM tenants TABLESAMPLE SYSTEM (@percent)";
        var parameter = command.CreateParameter();
        parameter.ParameterName = "percent";
        parameter.Value = (float)percent;
        command.Parameters.Add(parameter);
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

/// <summary>How a substring search runs, chosen from the sample.</summary>
public abstract record TenantSearchPlan
{
    /// <summary>A fragment this common is read in sort order (each page reads about 50 / frequency rows).</summary>
    public const double FrequentShare = 0.005;

    private TenantSearchPlan()
    {
    }

    /// <summary>No sample (small table, SQLite): LIKE with the whole escaped pattern.</summary>
    public sealed record Pattern : TenantSearchPlan;

    /// <summary>
    /// A common fragment: walk the sort index and keep matching rows (<c>strpos</c>, not indexable,
    /// so the planner cannot pick the trigram index that would have to produce every match first).
    /// No cap; the count is the sample's estimate.
    /// </summary>
    public sealed record Frequent(long EstimatedMatches) : TenantSearchPlan;

    /// <summary>
    /// A rarer fragment: the trigram index is asked only for its rarest trigrams (a fragment of 16
    /// characters has 14 trigrams, some of them in millions of rows), the whole fragment is checked
    /// with <c>strpos</c> on the few candidates; at most <see cref="TenantCatalog.SearchCap"/> matches.
    /// </summary>
    public sealed record Rare(IReadOnlyList<string> Trigrams) : TenantSearchPlan;

    public static TenantSearchPlan Choose(TenantSearchSample? sample, string term, TenantQuery filters)
    {
        if (sample is null || sample.Rows.Count == 0)
        {
            return new Pattern();
        }

        var hits = sample.Count(term, filters);
        if (hits >= Math.Max(20, sample.Rows.Count * FrequentShare))
        {
            return new Frequent(sample.Estimate(hits));
        }

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

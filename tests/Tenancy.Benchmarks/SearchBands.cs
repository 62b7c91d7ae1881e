using System.Globalization;
using Npgsql;
using Tenancy.Core.Features.Tenants;

namespace Tenancy.Benchmarks;

/// <summary>
/// Search terms from the seeded data whose match counts fall near given targets (about 1,000,
/// 5,000, 20,000 and 100,000 matches at 10 million tenants, scaled to the table's size): the
/// bands an earlier planner capped. Found untimed, before the cases run: every run of 4 to
/// 8 letters in a random sample of the catalog is counted, the closest to each target is counted
/// exactly with the plain pattern.
/// </summary>
public static class SearchBands
{
    public sealed record Band(string Label, string Term, long Matches);

    private static readonly (string Label, long AtTenMillion)[] Targets =
        [("1k", 1_000), ("5k", 5_000), ("20k", 20_000), ("100k", 100_000)];

    public static async Task<IReadOnlyList<Band>> FindAsync(NpgsqlDataSource dataSource, long tenants)
    {
        var sample = new List<string>();
        const int sampleRows = 100_000;
        var percent = Math.Clamp(sampleRows * 100.0 / Math.Max(tenants, 1), 0.01, 100);
        await using (var command = dataSource.CreateCommand(
            $"SELECT search_text FROM tenants TABLESAMPLE BERNOULLI ({percent.ToString(CultureInfo.InvariantCulture)}) REPEATABLE (7)"))
        {
            command.CommandTimeout = 0;
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                sample.Add(reader.GetString(0));
            }
        }

        // How many sampled rows contain each substring of letters (counted once per row).
        var rowsWith = new Dictionary<string, int>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var text in sample)
        {
            seen.Clear();
            for (var start = 0; start < text.Length; start++)
            {
                for (var length = 4; length <= 8 && start + length <= text.Length; length++)
                {
                    // Words or parts of words, as staff type them: letters only.
                    var piece = text.Substring(start, length);
                    if (!piece.All(char.IsAsciiLetterLower))
                    {
                        break;
                    }

                    if (seen.Add(piece))
                    {
                        rowsWith[piece] = rowsWith.GetValueOrDefault(piece) + 1;
                    }
                }
            }
        }

        var bands = new List<Band>();
        foreach (var (label, atTenMillion) in Targets)
        {
            var target = atTenMillion * tenants / 10_000_000.0;
            var candidates = rowsWith
                .Select(p => (Term: p.Key, Estimate: p.Value * (double)tenants / sample.Count))
                .OrderBy(c => Math.Abs(Math.Log(c.Estimate / target)))
                .ThenBy(c => c.Term, StringComparer.Ordinal)
                .Take(5);
            Band? best = null;
            foreach (var (term, _) in candidates)
            {
                var exact = await CountAsync(dataSource, term);
                if (best is null || Math.Abs(Math.Log((double)exact / target)) < Math.Abs(Math.Log((double)best.Matches / target)))
                {
                    best = new Band(label, term, exact);
                }
            }

            bands.Add(best!);
        }

        return bands;
    }

    private static async Task<long> CountAsync(NpgsqlDataSource dataSource, string term)
    {
        await using var command = dataSource.CreateCommand("SELECT count(*) FROM tenants WHERE search_text LIKE @p ESCAPE '\\'");
        command.Parameters.AddWithValue("p", TenantCatalog.ToContainsPattern(term));
        command.CommandTimeout = 0;
        return (long)(await command.ExecuteScalarAsync())!;
    }
}

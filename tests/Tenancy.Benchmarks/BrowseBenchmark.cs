using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Tenancy.Core.Features.Plans;
using Tenancy.Core.Features.Tenants;
using static Tenancy.Benchmarks.BenchSql;

namespace Tenancy.Benchmarks;

/// <summary>
/// The tenant list at scale on PostgreSQL: each case runs the real <see cref="TenantCatalog"/>
/// method in-process, side by side with the naive approach common admin frameworks take (exact
/// <c>COUNT(*)</c>, <c>OFFSET</c> paging, <c>ILIKE '%x%'</c> over the text columns) as raw SQL.
/// Prints one <c>BENCH</c> line per case; the ratio is naive p95 / ours p95.
/// </summary>
public static class BrowseBenchmark
{
    /// <summary>Target for every browse, search and jump query of the catalog (p95).</summary>
    private const double TargetP95Milliseconds = 20;

    /// <summary>Target speed-up of the keyset deep page over OFFSET.</summary>
    private const double TargetDeepPageRatio = 100;

    private const int OursWarmup = 10;
    /// <summary>A common fragment: a word in company names (about 2 % of tenants).</summary>
    private const string CommonFragment = "tech";

    /// <summary>A mid-frequency fragment (about 0.5 %): a surname in names and owner emails, the case where a trigram plan can pick badly.</summary>
    private const string MidFragment = "keller";

    private const string Columns = "id, name, slug, owner_email, status, plan_id, region, created_at";

    /// <summary>The rows the portal's list shows by default: all but the deleted tenants.</summary>
    private const string ShownSql = "status <> 'Deleted'";

    public static async Task<int> RunAsync(BenchOptions options)
    {
        var connectionString = options.PostgresConnectionString();
        await using var services = SeedBenchmark.CreateServices(options);
        await SeedBenchmark.MigrateAndSeedUnlessSeededAsync(services, connectionString, options.Tenants);
        await using var dataSource = new NpgsqlDataSourceBuilder(connectionString).Build();

        var setup = await BrowseSetup.LoadAsync(dataSource);
        setup.Print();
        var bands = await SearchBands.FindAsync(dataSource, setup.Tenants);
        foreach (var band in bands)
        {
            Console.WriteLine($"# setup: band {band.Label}: '{band.Term}' matches {band.Matches:N0} tenants");
        }

        var catalog = services.GetRequiredService<TenantCatalog>();
        var runner = new CaseRunner(dataSource, setup.Tenants, options);
        var filter = new TenantQuery
        {
            Status = TenantStatus.Active,
            PlanId = PlanCatalog.Professional,
            Sort = TenantSort.Created,
            Direction = SortDirection.Descending,
        };
        const string filterSql = "status = 'Active' AND plan_id = 'professional'";
        const string searchSql = "name ILIKE @p OR slug ILIKE @p OR owner_email ILIKE @p";

        // The naive admin's search box is also how it "jumps": paste an id, slug or Stripe id and
        // it runs the same ILIKE over every searchable column.
        const string searchBoxSql =
            "name ILIKE @p OR slug ILIKE @p OR owner_email ILIKE @p OR stripe_customer_id ILIKE @p OR id::text ILIKE @p";
        var deepOffset = setup.DeepRow;

        var results = new List<CaseResult?>
        {
            await runner.RunAsync(
                "first_page", CaseKind.Browse,
                async () => await catalog.BrowseAsync(new TenantQuery()),
                $"SELECT {Columns} FROM tenants ORDER BY name, id LIMIT 50 OFFSET 0", null),
            await runner.RunAsync(
                $"deep_page_{deepOffset / 1000}k", CaseKind.DeepPage,
                async () => await catalog.BrowseAsync(new TenantQuery { Page = PageRequest.After(setup.DeepCursor) }),
                $"SELECT {Columns} FROM tenants ORDER BY name, id LIMIT 50 OFFSET {deepOffset}", null),
            await runner.RunAsync(
                "last_page", CaseKind.Browse,
                async () => await catalog.BrowseAsync(new TenantQuery { Page = PageRequest.Last }),
                $"SELECT {Columns} FROM tenants ORDER BY name, id LIMIT 50 OFFSET {Math.Max(setup.Tenants - 50, 0)}", null),
            await runner.RunAsync(
                "filtered_page", CaseKind.Browse,
                async () => await catalog.BrowseAsync(filter),
                $"SELECT {Columns} FROM tenants WHERE {filterSql} ORDER BY created_at DESC, id DESC LIMIT 50 OFFSET 0", null),
        };

        // The portal's list opens with deleted tenants hidden (TenantListUrl.Default): the first
        // page and every search also as the portal shows them.
        var shown = new TenantQuery { HideDeleted = true };
        await ExpectPlainRowsAsync(catalog, dataSource, shown, "name, id");
        results.Add(await runner.RunAsync(
            "first_page_deleted_hidden", CaseKind.Browse,
            async () => await catalog.BrowseAsync(shown),
            $"SELECT {Columns} FROM tenants WHERE {ShownSql} ORDER BY name, id LIMIT 50 OFFSET 0", null));
        foreach (var (label, term) in new[] { ("common", CommonFragment), ("mid", MidFragment), ("rare", setup.RareFragment) })
        {
            foreach (var hidden in new[] { false, true })
            {
                var query = new TenantQuery { Search = term, HideDeleted = hidden };
                await ExpectPlainRowsAsync(catalog, dataSource, query, "name, id");
                results.Add(await runner.RunAsync(
                    $"search_{label}{(hidden ? "_deleted_hidden" : "")}", CaseKind.Browse,
                    async () => await catalog.BrowseAsync(query),
                    $"SELECT {Columns} FROM tenants WHERE ({searchSql}){(hidden ? $" AND {ShownSql}" : "")} ORDER BY name, id LIMIT 50 OFFSET 0", Contains(term)));
            }
        }

        foreach (var band in bands)
        {
            foreach (var (suffix, sort, direction, order) in new[]
            {
                ("name", TenantSort.Name, SortDirection.Ascending, "name, id"),
                ("created_desc", TenantSort.Created, SortDirection.Descending, "created_at DESC, id DESC"),
            })
            {
                foreach (var hidden in new[] { false, true })
                {
                    var query = new TenantQuery { Search = band.Term, Sort = sort, Direction = direction, HideDeleted = hidden };
                    await ExpectPlainRowsAsync(catalog, dataSource, query, order);
                    results.Add(await runner.RunAsync(
                        $"search_band_{band.Label}_{suffix}{(hidden ? "_deleted_hidden" : "")}", CaseKind.Browse,
                        async () => await catalog.BrowseAsync(query),
                        $"SELECT {Columns} FROM tenants WHERE ({searchSql}){(hidden ? $" AND {ShownSql}" : "")} ORDER BY {order} LIMIT 50 OFFSET 0", Contains(band.Term)));
                }
            }
        }

        results.AddRange(
        [
            await runner.RunAsync(
                "jump_id", CaseKind.Browse,
                async () => Expect(await catalog.FindExactAsync(setup.JumpId.ToString()), setup.JumpId),
                $"SELECT {Columns} FROM tenants WHERE {searchBoxSql} ORDER BY name, id LIMIT 50 OFFSET 0", Contains(setup.JumpId.ToString())),
            await runner.RunAsync(
                "jump_slug", CaseKind.Browse,
                async () => Expect(await catalog.FindExactAsync(setup.JumpSlug), setup.JumpSlugTenant),
                $"SELECT {Columns} FROM tenants WHERE {searchBoxSql} ORDER BY name, id LIMIT 50 OFFSET 0", Contains(setup.JumpSlug)),
            await runner.RunAsync(
                "jump_stripe_customer", CaseKind.Browse,
                async () => Expect(await catalog.FindExactAsync(setup.JumpCustomer), setup.JumpCustomerTenant),
                $"SELECT {Columns} FROM tenants WHERE {searchBoxSql} ORDER BY name, id LIMIT 50 OFFSET 0", Contains(setup.JumpCustomer)),
            await runner.RunAsync(
                "count_all", CaseKind.Count,
                async () => await catalog.CountAsync(new TenantQuery()),
                "SELECT count(*) FROM tenants", null),
            await runner.RunAsync(
                "count_filtered", CaseKind.Count,
                async () => await catalog.CountAsync(filter),
                $"SELECT count(*) FROM tenants WHERE {filterSql}", null),
            await runner.RunAsync(
                "count_search_common", CaseKind.Count,
                async () => await catalog.CountAsync(new TenantQuery { Search = CommonFragment }),
                $"SELECT count(*) FROM tenants WHERE {searchSql}", Contains(CommonFragment)),
            await runner.RunAsync(
                "count_search_rare", CaseKind.Count,
                async () => await catalog.CountAsync(new TenantQuery { Search = setup.RareFragment }),
                $"SELECT count(*) FROM tenants WHERE {searchSql}", Contains(setup.RareFragment)),
        ]);

        Console.WriteLine("# ratio = naive p95 / ours p95");
        var missed = 0;
        foreach (var result in results.OfType<CaseResult>())
        {
            if (result.Kind is CaseKind.Browse or CaseKind.DeepPage && result.Ours.P95 >= TargetP95Milliseconds)
            {
                Console.WriteLine($"# MISSED {result.Name}: p95 {Ms(result.Ours.P95)} ms, target < {TargetP95Milliseconds} ms");
                missed++;
            }

            if (result.Kind == CaseKind.DeepPage && result.Ratio < TargetDeepPageRatio)
            {
                Console.WriteLine($"# MISSED {result.Name}: {result.Ratio:F0}x faster than OFFSET, target >= {TargetDeepPageRatio}x");
                missed++;
            }
        }

        Console.WriteLine(missed == 0 ? "# all targets met" : $"# {missed} target(s) missed");
        return 0;
    }

    /// <summary>
    /// Fails the run unless the catalog's first and last pages are exactly the plain query's rows
    /// (<c>LIKE</c> over every match, <c>ORDER BY sort, id</c>): a fast wrong answer is no result.
    /// </summary>
    private static async Task ExpectPlainRowsAsync(TenantCatalog catalog, NpgsqlDataSource dataSource, TenantQuery query, string order)
    {
        var reversed = string.Join(", ", order.Split(", ").Select(part => part.EndsWith(" DESC", StringComparison.Ordinal) ? part[..^5] : part + " DESC"));
        var where = (query.SearchTerm is null ? "true" : "search_text LIKE @p ESCAPE '\\'") + (query.HideDeleted ? $" AND {ShownSql}" : "");
        foreach (var (page, sql) in new[]
        {
            (PageRequest.First, $"SELECT id FROM tenants WHERE {where} ORDER BY {order} LIMIT @n"),
            (PageRequest.Last, $"SELECT id FROM (SELECT id, name, created_at FROM tenants WHERE {where} ORDER BY {reversed} LIMIT @n) last ORDER BY {order}"),
        })
        {
            var ours = (await catalog.BrowseAsync(query with { Page = page })).Items.Select(i => i.Id).ToList();
            var plain = new List<Guid>();
            await using var command = dataSource.CreateCommand(sql);
            if (query.SearchTerm is { } term)
            {
                command.Parameters.AddWithValue("p", TenantCatalog.ToContainsPattern(term));
            }
            command.Parameters.AddWithValue("n", query.PageSize);
            command.CommandTimeout = 0;
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                plain.Add(reader.GetGuid(0));
            }

            if (!ours.SequenceEqual(plain))
            {
                throw new InvalidOperationException(
                    $"'{query.SearchTerm}' sorted by {order}{(query.HideDeleted ? ", deleted hidden" : "")}, {page.Kind} page: the catalog's rows differ from the plain query's");
            }
        }
    }

    private static Action<NpgsqlParameterCollection> Contains(string term) =>
        parameters => parameters.AddWithValue("p", TenantCatalog.ToContainsPattern(term));

    /// <summary>Fails the run if the catalog did not find the tenant it should have.</summary>
    private static TenantExactMatch Expect(TenantExactMatch? match, Guid expected) =>
        match is not null && match.Id == expected
            ? match
            : throw new InvalidOperationException($"exact jump found {match?.Id.ToString() ?? "nothing"}, expected {expected}");

    internal static string Ms(double milliseconds) => milliseconds.ToString(milliseconds < 100 ? "F2" : "F0", CultureInfo.InvariantCulture);

    private enum CaseKind
    {
        Browse,
        DeepPage,
        Count,
    }

    private sealed record Stats(double P50, double P95, int Samples)
    {
        public static Stats Of(List<double> samples)
        {
            samples.Sort();
            return new Stats(Percentile(samples, 0.50), Percentile(samples, 0.95), samples.Count);
        }

        /// <summary>Nearest-rank percentile.</summary>
        private static double Percentile(List<double> sorted, double p) =>
            sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
    }

    private sealed record CaseResult(string Name, CaseKind Kind, Stats Ours, Stats Naive)
    {
        public double Ratio => Naive.P95 / Math.Max(Ours.P95, 0.001);
    }

    private sealed class CaseRunner(NpgsqlDataSource dataSource, long tenants, BenchOptions options)
    {
        /// <summary>A naive query faster than this gets as many samples as ours (capped); slower ones get <see cref="BenchOptions.NaiveSamples"/>.</summary>
        private static readonly TimeSpan SlowNaive = TimeSpan.FromMilliseconds(200);

        public async Task<CaseResult?> RunAsync(
            string name, CaseKind kind, Func<Task<object?>> ours, string naiveSql, Action<NpgsqlParameterCollection>? parameters)
        {
            if (!options.RunsCase(name))
            {
                return null;
            }

            for (var i = 0; i < OursWarmup; i++)
            {
                await ours();
            }

            var oursSamples = new List<double>(options.Samples);
            for (var i = 0; i < options.Samples; i++)
            {
                var start = Stopwatch.GetTimestamp();
                await ours();
                oursSamples.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }

            var warmup = await NaiveAsync(naiveSql, parameters);
            var naiveCount = warmup < SlowNaive ? Math.Min(options.Samples, 50) : options.NaiveSamples;
            var naiveSamples = new List<double>(naiveCount);
            for (var i = 0; i < naiveCount; i++)
            {
                naiveSamples.Add((await NaiveAsync(naiveSql, parameters)).TotalMilliseconds);
            }

            var result = new CaseResult(name, kind, Stats.Of(oursSamples), Stats.Of(naiveSamples));
            Console.WriteLine(
                $"BENCH {name} tenants={tenants} p50_ms={Ms(result.Ours.P50)} p95_ms={Ms(result.Ours.P95)} " +
                $"naive_p95_ms={Ms(result.Naive.P95)} ratio={result.Ratio.ToString(result.Ratio < 10 ? "F1" : "F0", CultureInfo.InvariantCulture)}");
            Console.WriteLine(
                $"#   samples ours={result.Ours.Samples} naive={result.Naive.Samples}, naive p50 {Ms(result.Naive.P50)} ms; naive: {naiveSql}");
            return result;
        }

        /// <summary>Runs the naive query and reads every row, as a page would.</summary>
        private async Task<TimeSpan> NaiveAsync(string sql, Action<NpgsqlParameterCollection>? parameters)
        {
            var start = Stopwatch.GetTimestamp();
            await using var command = dataSource.CreateCommand(sql);
            command.CommandTimeout = 0;
            parameters?.Invoke(command.Parameters);
            await using var reader = await command.ExecuteReaderAsync();
            var values = new object[reader.FieldCount];
            while (await reader.ReadAsync())
            {
                reader.GetValues(values);
            }

            return Stopwatch.GetElapsedTime(start);
        }
    }
}

using System.Diagnostics;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;
using Tenancy.Core.Data;
using Tenancy.Core.Features.Restore;
using Tenancy.Core.Features.TenantData;
using static Tenancy.Benchmarks.BenchSql;

namespace Tenancy.Benchmarks;

/// <summary>
/// The <c>restore</c> command (decision 0005), in one run on one database:
/// <list type="number">
/// <item>rewind: one tenant whose data changed in <c>--changed</c> rows after a moment (half
/// updated, a quarter deleted, a quarter inserted, each by one statement, as a bad import would)
/// inside the seeded catalog; <see cref="TenantRewind.PreviewAsync"/> five times (median) and
/// <see cref="TenantRewind.RewindAsync"/> once, checked against a checksum of the tenant's data at
/// the moment and of the other tenants' data before the rewind;</item>
/// <item>capture overhead: the same single-row transactions (insert, update, delete, as the
/// product issues them) and bulk statements (10,000 rows) with the capture triggers on and off,
/// alternating, on the same table;</item>
/// <item>the same rewind again after the other tenants' data is topped up to <c>--others</c> rows
/// (bulk-loaded without capture, as the seed does), so the two rewinds differ only in database size;</item>
/// <item>the change log's size per captured change, and the purge of a day of changes (a weekly
/// partition past the retention, dropped).</item>
/// </list>
/// </summary>
public static class RestoreBenchmark
{
    private const int SingleRowTransactions = 600;
    private const int BulkRows = 10_000;
    private const int Rounds = 5;
    private const int CaptureRounds = 15;
    private const int RewindRuns = 3;
    private const int PurgedChanges = 1_000_000;

    public static async Task<int> RunAsync(BenchOptions options)
    {
        var connectionString = options.PostgresConnectionString();
        await using var services = SeedBenchmark.CreateServices(options);
        await SeedBenchmark.MigrateAndSeedUnlessSeededAsync(services, connectionString, options.Tenants);
        await using var dataSource = new NpgsqlDataSourceBuilder(connectionString).Build();

        var contexts = services.GetRequiredService<IDbContextFactory<TenancyDbContext>>();
        var ok = await RewindAsync(dataSource, contexts, options.Changed);
        await CaptureOverheadAsync(dataSource, contexts);
        if (options.Others is { } others)
        {
            await TopUpOthersAsync(dataSource, others);
            ok &= await RewindAsync(dataSource, contexts, options.Changed);
        }

        await LogSizeAsync(dataSource);
        await PurgeAsync(dataSource, contexts);
        return ok ? 0 : 1;
    }

    /// <summary>
    /// <see cref="RewindRuns"/> rewinds of a new tenant's bad import each, on a settled database
    /// (vacuumed and analysed, as autovacuum keeps a live one; right after a bulk load it is still
    /// busy with the new rows, which slowed one of two otherwise equal sizes by a quarter):
    /// the median preview and rewind, and every run.
    /// </summary>
    private static async Task<bool> RewindAsync(NpgsqlDataSource dataSource, IDbContextFactory<TenancyDbContext> contexts, int changed)
    {
        var settle = Stopwatch.StartNew();
        await using (var db = await contexts.CreateDbContextAsync())
        {
            foreach (var table in ChangeCaptureSql.Tables(db.Model).Select(t => t.Name).Append(TenantChangeConfiguration.TableName))
            {
                await ExecuteAsync(dataSource, $"VACUUM ANALYZE {table}");
            }
        }

        Console.WriteLine($"# settled (VACUUM ANALYZE of the tenant tables and the log) in {settle.Elapsed.TotalSeconds:F0} s");
        var others = await OtherRowsAsync(dataSource);
        var runs = new List<(double PreviewMs, double Seconds, int Changed)>();
        var ok = true;
        for (var run = 0; run < RewindRuns; run++)
        {
            var (previewMs, seconds, rows, exact) = await RewindOnceAsync(dataSource, contexts, changed, others);
            runs.Add((previewMs, seconds, rows));
            ok &= exact;
        }

        Console.WriteLine(Invariant($"# rewind runs: {string.Join(", ", runs.Select(r => r.Seconds.ToString("F2", CultureInfo.InvariantCulture)))} s; preview medians {string.Join(", ", runs.Select(r => r.PreviewMs.ToString("F0", CultureInfo.InvariantCulture)))} ms"));
        Console.WriteLine(Invariant($"BENCH restore-preview changed={runs[0].Changed} others={others} ms={Median(runs.Select(r => r.PreviewMs).ToList()):F0}"));
        Console.WriteLine(Invariant($"BENCH restore changed={runs[0].Changed} others={others} seconds={Median(runs.Select(r => r.Seconds).ToList()):F2}"));
        return ok;
    }

    /// <summary>One tenant, its bad import, five previews (their median) and the rewind, checked against checksums.</summary>
    private static async Task<(double PreviewMs, double Seconds, int Changed, bool Exact)> RewindOnceAsync(
        NpgsqlDataSource dataSource, IDbContextFactory<TenancyDbContext> contexts, int changed, long others)
    {
        var tenant = await NewTenantAsync(dataSource, "Restore bench");
        await AddItemsAsync(dataSource, tenant, "Item", changed);
        await ExecuteAsync(dataSource, "ANALYZE tenant_changes");
        Console.WriteLine($"# setup: {others:N0} rows of other tenants' data in the tenant tables; the tenant has 1,000 projects and {changed:N0} items");

        await Task.Delay(50);
        var moment = DateTime.UtcNow;
        await Task.Delay(50);
        var atMoment = await ChecksumAsync(dataSource, $"tenant_id = '{tenant}'");

        // The bad import: one statement each, the way a bulk tool writes.
        var update = Stopwatch.StartNew();
        await ExecuteAsync(dataSource, $"DELETE FROM project_items WHERE tenant_id = '{tenant}' AND size_bytes % 4 = 2");
        await ExecuteAsync(dataSource, $"UPDATE project_items SET title = title || ' (imported)', size_bytes = size_bytes + 1000000 WHERE tenant_id = '{tenant}' AND size_bytes % 4 IN (0, 1)");
        await AddItemsAsync(dataSource, tenant, "Imported", changed / 4);
        Console.WriteLine($"# the import took {update.Elapsed.TotalSeconds:F1} s");
        var othersBefore = await ChecksumAsync(dataSource, $"tenant_id <> '{tenant}'");

        var rewind = new TenantRewind(contexts, Options.Create(new RestoreOptions()), TimeProvider.System);
        var previewTimes = new List<double>();
        RewindResult? preview = null;
        for (var i = 0; i < 5; i++)
        {
            var watch = Stopwatch.StartNew();
            preview = await rewind.PreviewAsync(tenant, moment);
            previewTimes.Add(watch.Elapsed.TotalMilliseconds);
        }

        var run = Stopwatch.StartNew();
        var result = await rewind.RewindAsync(tenant, moment, "restore benchmark");
        var seconds = run.Elapsed.TotalSeconds;

        var exact = await ChecksumAsync(dataSource, $"tenant_id = '{tenant}'") == atMoment;
        var untouched = await ChecksumAsync(dataSource, $"tenant_id <> '{tenant}'") == othersBefore;
        Console.WriteLine($"# preview: {string.Join(", ", preview!.Tables.Select(t => $"{t.Table} -{t.Deleted} +{t.Reinserted} ~{t.Changed}"))}; runs {string.Join(", ", previewTimes.Select(t => t.ToString("F0", CultureInfo.InvariantCulture)))} ms");
        Console.WriteLine($"# rewind: {result.Total:N0} rows in {seconds:F2} s; tenant equals its data at the moment: {exact}; other tenants untouched: {untouched}");
        return (Median(previewTimes), seconds, result.Total, exact && untouched);
    }

    /// <summary>
    /// The capture triggers' cost: single-row transactions (an insert, an update and a delete of
    /// one item each, in their own transaction; once as prepared statements, the least a writer
    /// can spend, and once through EF Core as an application on the model writes) and bulk statements (an UPDATE and an INSERT of
    /// <see cref="BulkRows"/> rows), timed with capture on and off (<c>DISABLE TRIGGER USER</c>,
    /// as the seed sets it aside) on the same table, the two back to back in each of
    /// <see cref="CaptureRounds"/> rounds (which goes first alternates). The ratio is the median of
    /// the rounds' ratios: this machine's commit latency drifts by several times over a minute, and
    /// a ratio of two neighbouring measurements is the one that drift does not skew.
    /// </summary>
    private static async Task CaptureOverheadAsync(NpgsqlDataSource dataSource, IDbContextFactory<TenancyDbContext> contexts)
    {
        var tenant = await NewTenantAsync(dataSource, "Capture bench");
        await AddItemsAsync(dataSource, tenant, "Item", BulkRows);
        await ExecuteAsync(dataSource, "ANALYZE project_items");
        var project = await ScalarAsync<Guid>(dataSource, $"SELECT id FROM projects WHERE tenant_id = '{tenant}' LIMIT 1");
        var single = new Dictionary<bool, List<double>> { [true] = [], [false] = [] };
        var singleEf = new Dictionary<bool, List<double>> { [true] = [], [false] = [] };
        var bulk = new Dictionary<bool, List<double>> { [true] = [], [false] = [] };
        for (var round = 0; round < CaptureRounds; round++)
        {
            await WithAndWithoutAsync(single, round, () => SingleRowAsync(dataSource, tenant, project));
            await WithAndWithoutAsync(singleEf, round, () => SingleRowThroughEfAsync(contexts, tenant, project));
            await WithAndWithoutAsync(bulk, round, () => BulkAsync(dataSource, tenant, project));
        }

        await ExecuteAsync(dataSource, "ALTER TABLE project_items ENABLE TRIGGER USER");
        Report("single", single, $"{SingleRowTransactions} transactions of one row (insert, update, delete in turn), prepared statements");
        Report("single-ef", singleEf, $"{SingleRowTransactions} transactions of one row (insert, update, delete in turn), each an EF Core SaveChanges of its own context");
        Report("bulk", bulk, $"a {BulkRows:N0}-row UPDATE and a {BulkRows:N0}-row INSERT");

        // Capture on and off back to back, which goes first alternating with the round.
        async Task WithAndWithoutAsync(Dictionary<bool, List<double>> times, int round, Func<Task<double>> measure)
        {
            foreach (var capture in round % 2 == 0 ? new[] { true, false } : [false, true])
            {
                await ExecuteAsync(dataSource, $"ALTER TABLE project_items {(capture ? "ENABLE" : "DISABLE")} TRIGGER USER");
                times[capture].Add(await measure());
            }
        }

        static void Report(string kind, Dictionary<bool, List<double>> times, string what)
        {
            var ratios = times[true].Zip(times[false], (with, without) => with / without).Order().ToList();
            Console.WriteLine(Invariant(
                $"# capture {kind}: {what}; with capture {Median(times[true]):F0} ms, without {Median(times[false]):F0} ms (medians of {CaptureRounds}); round ratios {ratios[0]:F2}–{ratios[^1]:F2}"));
            Console.WriteLine(Invariant($"BENCH capture-overhead kind={kind} ratio={Median(ratios):F2}"));
        }
    }

    /// <summary>Milliseconds for <see cref="SingleRowTransactions"/> autocommitted statements of one row each: insert, update, delete in turn.</summary>
    private static async Task<double> SingleRowAsync(NpgsqlDataSource dataSource, Guid tenant, Guid project)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var insert = new NpgsqlCommand(
            "INSERT INTO project_items (tenant_id, id, project_id, title, size_bytes, created_at, updated_at) VALUES (@t, @id, @p, 'Single', 1, now(), now())", connection);
        await using var change = new NpgsqlCommand("UPDATE project_items SET size_bytes = size_bytes + 1, updated_at = now() WHERE tenant_id = @t AND id = @id", connection);
        await using var delete = new NpgsqlCommand("DELETE FROM project_items WHERE tenant_id = @t AND id = @id", connection);
        var id = new NpgsqlParameter<Guid>("id", Guid.Empty);
        insert.Parameters.AddWithValue("t", tenant);
        insert.Parameters.AddWithValue("p", project);
        insert.Parameters.Add(id);
        change.Parameters.AddWithValue("t", tenant);
        change.Parameters.Add(new NpgsqlParameter<Guid>("id", Guid.Empty));
        delete.Parameters.AddWithValue("t", tenant);
        delete.Parameters.Add(new NpgsqlParameter<Guid>("id", Guid.Empty));
        await insert.PrepareAsync();
        await change.PrepareAsync();
        await delete.PrepareAsync();
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < SingleRowTransactions / 3; i++)
        {
            var row = Guid.CreateVersion7();
            id.TypedValue = row;
            ((NpgsqlParameter<Guid>)change.Parameters["id"]).TypedValue = row;
            ((NpgsqlParameter<Guid>)delete.Parameters["id"]).TypedValue = row;
            await insert.ExecuteNonQueryAsync();
            await change.ExecuteNonQueryAsync();
            await delete.ExecuteNonQueryAsync();
        }

        return watch.Elapsed.TotalMilliseconds;
    }

    /// <summary>
    /// Milliseconds for the same <see cref="SingleRowTransactions"/> writes as an application on
    /// the EF Core model issues them: a context per write (as per request), the entity added,
    /// attached and changed, or removed, and one <c>SaveChanges</c> each (one statement, no
    /// explicit transaction).
    /// </summary>
    private static async Task<double> SingleRowThroughEfAsync(IDbContextFactory<TenancyDbContext> contexts, Guid tenant, Guid project)
    {
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < SingleRowTransactions / 3; i++)
        {
            var now = DateTime.UtcNow;
            var item = new ProjectItem { TenantId = tenant, ProjectId = project, Title = "Single", SizeBytes = 1, CreatedAt = now, UpdatedAt = now };
            await using (var db = await contexts.CreateDbContextAsync())
            {
                db.ProjectItems.Add(item);
                await db.SaveChangesAsync();
            }

            await using (var db = await contexts.CreateDbContextAsync())
            {
                db.ProjectItems.Attach(item);
                item.SizeBytes++;
                item.UpdatedAt = DateTime.UtcNow;
                await db.SaveChangesAsync();
            }

            await using (var db = await contexts.CreateDbContextAsync())
            {
                db.ProjectItems.Remove(item);
                await db.SaveChangesAsync();
            }
        }

        return watch.Elapsed.TotalMilliseconds;
    }

    /// <summary>Milliseconds for one UPDATE of the tenant's <see cref="BulkRows"/> items and one INSERT of as many (deleted again, untimed).</summary>
    private static async Task<double> BulkAsync(NpgsqlDataSource dataSource, Guid tenant, Guid project)
    {
        await ExecuteAsync(dataSource, "CHECKPOINT");
        var watch = Stopwatch.StartNew();
        await ExecuteAsync(dataSource, $"UPDATE project_items SET size_bytes = size_bytes + 1, updated_at = now() WHERE tenant_id = '{tenant}' AND title LIKE 'Item %'");
        await ExecuteAsync(dataSource, $"""
            INSERT INTO project_items (tenant_id, id, project_id, title, size_bytes, created_at, updated_at)
            SELECT '{tenant}', gen_random_uuid(), '{project}', 'Bulk ' || i, i, now(), now() FROM generate_series(1, {BulkRows}) AS i
            """);
        var elapsed = watch.Elapsed.TotalMilliseconds;
        await ExecuteAsync(dataSource, $"DELETE FROM project_items WHERE tenant_id = '{tenant}' AND title LIKE 'Bulk %'");
        return elapsed;
    }

    /// <summary>
    /// Tops the other tenants' data up to <paramref name="target"/> rows with items of the seeded
    /// tenants that have projects, bulk-loaded with capture set aside as the seed does (history
    /// says nothing of them: they are "loaded").
    /// </summary>
    private static async Task TopUpOthersAsync(NpgsqlDataSource dataSource, long target)
    {
        var missing = target - await OtherRowsAsync(dataSource);
        if (missing <= 0)
        {
            return;
        }

        var watch = Stopwatch.StartNew();
        await ExecuteAsync(dataSource, $"""
            BEGIN;
            ALTER TABLE project_items DISABLE TRIGGER USER;
            INSERT INTO project_items (tenant_id, id, project_id, title, size_bytes, created_at, updated_at)
            SELECT p.tenant_id, gen_random_uuid(), p.id, 'Loaded item ' || g, g, now(), now()
            FROM generate_series(1, {missing}) g
            JOIN (SELECT tenant_id, id, row_number() OVER () - 1 AS n FROM projects) p ON p.n = g % (SELECT count(*) FROM projects);
            ALTER TABLE project_items ENABLE TRIGGER USER;
            COMMIT;
            ANALYZE project_items;
            """);
        Console.WriteLine($"# topped the other tenants' data up by {missing:N0} rows (capture set aside, as the seed loads) in {watch.Elapsed.TotalSeconds:F0} s");
    }

    /// <summary>The change log's bytes (every partition, with indexes and TOAST) per captured row change.</summary>
    private static async Task LogSizeAsync(NpgsqlDataSource dataSource)
    {
        var entries = await ScalarAsync<long>(dataSource, "SELECT count(*) FROM tenant_changes");
        var rows = await ScalarAsync<long>(dataSource, "SELECT coalesce(sum(row_count), 0) FROM tenant_changes");
        var bytes = await ScalarAsync<decimal>(dataSource,
            "SELECT sum(pg_total_relation_size(relid))::numeric FROM pg_partition_tree('tenant_changes') WHERE isleaf");
        Console.WriteLine(Invariant($"# change log: {rows:N0} row changes in {entries:N0} entries, {bytes / 1024 / 1024:F0} MB with indexes"));
        Console.WriteLine(Invariant($"BENCH restore-log bytes_per_change={bytes / Math.Max(rows, 1):F0}"));
    }

    /// <summary>
    /// The retention purge of a day of changes (<see cref="PurgedChanges"/> single-row entries, the
    /// most entries a day's changes can take, each shaped like an item update's): written into the partition of a week long past, then purged by
    /// <see cref="ChangeLogPurge"/> at a time when that week is past the retention.
    /// </summary>
    private static async Task PurgeAsync(NpgsqlDataSource dataSource, IDbContextFactory<TenancyDbContext> contexts)
    {
        var day = new DateTime(2025, 1, 7, 0, 0, 0, DateTimeKind.Utc);
        await ExecuteAsync(dataSource, Invariant($"""
            SELECT {TenantChangePartitions.EnsureFunction}('{day:yyyy-MM-dd}', 0);
            INSERT INTO tenant_changes (tenant_id, changed_at, table_name, op, row_count, row_keys, befores)
            SELECT gen_random_uuid(), '{day:yyyy-MM-dd}'::timestamptz + (g * interval '86 ms'), 'project_items', 'U', 1,
                   json_build_array(json_build_object('id', gen_random_uuid())),
                   json_build_array(json_build_object('id', gen_random_uuid(), 'title', 'Item ' || g, 'size_bytes', g, 'created_at', now(), 'updated_at', now()))
            FROM generate_series(1, {PurgedChanges}) g;
            """));
        var purge = new ChangeLogPurge(contexts, Options.Create(new RestoreOptions()), new FixedClock(new DateTimeOffset(day.AddDays(60))));
        var watch = Stopwatch.StartNew();
        var result = await purge.PurgeAsync(CancellationToken.None);
        var ms = watch.Elapsed.TotalMilliseconds;
        Console.WriteLine($"# purge: {result.PartitionsDropped} partitions dropped, {result.RowsDeleted} rows deleted from the default partition");
        Console.WriteLine(Invariant($"BENCH restore-purge changes={PurgedChanges} ms={ms:F0}"));
    }

    private static async Task<Guid> NewTenantAsync(NpgsqlDataSource dataSource, string name)
    {
        var tenant = Guid.CreateVersion7();
        await ExecuteAsync(dataSource, $"""
            INSERT INTO tenants (id, name, slug, owner_name, owner_email, status, plan_id, region, created_at, updated_at)
            VALUES ('{tenant}', '{name}', 'bench-{tenant:N}', 'Owner', 'owner@restore.example', 'Active', 'professional', 'eu-west', now(), now());
            INSERT INTO projects (tenant_id, id, name, created_at, updated_at)
            SELECT '{tenant}', gen_random_uuid(), 'Project ' || i, now(), now() FROM generate_series(1, 1000) AS i;
            """);
        return tenant;
    }

    /// <summary>Adds <paramref name="count"/> items titled "<paramref name="title"/> 1", "… 2", … spread over the tenant's 1,000 projects, in one statement.</summary>
    private static Task AddItemsAsync(NpgsqlDataSource dataSource, Guid tenant, string title, int count) =>
        ExecuteAsync(dataSource, $"""
            INSERT INTO project_items (tenant_id, id, project_id, title, size_bytes, created_at, updated_at)
            SELECT '{tenant}', gen_random_uuid(), p.id, '{title} ' || i, i, now(), now()
            FROM generate_series(1, {count}) AS i
            JOIN LATERAL (SELECT id FROM projects WHERE tenant_id = '{tenant}' ORDER BY id OFFSET (i % 1000) LIMIT 1) p ON true
            """);

    private static Task<long> OtherRowsAsync(NpgsqlDataSource dataSource) =>
        ScalarAsync<long>(dataSource, "SELECT (SELECT count(*) FROM project_items) + (SELECT count(*) FROM projects) + (SELECT count(*) FROM members) + (SELECT count(*) FROM tenant_settings)");

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// A checksum of the rows of every tenant table matching <paramref name="where"/>: their
    /// count and the sum of a 64-bit hash of each row's text, in one pass and without holding the
    /// rows (it runs over ten million).
    /// </summary>
    private static Task<string> ChecksumAsync(NpgsqlDataSource dataSource, string where) =>
        ScalarAsync<string>(dataSource, $"""
            SELECT count(*)::text || ':' || coalesce(sum(hashtextextended(x, 0)::numeric), 0)::text FROM (
              SELECT 'p' || t::text AS x FROM projects t WHERE {where}
              UNION ALL SELECT 'i' || t::text FROM project_items t WHERE {where}
              UNION ALL SELECT 'm' || t::text FROM members t WHERE {where}
              UNION ALL SELECT 's' || t::text FROM tenant_settings t WHERE {where}) rows
            """);
}

/// <summary>A clock stopped at one moment: the purge run as if that moment were now.</summary>
internal sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}

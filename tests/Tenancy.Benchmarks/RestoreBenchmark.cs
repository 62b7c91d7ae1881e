using Microsoft.Extensions.Options;
using System.Diagnostics;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Tenancy.Core.Data;
using Tenancy.Core.Features.Restore;
using static Tenancy.Benchmarks.BenchSql;

namespace Tenancy.Benchmarks;

/// <summary>
/// The <c>restore</c> command: rewinds one tenant whose data changed in <c>--changed</c> rows
/// after a moment (half updated, a quarter deleted, a quarter inserted, each by one statement, as
/// a bad import would) inside the browse benchmark's catalog, whose other tenants' data stays in
/// the same tables. Times <see cref="TenantRewind.PreviewAsync"/> and
/// <see cref="TenantRewind.RewindAsync"/>, then checks the tenant's data against a checksum taken
/// at the moment and the other tenants' data against one taken before the rewind.
/// </summary>
public static class RestoreBenchmark
{
    public static async Task<int> RunAsync(BenchOptions options)
    {
        var connectionString = options.PostgresConnectionString();
        await using var services = SeedBenchmark.CreateServices(options);
        await SeedBenchmark.MigrateAsync(services);
        await using var dataSource = new NpgsqlDataSourceBuilder(connectionString).Build();
        if (await ScalarAsync<long>(dataSource, "SELECT count(*) FROM tenants") == 0)
        {
            await SeedBenchmark.SeedAsync(services, options.Tenants);
        }

        var changed = options.Changed;
        var others = await ScalarAsync<long>(dataSource, "SELECT (SELECT count(*) FROM project_items) + (SELECT count(*) FROM projects) + (SELECT count(*) FROM members) + (SELECT count(*) FROM tenant_settings)");
        var tenant = Guid.CreateVersion7();
        await ExecuteAsync(dataSource, $"""
            INSERT INTO tenants (id, name, slug, owner_name, owner_email, status, plan_id, region, created_at, updated_at)
            VALUES ('{tenant}', 'Restore bench', 'restore-bench-{tenant:N}', 'Owner', 'owner@restore.example', 'Active', 'professional', 'eu-west', now(), now());
            INSERT INTO projects (tenant_id, id, name, created_at, updated_at)
            SELECT '{tenant}', gen_random_uuid(), 'Project ' || i, now(), now() FROM generate_series(1, 1000) AS i;
            INSERT INTO project_items (tenant_id, id, project_id, title, size_bytes, created_at, updated_at)
            SELECT '{tenant}', gen_random_uuid(), p.id, 'Item ' || i, i, now(), now()
            FROM generate_series(1, {changed}) AS i
            JOIN LATERAL (SELECT id FROM projects WHERE tenant_id = '{tenant}' ORDER BY id OFFSET (i % 1000) LIMIT 1) p ON true;
            ANALYZE tenant_changes;
            """);
        Console.WriteLine($"# setup: {others:N0} rows of other tenants' data in the tenant tables; the tenant has 1,000 projects and {changed:N0} items");

        await Task.Delay(50);
        var moment = DateTime.UtcNow;
        await Task.Delay(50);
        var atMoment = await ChecksumAsync(dataSource, $"tenant_id = '{tenant}'");

        // The bad import: one statement each, the way a bulk tool writes.
        var update = Stopwatch.StartNew();
        await ExecuteAsync(dataSource, $"DELETE FROM project_items WHERE tenant_id = '{tenant}' AND size_bytes % 4 = 2");
        await ExecuteAsync(dataSource, $"UPDATE project_items SET title = title || ' (imported)', size_bytes = size_bytes + 1000000 WHERE tenant_id = '{tenant}' AND size_bytes % 4 IN (0, 1)");
        await ExecuteAsync(dataSource, $"""
            INSERT INTO project_items (tenant_id, id, project_id, title, size_bytes, created_at, updated_at)
            SELECT '{tenant}', gen_random_uuid(), p.id, 'Imported ' || i, i, now(), now()
            FROM generate_series(1, {changed / 4}) AS i
            JOIN LATERAL (SELECT id FROM projects WHERE tenant_id = '{tenant}' ORDER BY id OFFSET (i % 1000) LIMIT 1) p ON true
            """);
        Console.WriteLine($"# the import took {update.Elapsed.TotalSeconds:F1} s");
        var othersBefore = await ChecksumAsync(dataSource, $"tenant_id <> '{tenant}'");

        var rewind = new TenantRewind(services.GetRequiredService<IDbContextFactory<TenancyDbContext>>(), Options.Create(new RestoreOptions()), TimeProvider.System);
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
        previewTimes.Sort();
        Console.WriteLine($"# preview: {string.Join(", ", preview!.Tables.Select(t => $"{t.Table} -{t.Deleted} +{t.Reinserted} ~{t.Changed}"))}");
        Console.WriteLine($"# rewind: {result.Total:N0} rows; tenant equals its data at the moment: {exact}; other tenants untouched: {untouched}");
        Console.WriteLine(Invariant($"BENCH restore-preview changed={result.Total} ms={previewTimes[previewTimes.Count / 2]:F0}"));
        Console.WriteLine(Invariant($"BENCH restore changed={result.Total} others={others} seconds={seconds:F2}"));
        return exact && untouched ? 0 : 1;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>md5 over the rows of every tenant table matching <paramref name="where"/>, in key order.</summary>
    private static Task<string> ChecksumAsync(NpgsqlDataSource dataSource, string where) =>
        ScalarAsync<string>(dataSource, $"""
            SELECT md5(string_agg(x, '|' ORDER BY x)) FROM (
              SELECT 'p' || t::text AS x FROM projects t WHERE {where}
              UNION ALL SELECT 'i' || t::text FROM project_items t WHERE {where}
              UNION ALL SELECT 'm' || t::text FROM members t WHERE {where}
              UNION ALL SELECT 's' || t::text FROM tenant_settings t WHERE {where}) rows
            """);
}

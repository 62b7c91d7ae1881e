using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Tenancy.Benchmarks.Webhooks;
using Tenancy.Core.Features.Staff;
using Tenancy.Core.Features.Usage;
using static Tenancy.Benchmarks.BenchSql;

namespace Tenancy.Benchmarks.Usage;

/// <summary>
/// The <c>usage-ingest</c> command: sustained HTTP ingest through the real <c>POST /api/usage</c>
/// (the portal in the web role on Kestrel over loopback, PostgreSQL): <see cref="BenchOptions.Concurrency"/>
/// clients (the first value) each post batches of <see cref="BatchSize"/> events with unique ids over
/// a few hundred tenants, back to back, for <see cref="BenchOptions.Seconds"/>; then the naive way in
/// the same run, one event per request. Every event is checked to have counted once.
/// </summary>
public static class UsageIngestBenchmark
{
    public const string Database = "tenancy_bench_usage";

    private const int BatchSize = 1_000;
    private const int TenantsUsed = 300;
    private const double TargetEventsPerSecond = 20_000;

    public static async Task<int> RunAsync(BenchOptions options)
    {
        var connectionString = await EnsureDatabaseAsync(options);
        var prepared = options with { Connection = connectionString };
        await using (var seeding = SeedBenchmark.CreateServices(prepared))
        {
            await SeedBenchmark.MigrateAsync(seeding);
            await using var check = new NpgsqlDataSourceBuilder(connectionString).Build();
            if (await ScalarAsync<long>(check, "SELECT count(*) FROM tenants") == 0)
            {
                await SeedBenchmark.SeedAsync(seeding, options.Tenants);
            }
        }

        await using var dataSource = new NpgsqlDataSourceBuilder(connectionString).Build();
        var tenants = new List<Guid>();
        await using (var command = dataSource.CreateCommand($"SELECT id FROM tenants WHERE status <> 'Deleted' ORDER BY id LIMIT {TenantsUsed}"))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                tenants.Add(reader.GetGuid(0));
            }
        }

        await ExecuteAsync(dataSource, "TRUNCATE usage_ingest_ids, usage_buckets, usage_counters, usage_flushes");
        var portalConnection = new NpgsqlConnectionStringBuilder(connectionString) { MaxPoolSize = 100 }.ConnectionString;
        await using var portal = new WebhookPortal(portalConnection);
        var server = portal.Start();
        var admin = new StaffActor("bench", "Bench Admin", null, new HashSet<StaffRole> { StaffRole.Admin });
        var key = await portal.Services.GetRequiredService<UsageApiKeys>().CreateAsync(admin, "Benchmark " + DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture), UsageIngest.MaxRatePerSecond);
        var concurrency = options.Concurrency[0];
        Console.WriteLine($"# portal (web role, Production) on {server}; {tenants.Count} tenants receive usage; {concurrency} clients; {options.Seconds} s per side");

        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency * 2, PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
        {
            BaseAddress = server,
        };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key.Secret);

        // Warm-up: JIT, connection pools, the key in memory.
        await RunAsync(client, tenants, concurrency, batchSize: 100, TimeSpan.FromSeconds(2), "warm");
        var ours = await RunAsync(client, tenants, concurrency, BatchSize, TimeSpan.FromSeconds(options.Seconds), "ours");
        Console.WriteLine($"BENCH usage-ingest events_per_s={ours.EventsPerSecond:F0} p95_ms={ours.P95:F1} p50_ms={ours.P50:F1} batch={BatchSize} concurrency={concurrency} requests={ours.Requests} errors={ours.Errors}");
        var naive = await RunAsync(client, tenants, concurrency, batchSize: 1, TimeSpan.FromSeconds(Math.Max(3, options.Seconds / 2)), "naive");
        Console.WriteLine($"BENCH usage-ingest-naive events_per_s={naive.EventsPerSecond:F0} p95_ms={naive.P95:F1} p50_ms={naive.P50:F1} batch=1 concurrency={concurrency} requests={naive.Requests} errors={naive.Errors}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"#   batches of {BatchSize} / one event per request: {ours.EventsPerSecond / naive.EventsPerSecond:F1}x the events per second; target {TargetEventsPerSecond:N0} events/s: {(ours.EventsPerSecond >= TargetEventsPerSecond ? "met" : "NOT met")}"));

        // Every event sent (warm-up included) counted once: one id each, and the counters hold their amounts.
        var ids = await ScalarAsync<long>(dataSource, "SELECT count(*) FROM usage_ingest_ids");
        var used = await ScalarAsync<decimal>(dataSource, "SELECT coalesce(sum(used), 0) FROM usage_counters");
        var sent = Sent.Events;
        var ok = ids == sent && used == Sent.Amount && ours.Errors == 0 && naive.Errors == 0;
        Console.WriteLine($"# check: {sent:N0} events sent, {ids:N0} ids stored, amounts sent {Sent.Amount:N0} = counted {used:N0}: {(ok ? "ok" : "MISMATCH")}");
        return ok ? 0 : 1;
    }

    private static async Task<Result> RunAsync(HttpClient client, List<Guid> tenants, int concurrency, int batchSize, TimeSpan duration, string side)
    {
        var latencies = new List<double>[concurrency];
        var errors = 0;
        var events = 0L;
        var started = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(worker => Task.Run(async () =>
        {
            var random = new Random(worker * 7919 + batchSize);
            var mine = latencies[worker] = [];
            var sequence = 0;
            while (started.Elapsed < duration)
            {
                var (body, amount) = Batch(tenants, random, $"{side}-{worker}-{sequence++}", batchSize);
                var sentAt = Stopwatch.GetTimestamp();
                using var response = await client.PostAsync("/api/usage", new StringContent(body, Encoding.UTF8, "application/json"));
                mine.Add(Stopwatch.GetElapsedTime(sentAt).TotalMilliseconds);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    Interlocked.Increment(ref errors);
                    Console.Error.WriteLine($"# {side}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                    continue;
                }

                Interlocked.Add(ref events, batchSize);
                Sent.Add(batchSize, amount);
            }
        })));
        var elapsed = started.Elapsed.TotalSeconds;
        var all = latencies.SelectMany(l => l).Order().ToList();
        return new Result(events / elapsed, Percentile(all, 0.95), Percentile(all, 0.50), all.Count, errors);
    }

    private static (string Body, long Amount) Batch(List<Guid> tenants, Random random, string prefix, int size)
    {
        var body = new StringBuilder(size * 140).Append("{\"events\":[");
        long amount = 0;
        for (var i = 0; i < size; i++)
        {
            var value = random.Next(1, 1_000);
            amount += value;
            body.Append(i == 0 ? "" : ",")
                .Append("{\"id\":\"").Append(prefix).Append('-').Append(i)
                .Append("\",\"tenantId\":\"").Append(tenants[random.Next(tenants.Count)])
                .Append("\",\"metric\":\"").Append(i % 4 == 0 ? "TransferBytesPerMonth" : "ApiRequestsPerMonth")
                .Append("\",\"amount\":").Append(value).Append('}');
        }

        return (body.Append("]}").ToString(), amount);
    }

    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

    private static async Task<string> EnsureDatabaseAsync(BenchOptions options)
    {
        if (options.Connection is not null)
        {
            return options.Connection;
        }

        var server = Environment.GetEnvironmentVariable(BenchOptions.PostgresVariable)
            ?? throw new BenchOptionsException($"{BenchOptions.PostgresVariable} is not set: run through scripts/bench.sh, or pass --connection.");
        await using (var admin = new NpgsqlDataSourceBuilder(server).Build())
        {
            if (await admin.CreateCommand($"SELECT 1 FROM pg_database WHERE datname = '{Database}'").ExecuteScalarAsync() is null)
            {
                await using var create = admin.CreateCommand($"CREATE DATABASE {Database}");
                await create.ExecuteNonQueryAsync();
            }
        }

        return new NpgsqlConnectionStringBuilder(server) { Database = Database }.ConnectionString;
    }

    private sealed record Result(double EventsPerSecond, double P95, double P50, int Requests, int Errors);

    /// <summary>What was sent and accepted, for the check at the end.</summary>
    private static class Sent
    {
        private static long events;
        private static long amount;

        public static long Events => Interlocked.Read(ref events);

        public static long Amount => Interlocked.Read(ref amount);

        public static void Add(int count, long sum)
        {
            Interlocked.Add(ref events, count);
            Interlocked.Add(ref amount, sum);
        }
    }
}

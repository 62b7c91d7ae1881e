using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Perfolizer.Horology;
using Tenancy.Core.Data;
using Tenancy.Core.Features.Quotas;
using Tenancy.Core.Features.Usage;

namespace Tenancy.Benchmarks;

/// <summary>
/// The <c>quota</c> command: prepares a database with demo tenants and a few overrides and
/// counters, runs <see cref="QuotaCheckBenchmark"/> with BenchmarkDotNet (in-process, a short
/// job), and prints the BENCH lines.
/// </summary>
public static class QuotaBenchmark
{
    /// <summary>Its own database on the PostgreSQL server, so it never disturbs the browse benchmark's.</summary>
    public const string Database = "tenancy_bench_quota";

    private const int Tenants = 10_000;

    public static async Task<int> RunAsync(BenchOptions options)
    {
        var prepared = options with
        {
            Connection = options.Provider == DatabaseProvider.Postgres ? await EnsurePostgresDatabaseAsync(options) : options.Connection,
        };
        await using var services = SeedBenchmark.CreateServices(prepared);
        await SeedBenchmark.MigrateAsync(services);
        await using (var db = await services.GetRequiredService<IDbContextFactory<TenancyDbContext>>().CreateDbContextAsync())
        {
            var present = await db.Tenants.CountAsync();
            if (present < Tenants)
            {
                await SeedBenchmark.SeedAsync(services, Tenants - present);
            }
        }

        await AddOverridesAndCountersAsync(services);
        Console.WriteLine($"# quota-check on {prepared.Provider}");

        QuotaCheckBenchmark.Services = services;
        // In-process (no generated project to build) and short: a minute or two on two cores.
        var job = Job.Default
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithLaunchCount(1)
            .WithWarmupCount(5)
            .WithIterationCount(15)
            .WithMinIterationTime(TimeInterval.FromMilliseconds(250));
        var config = DefaultConfig.Instance
            .AddJob(job)
            .AddColumn(StatisticColumn.Median, StatisticColumn.P95)
            .WithArtifactsPath(Path.Combine("artifacts", "benchmarks"))
            .WithOptions(ConfigOptions.JoinSummary);
        var summary = BenchmarkRunner.Run<QuotaCheckBenchmark>(config);

        var cached = ReportOf(summary, nameof(QuotaCheckBenchmark.Cached));
        var uncached = ReportOf(summary, nameof(QuotaCheckBenchmark.Uncached));
        if (cached?.ResultStatistics is null || uncached?.ResultStatistics is null)
        {
            Console.Error.WriteLine("The quota benchmark did not produce results; see the BenchmarkDotNet output above.");
            return 1;
        }

        var allocated = cached.GcStats.GetBytesAllocatedPerOperation(cached.BenchmarkCase) ?? -1;
        Console.WriteLine(FormattableString.Invariant(
            $"# cached median {cached.ResultStatistics.Median:F1} ns, uncached median {uncached.ResultStatistics.Median:F0} ns; load average {LoadAverage()}"));
        Console.WriteLine(FormattableString.Invariant($"BENCH quota-check cached ns={cached.ResultStatistics.Mean:F1} allocated_bytes={allocated}"));
        Console.WriteLine(FormattableString.Invariant($"BENCH quota-check uncached ns={uncached.ResultStatistics.Mean:F0}"));
        return 0;
    }

    /// <summary>The machine's 1-minute load average (Linux), to read noisy figures by.</summary>
    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "unknown";

    private static BenchmarkReport? ReportOf(Summary summary, string method) =>
        summary.Reports.FirstOrDefault(r => r.BenchmarkCase.Descriptor.WorkloadMethod.Name == method);

    private static async Task<string> EnsurePostgresDatabaseAsync(BenchOptions options)
    {
        if (options.Connection is not null)
        {
            return options.Connection;
        }

        var server = Environment.GetEnvironmentVariable(BenchOptions.PostgresVariable)
            ?? throw new BenchOptionsException($"{BenchOptions.PostgresVariable} is not set: start a server (scripts/lib/postgres.sh pg_start), or pass --connection.");
        await using (var connection = new NpgsqlConnection(server))
        {
            await connection.OpenAsync();
            await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", connection);
            exists.Parameters.AddWithValue("name", Database);
            if (await exists.ExecuteScalarAsync() is null)
            {
                await using var create = new NpgsqlCommand($"CREATE DATABASE {Database}", connection);
                await create.ExecuteNonQueryAsync();
            }
        }

        return new NpgsqlConnectionStringBuilder(server) { Database = Database }.ConnectionString;
    }

    /// <summary>Overrides for every fourth tenant and this month's request counters for every other one, as a live system would have.</summary>
    private static async Task AddOverridesAndCountersAsync(IServiceProvider services)
    {
        var contexts = services.GetRequiredService<IDbContextFactory<TenancyDbContext>>();
        await using var db = await contexts.CreateDbContextAsync();
        if (await db.TenantQuotaSets.AnyAsync())
        {
            return;
        }

        var now = DateTime.UtcNow;
        var period = QuotaMetrics.PeriodOf(now);
        var ids = await db.Tenants.OrderBy(t => t.Id).Select(t => t.Id).Take(QuotaCheckBenchmark.TenantCount).ToListAsync();
        await using var transaction = await db.Database.BeginTransactionAsync();
        for (var i = 0; i < ids.Count; i++)
        {
            if (i % 4 == 0)
            {
                var set = new TenantQuotaSet { TenantId = ids[i], Version = 1, UpdatedAt = now, UpdatedBy = "benchmark" };
                set.Overrides.Add(new TenantQuotaOverride
                {
                    TenantId = ids[i], Metric = QuotaMetric.ApiRequestsPerMonth, Value = 50_000, UpdatedAt = now, UpdatedBy = "benchmark",
                });
                db.TenantQuotaSets.Add(set);
            }

            if (i % 2 == 0)
            {
                await UsageCounters.ConsumeAsync(db, ids[i], QuotaMetric.ApiRequestsPerMonth, period, i, now);
            }
        }

        await db.SaveChangesAsync();
        await transaction.CommitAsync();
    }
}

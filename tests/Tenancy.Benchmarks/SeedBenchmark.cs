using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tenancy.Core;
using Tenancy.Core.Data;
using Tenancy.Core.Data.Seeding;
using Tenancy.Core.Features.Tenants;

namespace Tenancy.Benchmarks;

/// <summary>Migrates the benchmark database and seeds it with the demo data seeder, printing the rates.</summary>
public static class SeedBenchmark
{
    public static async Task<int> RunAsync(BenchOptions options)
    {
        await using var services = CreateServices(options);
        await MigrateAsync(services);
        var report = await SeedAsync(services, options.Tenants);
        return report is null ? 1 : 0;
    }

    /// <summary>The tenancy database and catalog for the chosen provider, as the app wires them.</summary>
    public static ServiceProvider CreateServices(BenchOptions options)
    {
        var connectionString = options.Provider == DatabaseProvider.Postgres
            ? options.PostgresConnectionString()
            : options.Connection ?? throw new BenchOptionsException("--provider sqlite needs --connection \"Data Source=...\"");
        return new ServiceCollection()
            .AddTenancyDatabase(options.Provider, connectionString, Directory.GetCurrentDirectory())
            .AddSingleton<TenantCatalog>()
            .AddSingleton<Microsoft.Extensions.Logging.ILogger<DemoDataSeeder>, PhaseLogger>()
            .AddSingleton<DemoDataSeeder>()
            .BuildServiceProvider();
    }

    public static async Task MigrateAsync(IServiceProvider services)
    {
        var watch = Stopwatch.StartNew();
        await using var db = await services.GetRequiredService<IDbContextFactory<TenancyDbContext>>().CreateDbContextAsync();
        await db.Database.MigrateAsync();
        var distribution = await Tenancy.Core.Data.Citus.CitusDistribution.ApplyAsync(db);
        if (distribution.IsCitus)
        {
            Console.WriteLine($"# citus: distributed {string.Join(", ", distribution.TablesDistributed)}");
        }

        if (db.Provider == DatabaseProvider.Sqlite)
        {
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
        }

        Console.WriteLine($"# migrated ({db.Provider}) in {watch.Elapsed.TotalSeconds:F1} s");
    }

    /// <summary>
    /// Migrates the benchmark database and seeds <paramref name="tenants"/> demo tenants unless it
    /// already holds some (a rerun against a kept database measures the same data).
    /// </summary>
    public static async Task MigrateAndSeedUnlessSeededAsync(IServiceProvider services, string connectionString, int tenants, int? usageTenants = 0)
    {
        await MigrateAsync(services);
        await using var dataSource = new Npgsql.NpgsqlDataSourceBuilder(connectionString).Build();
        var existing = await BenchSql.ScalarAsync<long>(dataSource, "SELECT count(*) FROM tenants");
        if (existing == 0)
        {
            await SeedAsync(services, tenants, usageTenants);
        }
        else
        {
            Console.WriteLine($"# using the {existing:N0} tenants already in the database (no seeding)");
        }
    }

    public static async Task<SeedReport?> SeedAsync(IServiceProvider services, int tenants, int? usageTenants = 0)
    {
        var seeder = services.GetRequiredService<DemoDataSeeder>();
        var watch = Stopwatch.StartNew();
        var step = Math.Max(tenants / 10, 10_000);
        var nextReport = (long)step;
        var progress = new SynchronousProgress(written =>
        {
            if (written >= nextReport)
            {
                Console.WriteLine($"#   {written:N0} tenants after {watch.Elapsed.TotalSeconds:F1} s");
                nextReport = (written / step + 1) * step;
            }
        });

        var report = await seeder.SeedAsync(tenants, CancellationToken.None, progress, usageTenants: usageTenants);

        Console.WriteLine(
            $"SEED tenants={report.Tenants} tenant_data_rows={report.TenantDataRows} seconds={report.Elapsed.TotalSeconds:F1} " +
            $"tenants_per_s={report.TenantsPerSecond:F0}");
        return report;
    }

    /// <summary>Reports on the caller's thread (<see cref="Progress{T}"/> would post to the thread pool and print late).</summary>
    private sealed class SynchronousProgress(Action<long> report) : IProgress<long>
    {
        public void Report(long value) => report(value);
    }
}

namespace Tenancy.Benchmarks;

public static class BrowseBenchmark
{
    public static async Task<int> RunAsync(BenchOptions options)
    {
        await using var services = SeedBenchmark.CreateServices(options);
        await SeedBenchmark.MigrateAsync(services);
        await SeedBenchmark.SeedAsync(services, options.Tenants);
        return 0;
    }
}

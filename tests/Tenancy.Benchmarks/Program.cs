using Tenancy.Benchmarks;

// Benchmarks run as their own command, outside the test run (see scripts/bench.sh and docs/benchmarks.md):
//   browse --tenants N     the tenant list at scale on PostgreSQL (TENANCY_TEST_POSTGRES), ours vs naive
//   seed --tenants N       seed demo data only (PostgreSQL, or SQLite with --provider sqlite --connection ...)
//   quota                  BenchmarkDotNet: cached quota check vs the database lookup (QuotaBenchmark)
var command = args.FirstOrDefault();
var options = BenchOptions.Parse(args.Skip(1).ToArray());
try
{
    return command switch
    {
        "browse" => await BrowseBenchmark.RunAsync(options),
        "seed" => await SeedBenchmark.RunAsync(options),
        "quota" => await QuotaBenchmark.RunAsync(options),
        _ => Usage(),
    };
}
catch (BenchOptionsException ex)
{
    Console.Error.WriteLine(ex.Message);
    return Usage();
}

static int Usage()
{
    Console.Error.WriteLine(
        """
        usage: Tenancy.Benchmarks <command> [options]
          browse --tenants N [--samples 100] [--naive-samples 5]
              Seeds N tenants into PostgreSQL (TENANCY_TEST_POSTGRES, database tenancy_bench) unless
              it already holds tenants, then times the tenant list queries against the naive approach.
          seed --tenants N [--provider postgres|sqlite] [--connection CS]
              Seeds N demo tenants and prints the seed rate.
          quota [--provider postgres|sqlite] [--connection CS]
              Cached quota check against the uncached database lookup (BenchmarkDotNet, in-process,
              short job; database tenancy_bench_quota on TENANCY_TEST_POSTGRES unless --connection).
        """);
    return 2;
}

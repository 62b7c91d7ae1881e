using Tenancy.Benchmarks;
using Tenancy.Benchmarks.Ui;
using Tenancy.Benchmarks.Usage;
using Tenancy.Benchmarks.Webhooks;

// Benchmarks run as their own command, outside the test run (see scripts/bench.sh and docs/benchmarks.md):
//   browse --tenants N     the tenant list at scale on PostgreSQL (TENANCY_TEST_POSTGRES), ours vs naive
//   seed --tenants N       seed demo data only (PostgreSQL, or SQLite with --provider sqlite --connection ...)
//   quota                  BenchmarkDotNet: cached quota check vs the database lookup (QuotaBenchmark)
//   webhooks               the Stripe webhook endpoint and event processor on PostgreSQL, ours vs naive
//   restore --changed N    rewind one tenant with N changed rows inside the browse catalog (PostgreSQL)
//   usage --tenants N      usage charts, top pressure, Record, rollup and freshness (PostgreSQL), ours vs naive
//   usage-ingest           sustained POST /api/usage on Kestrel and PostgreSQL, batches of 1,000 vs one event per request
//   ui                     the portal in Chromium: next page, search, open a tenant, memory per idle circuit
// scripts/bench.sh --citus runs each benchmark on plain PostgreSQL and on a Citus cluster: every
// BENCH line then says which (TENANCY_BENCH_ENGINE), so the two sit side by side in one output.
if (Environment.GetEnvironmentVariable("TENANCY_BENCH_ENGINE") is { Length: > 0 } engine)
{
    Console.SetOut(new EngineTaggedWriter(Console.Out, engine));
}

var command = args.FirstOrDefault();
var options = BenchOptions.Parse(args.Skip(1).ToArray());
try
{
    return command switch
    {
        "browse" => await BrowseBenchmark.RunAsync(options),
        "seed" => await SeedBenchmark.RunAsync(options),
        "quota" => await QuotaBenchmark.RunAsync(options),
        "webhooks" => await WebhookBenchmark.RunAsync(options),
        "restore" => await RestoreBenchmark.RunAsync(options),
        "usage" => await UsageBenchmark.RunAsync(options),
        "usage-ingest" => await UsageIngestBenchmark.RunAsync(options),
        "ui" => await UiBenchmark.RunAsync(options),
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
          browse --tenants N [--samples 100] [--naive-samples 5] [--cases search_band,first_page]
              Seeds N tenants into PostgreSQL (TENANCY_TEST_POSTGRES, database tenancy_bench) unless
              it already holds tenants, then times the tenant list queries against the naive approach.
          restore [--tenants N] [--changed 100000] [--connection CS]
              Rewinds one tenant whose N rows changed after a moment, inside the browse catalog
              (seeded with N tenants when empty), and checks the result against checksums.
          usage [--tenants N] [--cases chart,pressure,record,rollup]
              Usage over time in the browse catalog (seeded with N tenants when empty): chart queries
              with 90 days of usage for 10,000 and 100,000 tenants against charts from minute buckets,
              the fleet's top 50 by quota pressure against a scan of every tenant (the oracle),
              UsageMeter.Record against a database write per record, rollup throughput and freshness.
          seed --tenants N [--provider postgres|sqlite] [--connection CS]
              Seeds N demo tenants and prints the seed rate.
          quota [--provider postgres|sqlite] [--connection CS]
              Cached quota check against the uncached database lookup (BenchmarkDotNet, in-process,
              short job; database tenancy_bench_quota on TENANCY_TEST_POSTGRES unless --connection).
          webhooks [--tenants N] [--events 10000] [--concurrency 8,32,64] [--inbox 20000] [--rate 1000] [--seconds 30] [--phases accept,apply,sustained]
              Hosts the portal (web role) on Kestrel against PostgreSQL (database tenancy_bench_webhooks,
              seeded with N tenants unless it holds some) and times signed Stripe deliveries to
              /webhooks/stripe (closed loop per concurrency level, open loop at rising rates), the
              processor draining an inbox with 1 and 2 workers, and a sustained run with the worker;
              each against the naive approach (apply in the request; one event per transaction).
          usage-ingest [--tenants N] [--concurrency 4] [--seconds 20]
              Hosts the portal (web role) on Kestrel against PostgreSQL (database tenancy_bench_usage, seeded
              with N tenants unless it holds some), creates an API key and posts batches of 1,000 events with
              unique ids over 300 tenants from the first --concurrency value of clients for --seconds; then one
              event per request for half as long. Checks every event counted once.
          ui [--provider sqlite|postgres] [--tenants 100000] [--samples 100] [--circuits 30] [--connection CS]
              Runs the portal as its own process (Development, demo sign-in) on the SQLite demo (seeded with
              N tenants by its first start, kept in the temp folder for the next run) or on PostgreSQL (tenancy_bench,
              seeded with N tenants when empty), and times in Chromium, inside the page: next-page click to new
              rows, last key to matching rows, row click to the tenant's heading; then the portal's resident
              memory before and after --circuits more signed-in agents sit idle on the tenant list.
        """);
    return 2;
}

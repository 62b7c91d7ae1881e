#!/usr/bin/env bash
# Database benchmarks, outside the test run (see docs/benchmarks.md).
#   scripts/bench.sh browse --tenants 1000000 [--samples 100] [--naive-samples 5]
#   scripts/bench.sh seed --tenants 1000000
#   scripts/bench.sh restore --tenants 1000000 [--changed 100000] [--others 10000000]
#   scripts/bench.sh webhooks --tenants 100000 [--events 10000] [--concurrency 8,32,64] [--inbox 20000] [--rate 1000] [--seconds 30]
#   scripts/bench.sh usage --tenants 1000000 [--cases chart,pressure,record,rollup]
#   scripts/bench.sh usage-ingest --tenants 1000 [--concurrency 4] [--seconds 20]
#   scripts/bench.sh ui [--provider sqlite|postgres] [--tenants 100000] [--samples 100] [--circuits 30]
#   scripts/bench.sh browse|webhooks|restore|seed|usage … --citus
# Starts a throwaway PostgreSQL cluster, migrates, seeds with the demo data seeder, runs the
# cases and stops the cluster (also on failure or Ctrl-C). Prints one BENCH line per case.
# With --citus the same benchmark runs twice in one go: on plain PostgreSQL (engine=plain), then on
# a throwaway Citus cluster of a coordinator and two workers on this machine (engine=citus,
# scripts/lib/citus.sh), its databases created on every node and distributed by the product.
set -euo pipefail
command=${1:?usage: scripts/bench.sh browse|seed|quota|webhooks|restore|usage|usage-ingest|ui [--tenants N] [...] [--citus]}
shift
citus=0
arguments=()
for argument in "$@"; do
  if [ "$argument" = "--citus" ]; then citus=1; else arguments+=("$argument"); fi
done
set -- "${arguments[@]}"
cd "$(dirname "$0")/.."
# shellcheck source=lib/postgres.sh
source scripts/lib/postgres.sh
# shellcheck source=lib/citus.sh
source scripts/lib/citus.sh

dotnet build -c Release tests/Tenancy.Benchmarks -nologo -v quiet -clp:ErrorsOnly >&2

# The cluster runs with scripts/lib/postgres.sh's settings (shared_buffers 1GB; fsync off, as the
# data is thrown away) and PostgreSQL's defaults otherwise; add lines with TENANCY_PG_EXTRA_CONF.
trap 'pg_stop; citus_stop' EXIT
trap 'exit 130' INT TERM
pg_start

echo "# machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(free -g | awk '/Mem:/ {print $2}') GB RAM, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# postgres: $("$TENANCY_PG_BIN/postgres" --version)"
if [ "$citus" -eq 0 ]; then
  dotnet tests/Tenancy.Benchmarks/bin/Release/net10.0/Tenancy.Benchmarks.dll "$command" "$@"
  echo "# load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
  exit 0
fi

echo "# engine=plain: one PostgreSQL server"
TENANCY_BENCH_ENGINE=plain dotnet tests/Tenancy.Benchmarks/bin/Release/net10.0/Tenancy.Benchmarks.dll "$command" "$@"
pg_stop # one engine at a time on this machine's two cores

citus_start
for database in tenancy_bench tenancy_bench_webhooks tenancy_bench_usage; do
  citus_create_database "$database"
done
echo "# engine=citus: a coordinator and two workers on this one machine (overhead, not scale-out); citus $TENANCY_CITUS_VERSION"
TENANCY_BENCH_ENGINE=citus TENANCY_TEST_POSTGRES="$TENANCY_TEST_CITUS" \
  dotnet tests/Tenancy.Benchmarks/bin/Release/net10.0/Tenancy.Benchmarks.dll "$command" "$@"
echo "# load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"

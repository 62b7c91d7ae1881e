#!/usr/bin/env bash
# Cost of change capture on PostgreSQL (decision 0005): 10,000 single-row UPDATE transactions
# (pgbench, 1 client), then one 10,000-row UPDATE and one 10,000-row INSERT, without capture,
# with row-level triggers, with statement-level triggers (transition tables), and statement-level
# without the per-tenant shared advisory lock (the freeze) to show what the lock costs; 3 rounds.
# Needs a running server: PGHOST/PGPORT/PGUSER as for psql; PG_BIN (default
# /usr/lib/postgresql/15/bin) holds psql and pgbench. Creates and drops database capture_bench.
# Run it under the shared CPU lock: flock /tmp/tenancy-cpu.lock scripts/capture-bench/run.sh
set -euo pipefail
B=${PG_BIN:-/usr/lib/postgresql/15/bin}
cd "$(dirname "$0")"
$B/psql -qX -d postgres -c "DROP DATABASE IF EXISTS capture_bench" -c "CREATE DATABASE capture_bench"
export PGDATABASE=capture_bench
for round in 1 2 3; do
  for mode in none row stmt stmt-nolock; do
    $B/psql -qX -v ON_ERROR_STOP=1 -f setup.sql >/dev/null 2>&1
    $B/psql -qX -v ON_ERROR_STOP=1 -f mode-none.sql >/dev/null 2>&1
    if [ $mode != none ]; then $B/psql -qX -v ON_ERROR_STOP=1 -f mode-$mode.sql; fi
    $B/psql -qX -c CHECKPOINT
    tps=$($B/pgbench -n -c 1 -t 10000 -f single.pgbench 2>/dev/null | awk '/^tps/ {print $3}')
    bulk=$($B/psql -qX -At <<'SQL' | tail -n 2 | tr '\n' ' '
\timing on
UPDATE items SET size_bytes = size_bytes + 1, updated_at = now();
INSERT INTO items SELECT '0190d3a6-0000-7000-8000-000000000002', g, 'item ' || g, g FROM generate_series(1, 10000) g;
SQL
)
    changes=$($B/psql -qX -At -c "SELECT count(*) FROM tenant_changes")
    echo "round $round capture $mode: single-row tps $tps | 10k UPDATE, 10k INSERT: $bulk| log rows $changes"
  done
done
$B/psql -qX -d postgres -c "DROP DATABASE capture_bench"

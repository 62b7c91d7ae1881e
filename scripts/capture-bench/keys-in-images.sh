#!/usr/bin/env bash
# Bulk capture with and without the keys of updated rows beside their before-images (decision
# 0005, "Keys in the images"), side by side in one run: a throwaway cluster with durable commits,
# 20,000 seeded tenants, one tenant with 10,000 items; each round times a 10,000-row UPDATE and a
# 10,000-row INSERT (each after a CHECKPOINT, autocommitted) with capture on and off, once with
# the update trigger as migration KeysInImages installs it and once as it was before (keys listed).
# Prints, per variant, the median over the rounds of (time with capture) / (time without).
#   flock /tmp/tenancy-cpu.lock scripts/capture-bench/keys-in-images.sh [rounds, default 40]
set -euo pipefail
rounds=${1:-40}
cd "$(dirname "$0")/../.."
source scripts/lib/postgres.sh
trap pg_stop EXIT
TENANCY_PG_EXTRA_CONF=$'fsync = on\nsynchronous_commit = on\nfull_page_writes = on' pg_start
dotnet build -c Release tests/Tenancy.Benchmarks -nologo -v quiet -clp:ErrorsOnly >&2
dotnet tests/Tenancy.Benchmarks/bin/Release/net10.0/Tenancy.Benchmarks.dll seed --tenants 20000 >/dev/null
psql() { "$TENANCY_PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$TENANCY_PG_PORT" -U postgres -d tenancy_bench "$@"; }
read -r tenant project < <(psql -At -F' ' -c "SELECT tenant_id, id FROM projects LIMIT 1")
psql -c "INSERT INTO project_items (tenant_id, id, project_id, title, size_bytes, created_at, updated_at)
         SELECT '$tenant', gen_random_uuid(), '$project', 'Item ' || i, i, now(), now() FROM generate_series(1, 10000) i" -c "ANALYZE project_items"
work=$(mktemp -d)
psql -At -c '\sf project_items_capture_changed' >"$work/keys-in-images.sql"
echo ';' >>"$work/keys-in-images.sql"
# The update trigger before migration KeysInImages: each row's key beside its image.
sed -e "s|1, '\[\]'::json, json_build_array(to_json(r))|1, json_build_array(json_build_object('id', r.\"id\")), json_build_array(to_json(r))|" \
    -e "s|count(\*), '\[\]'::json, json_agg(b.logged)|count(*), json_agg(b.row_key), json_agg(b.logged)|" \
    -e "s|(SELECT r.tenant_id, to_json(r) AS logged,|(SELECT r.tenant_id, json_build_object('id', r.\"id\") AS row_key, to_json(r) AS logged,|" \
    "$work/keys-in-images.sql" >"$work/keys-listed.sql"
if cmp -s "$work/keys-in-images.sql" "$work/keys-listed.sql"; then
  echo "the installed trigger no longer has the shape this script rewrites; update the sed lines" >&2
  exit 1
fi

for round in $(seq 1 "$rounds"); do
  for variant in keys-listed keys-in-images; do
    psql -f "$work/$variant.sql"
    for mode in ENABLE DISABLE; do
      times=$(psql -At <<SQL | grep -o 'Time: [0-9.]*' | awk '{s += $2} END {print s}'
ALTER TABLE project_items $mode TRIGGER USER;
CHECKPOINT;
\timing on
UPDATE project_items SET size_bytes = size_bytes + 1, updated_at = now() WHERE tenant_id = '$tenant' AND title LIKE 'Item %';
INSERT INTO project_items (tenant_id, id, project_id, title, size_bytes, created_at, updated_at)
SELECT '$tenant', gen_random_uuid(), '$project', 'Bulk ' || i, i, now(), now() FROM generate_series(1, 10000) AS i;
\timing off
DELETE FROM project_items WHERE tenant_id = '$tenant' AND title LIKE 'Bulk %';
SQL
)
      echo "$variant $mode $times"
    done
  done
done | awk '$2 == "ENABLE" {with = $3; next}
  {ratio[$1, ++n[$1]] = with / $3; if (!($1 in seen)) {seen[$1] = 1; order[++k] = $1}}
  END {
    for (i = 1; i <= k; i++) {
      v = order[i]; m = n[v]
      for (a = 1; a <= m; a++) x[a] = ratio[v, a]
      for (a = 1; a <= m; a++) for (b = a + 1; b <= m; b++) if (x[b] < x[a]) {t = x[a]; x[a] = x[b]; x[b] = t}
      printf "BENCH capture-keys variant=%s rounds=%d bulk_ratio_median=%.2f min=%.2f max=%.2f\n", v, m, x[int((m + 1) / 2)], x[1], x[m]
    }
  }'
rm -rf "$work"

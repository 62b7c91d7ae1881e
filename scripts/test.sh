#!/usr/bin/env bash
# Runs every test: the one command for developers and CI (.ci/run calls it).
#
#   scripts/test.sh                          # every test project under tests/ and e2e/
#   scripts/test.sh tests/Tenancy.Core.Tests # only these (a folder or a .csproj each)
#
# On a fresh Debian 12 machine with only the .NET SDK it installs what the tests need
# (postgresql, postgresql-contrib, chromium, fonts-liberation), builds once, starts a throwaway
# PostgreSQL cluster (scripts/lib/postgres.sh, stopped again however the script ends), runs each
# test project with a TRX report, then runs the PostgreSQL-backed Core tests again on a throwaway
# Citus cluster, a coordinator and two workers (scripts/lib/citus.sh: Citus built from
# ../shared/vendor once per machine, cached in ~/.cache/tenancy), and prints one line per run and,
# as the very last line, "N passed, N failed". Exits non-zero when a test failed, a project did not build or run, a
# project ran no tests, or no test ran at all.
#
# Results (TRX) go to artifacts/test-results/, the e2e screenshots to artifacts/screenshots/: a run
# leaves the checkout clean. scripts/screenshots.sh re-takes the committed screenshots.
#
# Environment: TENANCY_TEST_CONFIGURATION (Release), TENANCY_TEST_MINUTES (28: the whole run's
# budget; each project gets what is left), TENANCY_CHROMIUM (/usr/bin/chromium),
# TENANCY_TEST_CITUS_RUN (1; 0 leaves the Citus run out), TENANCY_CITUS_SOURCE (the Citus tarball).
set -uo pipefail

cd "$(dirname "$0")/.."
root=$(pwd)
configuration=${TENANCY_TEST_CONFIGURATION:-Release}
budget_minutes=${TENANCY_TEST_MINUTES:-28}
results="$root/artifacts/test-results"
deadline=$(( $(date +%s) + budget_minutes * 60 ))

export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export TENANCY_CHROMIUM=${TENANCY_CHROMIUM:-/usr/bin/chromium}

say() { echo "test.sh: $*" >&2; }

# ---------------------------------------------------------------- cleanup (always runs)
# shellcheck source=lib/postgres.sh
source "$root/scripts/lib/postgres.sh"
# shellcheck source=lib/citus.sh
source "$root/scripts/lib/citus.sh"
child=""
cleanup() {
  if [ -n "$child" ] && kill -0 "$child" 2>/dev/null; then
    kill -TERM "$child" 2>/dev/null
    wait "$child" 2>/dev/null
  fi
  child=""
  pg_stop
  citus_stop
}
trap cleanup EXIT
trap 'say "interrupted"; exit 130' INT
trap 'say "terminated"; exit 143' TERM HUP

# Runs a command in the background and waits, so a signal reaches the trap at once (bash
# defers traps while a foreground command runs); the trap then stops the command.
run() {
  "$@" &
  child=$!
  wait "$child"
  local status=$?
  child=""
  return "$status"
}

# ---------------------------------------------------------------- machine prerequisites
missing=()
for package in postgresql postgresql-contrib chromium fonts-liberation; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]}"
  sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  run "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q \
    && run "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" \
    || { say "could not install ${missing[*]}"; echo "0 passed, 0 failed"; exit 1; }
fi

if [ -f "$root/dotnet-tools.json" ] || [ -f "$root/.config/dotnet-tools.json" ]; then
  run dotnet tool restore >/dev/null || { say "dotnet tool restore failed"; echo "0 passed, 0 failed"; exit 1; }
fi

# ---------------------------------------------------------------- which projects
is_test_project() {
  grep -Eq 'Include="(xunit\.v3|MSTest|NUnit|TUnit)[^"]*"|<IsTestProject>\s*true' "$1"
}

projects=()
if [ $# -gt 0 ]; then
  for arg in "$@"; do
    if [ -d "$arg" ]; then
      found=$(find "$arg" -maxdepth 1 -name '*.csproj' | head -n 1)
      [ -n "$found" ] || { say "no project file in $arg"; echo "0 passed, 0 failed"; exit 1; }
      projects+=("$found")
    else
      projects+=("$arg")
    fi
  done
else
  while IFS= read -r project; do
    case "$project" in */Tenancy.Benchmarks/*) continue ;; esac
    is_test_project "$project" && projects+=("$project")
  done < <(for dir in tests e2e; do find "$dir" -name "*.csproj" -not -path "*/bin/*" -not -path "*/obj/*" 2>/dev/null | sort; done)
fi
if [ ${#projects[@]} -eq 0 ]; then
  say "no test projects found under tests/ and e2e/"
  echo "0 passed, 0 failed"
  exit 1
fi

# ---------------------------------------------------------------- build once
# Each test project's output folder is emptied first, so a project that fails to build this
# time has no test binary to run, rather than a stale one from an earlier build.
output_of() { echo "$(dirname "$1")/bin/$configuration"; }
for project in "${projects[@]}"; do
  rm -rf "$(output_of "$project")"
done

build_ok=1
if [ $# -gt 0 ]; then
  for project in "${projects[@]}"; do
    say "building $project ($configuration)"
    run dotnet build "$project" -c "$configuration" -nologo -v:q -clp:NoSummary || build_ok=0
  done
else
  say "building Tenancy.Admin.sln ($configuration)"
  run dotnet build "$root/Tenancy.Admin.sln" -c "$configuration" -nologo -v:q -clp:NoSummary || build_ok=0
fi
[ "$build_ok" -eq 1 ] || say "the build failed; running the test projects that did build"

# ---------------------------------------------------------------- PostgreSQL
pg_start || { say "could not start PostgreSQL"; echo "0 passed, 0 failed"; exit 1; }

# ---------------------------------------------------------------- run each project
rm -rf "$results"
mkdir -p "$results"
total_passed=0
total_failed=0
failed_projects=0
summary=()

counter() { # counter NAME FILE: one attribute of the TRX <Counters> element (0 when absent)
  local value
  value=$(grep -o '<Counters [^>]*>' "$2" | head -n 1 | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p")
  echo "${value:-0}"
}

# run_tests LABEL PROJECT TRX-NAME [test-runner arguments...]: runs one test project (already
# built) and adds its line to the summary and its counts to the totals.
run_tests() {
  local label=$1 project=$2 trx_name=$3
  shift 3
  local name
  name=$(basename "$project" .csproj)
  if ! find "$(output_of "$project")" -name "$name.dll" 2>/dev/null | grep -q .; then
    summary+=("$label: did not build")
    failed_projects=$((failed_projects + 1))
    return
  fi

  local left=$(( deadline - $(date +%s) ))
  if [ "$left" -lt 60 ]; then
    summary+=("$label: not run (the ${budget_minutes}-minute budget is used up)")
    failed_projects=$((failed_projects + 1))
    return
  fi

  say "running $label (at most $((left / 60)) min)"
  local trx="$results/$trx_name.trx" status
  # --fail-skips on: a skipped test counts as failed (this repository has no skipped tests).
  # MTP exits 8 when a project runs no tests; that is a failure here too.
  run timeout -k 30s "${left}s" dotnet test --project "$project" --no-build -c "$configuration" \
    --results-directory "$results" --report-xunit-trx --report-xunit-trx-filename "$trx_name.trx" \
    --fail-skips on --no-ansi --no-progress "$@"
  status=$?

  if [ ! -f "$trx" ]; then
    if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
      summary+=("$label: timed out, no results")
    else
      summary+=("$label: did not run (exit code $status, no results)")
    fi
    failed_projects=$((failed_projects + 1))
    return
  fi

  local total passed failed=0 kind
  total=$(counter total "$trx")
  passed=$(counter passed "$trx")
  for kind in failed error timeout aborted; do
    failed=$((failed + $(counter "$kind" "$trx")))
  done
  total_passed=$((total_passed + passed))
  total_failed=$((total_failed + failed))

  local line="$label: $passed passed, $failed failed"
  if [ "$total" -eq 0 ]; then
    line="$label: no tests ran"
    failed_projects=$((failed_projects + 1))
  elif [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
    line="$line (exit code $status)"
    failed_projects=$((failed_projects + 1))
  fi
  summary+=("$line")
}

core_project=""
e2e_project=""
for project in "${projects[@]}"; do
  name=$(basename "$project" .csproj)
  [ "$name" = "Tenancy.Core.Tests" ] && core_project=$project
  [ "$name" = "Tenancy.E2E" ] && e2e_project=$project
  # Tests of the distribution itself (…OnCitus) need the Citus cluster below.
  run_tests "$name" "$project" "$name" --filter-not-class "*OnCitus"
done

# ---------------------------------------------------------------- Citus (decision 0006)
# The PostgreSQL-backed Core tests again, on a coordinator and two workers: Citus built from
# ../shared/vendor once per machine (scripts/lib/citus.sh), every test database distributed.
# Then a Chromium smoke test of the portal on the cluster: sign in, search, open a tenant, Stripe
# webhooks applied through to a suspension, a restore and its undo, isolating a tenant.
if { [ -n "$core_project" ] || [ -n "$e2e_project" ]; } && [ "${TENANCY_TEST_CITUS_RUN:-1}" != "0" ]; then
  citus_started=$(date +%s)
  if citus_start; then
    plain_postgres=$TENANCY_TEST_POSTGRES
    export TENANCY_TEST_POSTGRES="$TENANCY_TEST_CITUS"
    if [ -n "$core_project" ]; then
      run_tests "Tenancy.Core.Tests on Citus" "$core_project" "Tenancy.Core.Tests.Citus" \
        --filter-class "*Postgres*" --filter-class "*OnCitus"
    fi
    if [ -n "$e2e_project" ]; then
      export TENANCY_SCREENSHOT_DIRECTORY="$root/artifacts/screenshots-citus"
      run_tests "Tenancy.E2E on Citus (smoke)" "$e2e_project" "Tenancy.E2E.Citus" \
        --filter-class "*StaffSignInShould" --filter-class "*TenantSearchShould" --filter-class "*TenantPageShould" \
        --filter-class "*BillingSuspensionShould" --filter-class "*StripeWebhookEndpointShould" --filter-class "*TenantRestoreShould" \
        --filter-class "*OnCitus"
      unset TENANCY_SCREENSHOT_DIRECTORY
    fi
    export TENANCY_TEST_POSTGRES="$plain_postgres"
    say "the Citus run took $(( $(date +%s) - citus_started )) s, its cluster and build included"
  else
    summary+=("Tenancy.Core.Tests on Citus: the cluster did not start (see the messages above)")
    failed_projects=$((failed_projects + 1))
  fi
fi

cleanup
trap - EXIT

echo
echo "Test results in ${results#"$root"/}:"
[ "$build_ok" -eq 1 ] || echo "  build: FAILED (see the errors above)"
for line in "${summary[@]}"; do
  echo "  $line"
done
echo "$total_passed passed, $total_failed failed"

if [ "$build_ok" -ne 1 ] || [ "$failed_projects" -gt 0 ] || [ "$total_failed" -gt 0 ] || [ "$total_passed" -eq 0 ]; then
  exit 1
fi
exit 0

#!/usr/bin/env bash
# Re-takes the committed screenshots (e2e/Tenancy.E2E/screenshots/, shown by README and docs).
# A normal test run writes its screenshots to artifacts/screenshots/ and leaves the checkout clean;
# this is the one command that writes the committed ones.
#
#   scripts/screenshots.sh                                     # every e2e test but the Citus ones: every committed screenshot
#   scripts/screenshots.sh --filter-class '*TenantQuotasShould' # only the screenshots these tests take
#
# Builds e2e/Tenancy.E2E, starts a throwaway PostgreSQL cluster (scripts/lib/postgres.sh, stopped
# however the script ends), runs the tests with TENANCY_REFRESH_SCREENSHOTS=1 (extra arguments go
# to dotnet test) and lists the screenshots that changed: look at them, and commit those you meant
# to change. Environment: TENANCY_CHROMIUM (/usr/bin/chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=lib/postgres.sh
source scripts/lib/postgres.sh

export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
export TENANCY_CHROMIUM=${TENANCY_CHROMIUM:-/usr/bin/chromium}

dotnet build e2e/Tenancy.E2E -c Release -nologo -v:q -clp:NoSummary

trap pg_stop EXIT
trap 'exit 130' INT TERM
pg_start

# The ...OnCitus classes need the Citus cluster scripts/test.sh starts; their screenshots are run artifacts only.
if [ "$#" -eq 0 ]; then set -- --filter-not-class '*OnCitus'; fi
TENANCY_REFRESH_SCREENSHOTS=1 dotnet test --project e2e/Tenancy.E2E --no-build -c Release --no-progress "$@"

echo "Screenshots changed (git status e2e/Tenancy.E2E/screenshots):"
git status --short -- e2e/Tenancy.E2E/screenshots

#!/usr/bin/env bash
# Adds a migration with the same name to both providers' migration sets.
#   scripts/add-migration.sh AddQuotas
set -euo pipefail
name=${1:?usage: scripts/add-migration.sh MigrationName}
cd "$(dirname "$0")/.."
dotnet tool restore >/dev/null
for provider in Postgres Sqlite; do
  dotnet ef migrations add "$name" \
    --project src/Tenancy.Core --startup-project src/Tenancy.Core \
    --context "${provider}TenancyDbContext" \
    --output-dir "Data/Migrations/$provider"
done

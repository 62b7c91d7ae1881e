#!/bin/sh
# Refreshes the committed browser files of the pinned npm packages (see README.md):
# installs exactly what package-lock.json records, then copies the files the portal
# serves, with their licence, into src/Tenancy.Admin/wwwroot/lib/<package>/, and axe-core
# (test tooling, never served) into e2e/Tenancy.E2E/Accessibility/.
set -eu
cd "$(dirname "$0")"
npm ci --no-audit --no-fund

lib=../src/Tenancy.Admin/wwwroot/lib
mkdir -p "$lib/apexcharts"
# The ES module build is self-contained and injects its own stylesheet: apexcharts.css is not needed.
cp node_modules/apexcharts/dist/apexcharts.esm.js node_modules/apexcharts/LICENSE "$lib/apexcharts/"
echo "Copied apexcharts $(node -p "require('./node_modules/apexcharts/package.json').version") into $lib/apexcharts"

# axe-core runs in the end-to-end tests only (injected by Playwright): never copied into wwwroot.
axe=../e2e/Tenancy.E2E/Accessibility
mkdir -p "$axe"
cp node_modules/axe-core/axe.min.js "$axe/axe.min.js"
cp node_modules/axe-core/LICENSE "$axe/axe-core.LICENSE"
cp node_modules/axe-core/LICENSE-3RD-PARTY.txt "$axe/axe-core.LICENSE-3RD-PARTY.txt"
echo "Copied axe-core $(node -p "require('./node_modules/axe-core/package.json').version") into $axe"

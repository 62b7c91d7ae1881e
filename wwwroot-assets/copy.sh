#!/bin/sh
# Refreshes the committed browser files of the pinned npm packages (see README.md):
# installs exactly what package-lock.json records, then copies the files the portal
# serves, with their licence, into src/Tenancy.Admin/wwwroot/lib/<package>/.
set -eu
cd "$(dirname "$0")"
npm ci --no-audit --no-fund

lib=../src/Tenancy.Admin/wwwroot/lib
mkdir -p "$lib/apexcharts"
# The ES module build is self-contained and injects its own stylesheet: apexcharts.css is not needed.
cp node_modules/apexcharts/dist/apexcharts.esm.js node_modules/apexcharts/LICENSE "$lib/apexcharts/"
echo "Copied apexcharts $(node -p "require('./node_modules/apexcharts/package.json').version") into $lib/apexcharts"

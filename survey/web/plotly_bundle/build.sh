#!/bin/sh
# Rebuilds plotly-dashboard.min.js from the pinned packages (package-lock.json): `make plotly-bundle`.
# The same lock file and esbuild give the same bytes; the banner names plotly.js's version,
# which the app compares with the plotly package's before serving the bundle.
set -eu
cd "$(dirname "$0")"
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
version=$(node -p "require('plotly.js/package.json').version")
node_modules/.bin/esbuild entry.js --bundle --minify --format=iife --global-name=Plotly \
  --target=es2016 --define:global=window --define:define.amd=false \
  --alias:stream=stream-browserify --log-level=warning \
  --banner:js="/* plotly.js v$version, traces: scatter bar heatmap scatterpolar (survey/web/plotly_bundle) */" \
  --outdir=build
mv build/entry.js plotly-dashboard.min.js
rm -rf build  # entry.css: maplibre's stylesheet, which these traces never use

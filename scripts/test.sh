#!/usr/bin/env bash
# `npm test`: every test in the tree, from a fresh clone.
# Installs dependencies if needed, builds, lints, starts the native
# infrastructure that is not running, then runs unit, integration and e2e tests.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/node-deps.sh
ensure_node_deps

echo "== build (tsc -b)"
npx tsc -b
echo "== lint"
npx eslint . --max-warnings 0

echo "== infrastructure"
# A component that cannot start is reported by name; its tests then fail with
# a connection error while everything else still runs and reports.
bash infra/native/infra.sh up || echo "WARNING: some infrastructure failed to start (see above)"
bash infra/native/infra.sh status || true

echo "== tests"
npx vitest run "$@"

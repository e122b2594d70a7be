#!/usr/bin/env bash
# Installs the checkers the test suite runs on generated platform files, into .cache/ (idempotent):
#   - actionlint, a Go module, for the CI workflow;
#   - the Compose specification's JSON schema, from the compose-go Go module (Docker's own loader).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
CACHE="$ROOT/.cache"
ACTIONLINT_VERSION=v1.7.12
COMPOSE_GO_VERSION=v2.16.2
mkdir -p "$CACHE/bin"

if [[ ! -x "$CACHE/bin/actionlint" ]] || ! "$CACHE/bin/actionlint" -version | grep -q "${ACTIONLINT_VERSION#v}"; then
  echo "building actionlint $ACTIONLINT_VERSION"
  GOBIN="$CACHE/bin" go install "github.com/rhysd/actionlint/cmd/actionlint@$ACTIONLINT_VERSION"
fi

if [[ ! -f "$CACHE/compose-spec-$COMPOSE_GO_VERSION.json" ]]; then
  echo "fetching the compose-spec schema from compose-go $COMPOSE_GO_VERSION"
  dir="$(go mod download -json "github.com/compose-spec/compose-go/v2@$COMPOSE_GO_VERSION" | python3 -c 'import json,sys; print(json.load(sys.stdin)["Dir"])')"
  cp "$dir/schema/compose-spec.json" "$CACHE/compose-spec-$COMPOSE_GO_VERSION.json"
fi
ln -sf "compose-spec-$COMPOSE_GO_VERSION.json" "$CACHE/compose-spec.json"
echo "tools ready: $("$CACHE/bin/actionlint" -version | head -1), compose-spec $COMPOSE_GO_VERSION"

#!/usr/bin/env bash
# Builds the lakeFS server the sandbox tests run against, once, into .cache/bin/lakefs.
# lakeFS's go.mod has a `replace` directive, so `go install pkg@version` refuses it; instead a small
# wrapper module requires lakeFS at a pinned version, copies its replace line, and builds cmd/lakefs.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
VERSION=v1.84.1
BUILD="$ROOT/.cache/lakefs-build"
BIN="$ROOT/.cache/bin/lakefs"
if [[ -x "$BIN" ]] && "$BIN" --version 2>/dev/null | grep -q "${VERSION#v}"; then
  echo "lakefs up to date: $("$BIN" --version | head -1)"
  exit 0
fi
mkdir -p "$BUILD" "$ROOT/.cache/bin"
cd "$BUILD"
modfile="$(go mod download -json "github.com/treeverse/lakefs@$VERSION" | python3 -c 'import json,sys; print(json.load(sys.stdin)["GoMod"])')"
{
  echo "module create-pipeline/lakefs-build"
  echo
  grep -E '^go [0-9.]+$' "$modfile"
  echo
  echo "require github.com/treeverse/lakefs $VERSION"
  echo
  # lakeFS's own replace directives, which a dependent module must repeat.
  awk '/^replace \($/{inblock=1; next} inblock && /^\)$/{inblock=0; next} inblock{print "replace " $0; next} /^replace /{print}' "$modfile"
} > go.mod
echo "package main" > placeholder.go
# lakeFS's own helper modules (its delta-go fork, secret-detector, ...) are pseudo-versions the
# public checksum database does not list; skip the checksum database for treeverse's modules only
# (the module proxy still serves them, and go.sum records their hashes).
export GONOSUMDB="${GONOSUMDB:+$GONOSUMDB,}github.com/treeverse"
echo "building lakeFS $VERSION (first time only; a few minutes)"
go get "github.com/treeverse/lakefs/cmd/lakefs@$VERSION"
go build -trimpath -ldflags "-s -w -X github.com/treeverse/lakefs/pkg/version.Version=${VERSION#v}" -o "$BIN" github.com/treeverse/lakefs/cmd/lakefs
"$BIN" --version | head -1

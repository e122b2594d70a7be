#!/usr/bin/env bash
# Builds the lakeFS server the sandbox tests run against, once, into .cache/bin/lakefs.
# lakeFS's go.mod has a `replace` directive, so `go install pkg@version` refuses it; instead a small
# wrapper module requires lakeFS at a pinned version, copies its replace line, and builds cmd/lakefs.
#
# `--background` (what `npm run setup` passes): the build, minutes on a fresh machine (the Go module
# downloads and the compile), runs detached while the rest of setup, the build and the tests that do
# not need lakeFS go on. Its output goes to .cache/lakefs-build.log; .cache/lakefs-build.pid names the
# process and .cache/lakefs-build.result says "ok" or "failed <exit code>" when it ends. The lakeFS
# tests wait for it (test/helpers/lakefs.ts, a progress line every 15 s) and fail with the log's tail
# if it failed. Without the flag the build runs in the foreground, as before.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
VERSION=v1.84.1
BUILD="$ROOT/.cache/lakefs-build"
BIN="$ROOT/.cache/bin/lakefs"
LOG="$ROOT/.cache/lakefs-build.log"
PIDFILE="$ROOT/.cache/lakefs-build.pid"
RESULT="$ROOT/.cache/lakefs-build.result"
mkdir -p "$ROOT/.cache/bin"
if [[ -x "$BIN" ]] && "$BIN" --version 2>/dev/null | grep -q "${VERSION#v}"; then
  echo "lakefs up to date: $("$BIN" --version | head -1)"
  # A finished build's markers are stale now (a later foreground build may have fixed a failed one).
  if [[ ! -f "$PIDFILE" ]] || ! kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then rm -f "$PIDFILE" "$RESULT"; fi
  exit 0
fi
case "${1:-}" in
  --background)
    if [[ -f "$PIDFILE" && ! -f "$RESULT" ]] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
      echo "lakeFS $VERSION is already building in the background (pid $(cat "$PIDFILE"), log: $LOG)"
      exit 0
    fi
    rm -f "$RESULT" "$PIDFILE"
    # Detached (its own session, no stdin), so it outlives this script and npm's process group.
    if command -v setsid >/dev/null; then
      setsid bash "$0" --build-in-background </dev/null >"$LOG" 2>&1 &
    else
      nohup bash "$0" --build-in-background </dev/null >"$LOG" 2>&1 &
    fi
    echo "$!" >"$PIDFILE.tmp" && mv "$PIDFILE.tmp" "$PIDFILE"
    echo "building lakeFS $VERSION in the background (pid $!, log: $LOG); the lakeFS tests wait for it"
    exit 0
    ;;
  --build-in-background)
    trap 'code=$?; if [[ $code -eq 0 ]]; then echo ok >"$RESULT"; else echo "failed $code" >"$RESULT"; fi' EXIT
    ;;
  *) rm -f "$PIDFILE" "$RESULT" ;;
esac
mkdir -p "$BUILD"
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
# Into a temporary name, then renamed: nobody ever runs a half-written binary. -v names each package
# as it is compiled, so the log (and the waiting tests' progress lines) show how far it got.
go build -v -trimpath -ldflags "-s -w -X github.com/treeverse/lakefs/pkg/version.Version=${VERSION#v}" -o "$BIN.tmp" github.com/treeverse/lakefs/cmd/lakefs
mv "$BIN.tmp" "$BIN"
"$BIN" --version | head -1

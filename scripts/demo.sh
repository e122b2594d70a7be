#!/usr/bin/env bash
# The main job, end to end, the way a team works: a new platform repo; three people each add a
# pipeline (one per template) on their own branch from the same main, with the built CLI exactly as
# `npm init pipeline` would; the three pull requests merge into main without a conflict; then
# `pipeline sync`, every pipeline in its own environment (`uv sync`), `dg check defs` at the
# platform root, and each pipeline's own tests.
#   npm run demo [-- <folder>]     (default folder: ./demo-platform, replaced if it exists)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DEST="$(realpath -m "${1:-$PWD/demo-platform}")"
[[ -f "$ROOT/packages/create-pipeline/dist/create-pipeline.js" && -f "$ROOT/packages/cli/dist/pipeline.js" ]] || (cd "$ROOT" && npm run --silent build)
bash "$ROOT/scripts/setup-python.sh" >/dev/null   # uv, and dg (dagster-dg-cli)
CLI="node $ROOT/packages/create-pipeline/dist/create-pipeline.js"   # the initializer (npm init pipeline)
PIPELINE="node $ROOT/packages/cli/dist/pipeline.js"                 # the day-two CLI (@create-pipeline/cli)
UV="$ROOT/.cache/uv-bootstrap/bin/uv"
DG="$ROOT/.cache/venv/bin/dg"
# Python writes the bytecode of what it imports into the demo's own venvs, even where
# PYTHONDONTWRITEBYTECODE is set (many CI images set it): else each of the demo's Python processes
# compiles Dagster and pandas again (the demo took 117 s with it, 67 s without, on 2 cores).
unset PYTHONDONTWRITEBYTECODE
export GIT_AUTHOR_NAME="${GIT_AUTHOR_NAME:-create-pipeline demo}" GIT_AUTHOR_EMAIL="${GIT_AUTHOR_EMAIL:-demo@example.com}"
export GIT_COMMITTER_NAME="$GIT_AUTHOR_NAME" GIT_COMMITTER_EMAIL="$GIT_AUTHOR_EMAIL"

rm -rf "$DEST" && mkdir -p "$DEST" && cd "$DEST"
echo "== a platform repo in $DEST (a git repository of its own)"
$CLI --platform --platform-name demo --owners analytics,ml-team >/dev/null
git log --oneline

echo "== three people, three pipelines, each on its own branch from the same main"
for spec in "orders transform analytics" "churn ml ml-team" "events ingest analytics"; do
  read -r name template owner <<<"$spec"
  git checkout -q main
  $CLI "$name" --template "$template" --owner "$owner" | grep -E '^(Added|Committed)'
done

echo "== the three pull requests merge into main, in any order, without a conflict"
git checkout -q main
for branch in events orders churn; do git merge -q --no-ff --no-edit "pipeline/$branch"; done
git log --oneline --graph

echo "== pipeline sync: dg.toml and compose derived from pipelines/*/ (never committed)"
$PIPELINE sync

echo "== every pipeline in its own environment (uv sync), then dg check defs at the platform root"
for dir in pipelines/*/; do (cd "$dir" && "$UV" sync --quiet --python python3); done
for deployment in local prod; do
  echo "-- PIPELINE_DEPLOYMENT=$deployment"
  PIPELINE_DEPLOYMENT="$deployment" "$DG" check defs 2>&1 | tail -1
done

for dir in pipelines/*/; do
  echo "== $dir: its own tests (local mode, bundled sample data)"
  (cd "$dir" && "$UV" run --quiet pytest -q -p no:cacheprovider | tail -1)
done
echo "== done: $DEST"

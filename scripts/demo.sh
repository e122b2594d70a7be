#!/usr/bin/env bash
# The main job, end to end: a new platform repo with one pipeline of each template, made by the
# built CLI exactly as `npm init pipeline` would, then each pipeline's own tests under real Dagster.
#   npm run demo [-- <folder>]     (default folder: ./demo-platform, replaced if it exists)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DEST="$(realpath -m "${1:-$PWD/demo-platform}")"
[[ -f "$ROOT/dist/create-pipeline.js" ]] || (cd "$ROOT" && npm run --silent build)
bash "$ROOT/scripts/setup-python.sh" >/dev/null
CLI="node $ROOT/dist/create-pipeline.js"
export GIT_AUTHOR_NAME="${GIT_AUTHOR_NAME:-create-pipeline demo}" GIT_AUTHOR_EMAIL="${GIT_AUTHOR_EMAIL:-demo@example.com}"
export GIT_COMMITTER_NAME="$GIT_AUTHOR_NAME" GIT_COMMITTER_EMAIL="$GIT_AUTHOR_EMAIL"

rm -rf "$DEST" && mkdir -p "$DEST" && cd "$DEST"
echo "== a platform repo in $DEST"
$CLI --platform --platform-name demo --owners analytics,ml-team >/dev/null
echo "== three pipelines, each on its own branch with one commit"
$CLI orders --template transform --owner analytics --schedule "0 6 * * *" | tail -4
git checkout -q main && $CLI churn --template ml --owner ml-team | tail -2
git checkout -q main && $CLI events --template ingest --owner analytics | tail -2
git log --oneline --all --graph
for branch in orders churn events; do
  git checkout -q "pipeline/$branch"
  echo "== pipelines/$branch: its own tests (local mode, bundled sample data)"
  (cd "pipelines/$branch" && "$ROOT/.cache/venv/bin/python" -m pytest -q -p no:cacheprovider | tail -1)
done
echo "== done: $DEST"

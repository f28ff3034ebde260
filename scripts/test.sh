#!/usr/bin/env bash
# Command 2 of the README: install everything, then run every test
# (ruff, pycore unit/property/parity, demos in CPython, the strict site build,
# Playwright in Chromium, accessibility).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/ruff check .
bash scripts/test-py38.sh
.venv/bin/python -m pytest "$@"

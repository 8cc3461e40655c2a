#!/usr/bin/env bash
# Create .venv and install the project with its test dependencies (torch pinned to the CPU wheel).
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip >/dev/null 2>&1 || true
.venv/bin/python -m pip install -q -e '.[dev]'
# Byte-compile the project's own modules once: with PYTHONDONTWRITEBYTECODE set (as on CI machines) every
# `aismm` process and test server would otherwise compile them from source at each start.
.venv/bin/python -m compileall -q -j 0 src >/dev/null

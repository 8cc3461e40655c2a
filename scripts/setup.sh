#!/usr/bin/env bash
# Create .venv and install the project with its test dependencies (torch pinned to the CPU wheel).
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip >/dev/null 2>&1 || true
# --no-compile, then compileall below: pip byte-compiles the ~19,000 installed modules one at a time
# (about 40 s of a fresh install); compileall does the same work on every core.
.venv/bin/python -m pip install -q --no-compile -e '.[dev]'
# Byte-compile the dependencies and the project's own modules: with PYTHONDONTWRITEBYTECODE set (as on CI
# machines) every `aismm` process, test server and pytest worker would otherwise compile them from source
# at each start. The dependencies' own test suites (2,000 files under site-packages/*/tests/, never
# imported here) are left out. A few files shipped for newer Pythons (e.g. torch's py312 test helpers) do
# not compile here; pip skips those silently too, so their errors are not fatal. Ours must compile.
site=$(.venv/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
.venv/bin/python -m compileall -q -j 0 -x 'site-packages/.+/tests/' "$site" >/dev/null 2>&1 || true
.venv/bin/python -m compileall -q -j 0 src >/dev/null

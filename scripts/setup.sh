#!/usr/bin/env bash
# Create .venv and install the project with its test dependencies (torch pinned to the CPU wheel).
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip >/dev/null 2>&1 || true
# Bytecode: pip would byte-compile all ~19,000 installed modules, one at a time (about 40 s of a fresh
# install), though the whole test suite imports under a third of them (by size).
.venv/bin/python -m pip install -q --no-compile -e '.[dev]'
# Where Python may write its bytecode cache (its default), each module is compiled once, when it is first
# imported, and cached in .venv: nothing to do here. With PYTHONDONTWRITEBYTECODE set nothing is ever
# cached, and every `aismm` process, test server and pytest worker would compile its imports from source
# at each start; then all of site-packages is compiled now, on every core, less the dependencies' own
# test suites (2,000 files under site-packages/*/tests/, never imported here). A few files shipped for
# newer Pythons (e.g. torch's py312 test helpers) do not compile; pip skips those silently too, so their
# errors are not fatal.
if [ -n "${PYTHONDONTWRITEBYTECODE:-}" ]; then
  site=$(.venv/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
  .venv/bin/python -m compileall -q -j 0 -x 'site-packages/.+/tests/' "$site" >/dev/null 2>&1 || true
fi
# The project's own modules: always compiled (a second or less), and they must compile.
.venv/bin/python -m compileall -q -j 0 src >/dev/null

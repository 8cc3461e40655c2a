#!/usr/bin/env bash
# Fresh machine -> working assistant on the embedded defaults (no server, no API key).
set -euo pipefail
cd "$(dirname "$0")/.."
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
bash scripts/setup.sh
A=.venv/bin/aismm
echo "== corpus"; $A corpus validate
echo "== lookup"; $A lookup MOD-03.1
if $A --help | grep -q ' index '; then
  echo "== index"; $A index
  echo "== ask"; $A ask "What does MOD-03.1 require?"
fi
GOLDEN=$(ls evals/golden/*.yaml 2>/dev/null | head -1 || true)
if [ -n "$GOLDEN" ] && $A --help | grep -q ' assess '; then
  echo "== replay $GOLDEN"; $A assess replay "$GOLDEN"
  echo "== eval"; $A eval evals/golden
fi

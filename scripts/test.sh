#!/usr/bin/env bash
# Install everything the tests need, then run all of them (unit, AppTest, browser).
# Usage: bash scripts/test.sh [extra pytest args]
set -euo pipefail
cd "$(dirname "$0")/.."
# The whole suite or nothing: with CI=true a missing browser, `dot` or nginx fails the
# tests that need it instead of skipping them (tests/e2e/conftest.py and others).
export CI=true

# --retries 1: where PyTorch's CPU index (requirements.txt) cannot be reached, pip's
# default 5 retries wait ~6 s for every package looked up there (minutes in all).
python3 -m pip install --quiet --disable-pip-version-check --retries 1 -r requirements-dev.txt

# Browser tests drive Debian's Chromium (Playwright cannot download browsers here);
# Graphviz's `dot` lets the SVG export be tested too; nginx fronts the two-replica test.
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v dot >/dev/null 2>&1 || missing+=(graphviz)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx)
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

python3 -m ruff check .
python3 -m ruff format --check .
python3 -m pytest "$@"

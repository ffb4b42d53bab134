#!/usr/bin/env bash
# One command for the demo on a fresh machine: browsers, dependencies, build, server with demo traffic, browser.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-system-deps.sh
[ -d node_modules ] || npm ci
exec npm run demo -- "$@"

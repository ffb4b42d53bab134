#!/usr/bin/env bash
# One command for the whole test suite on a fresh machine: browsers and Redis, dependencies, then `npm test`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-system-deps.sh
npm ci
npm test

#!/usr/bin/env bash
# Sets everything up, then runs the whole test suite (unit, integration, e2e).
# Results are also written as JSON to test-results.json (read by .ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."
QKMS_SETUP_FOR_TESTS=1 bash scripts/setup.sh
npm run --silent typecheck
npm run --silent lint
exec npx jest --runInBand --json --outputFile=test-results.json "$@"

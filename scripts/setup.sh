#!/usr/bin/env bash
# Installs everything QKMS needs on a Debian machine with Node.js (24 LTS; 22 and 20 work too),
# then builds it.
# Safe to run again: it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi

missing=()
command -v softhsm2-util >/dev/null || missing+=(softhsm2)
command -v pkcs11-tool >/dev/null || missing+=(opensc)
command -v openssl >/dev/null || missing+=(openssl)
command -v g++ >/dev/null || missing+=(g++)
command -v make >/dev/null || missing+=(make)
command -v python3 >/dev/null || missing+=(python3)
if [ "${QKMS_SETUP_FOR_TESTS:-0}" = 1 ]; then
  command -v aws >/dev/null || missing+=(awscli)
  # promtool (deploy/monitoring tests) comes only in Debian's prometheus package.
  command -v promtool >/dev/null || missing+=(prometheus)
  # The HSM outage tests serve the token over a socket with p11-kit's RPC server and client.
  command -v p11-kit >/dev/null || missing+=(p11-kit)
  dpkg -s p11-kit-modules >/dev/null 2>&1 || missing+=(p11-kit-modules)
  # The PostgreSQL metadata store is tested against a real server the tests start themselves.
  compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing+=(postgresql)
  # The docs site's "Try it out" is tested in Debian's Chromium (never a downloaded browser).
  command -v chromium >/dev/null || missing+=(chromium)
fi
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing ${missing[*]} with apt" >&2
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# pkcs11js compiles with node-gyp; Debian's nodejs headers spare it a download, when they are
# this Node's (the major version decides the ABI).
headers_major=$(sed -n 's/^#define NODE_MAJOR_VERSION \([0-9]*\)$/\1/p' /usr/include/node/node_version.h 2>/dev/null || true)
if [ -z "${npm_config_nodedir:-}" ] && [ "$headers_major" = "$(node -p 'process.versions.node.split(".")[0]')" ]; then
  export npm_config_nodedir=/usr
fi

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi

# The two native addons (allowed by package.json's allowScripts) must be compiled for this Node:
# rebuilt when they were built for another one, then named plainly.
addons_load() {
  node -e "require('./node_modules/pkcs11js/build/Release/pkcs11.node'); require('./node_modules/fs-ext/build/Release/fs_ext.node')" 2>/dev/null
}
if ! addons_load; then
  echo "setup: building the native addons pkcs11js and fs-ext for Node.js $(node --version)" >&2
  npm rebuild pkcs11js fs-ext >/dev/null || true # the check below says what went wrong
  if ! addons_load; then
    echo "setup: pkcs11js or fs-ext could not be built (needs g++, make, python3); see: npm rebuild pkcs11js fs-ext" >&2
    exit 1
  fi
fi
echo "setup: native addons pkcs11js (PKCS#11) and fs-ext (flock) are built for Node.js $(node --version)" >&2

# Separate npm projects the tests need, kept out of QKMS's own dependencies: the third-party
# signing libraries of the recipes (docs/integrations.md), the Docusaurus docs site, whose
# "Try it out" the docs tests drive (the tests build the site themselves when it is stale), and
# the application project that imports qkms/testcontainers as users do (a link to this checkout).
# Installed only for the tests, again when a lock changes.
if [ "${QKMS_SETUP_FOR_TESTS:-0}" = 1 ]; then
  for project in test/integrations docs/site test/container/app; do
    if [ ! -f "$project/node_modules/.package-lock.json" ] ||
      [ "$project/package-lock.json" -nt "$project/node_modules/.package-lock.json" ]; then
      npm ci --prefix "$project" --no-audit --no-fund
    fi
  done
fi
npm run --silent build

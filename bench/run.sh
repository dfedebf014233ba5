#!/usr/bin/env bash
# The one bench command: installs what is missing (SoftHSM, compilers, npm packages), builds
# QKMS and the native loops, then runs every measurement and prints the table
# (also written to bench/results/latest.json). Takes about 5 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# The native loop includes p11-kit's PKCS#11 header.
if [ ! -f /usr/include/p11-kit-1/p11-kit/pkcs11.h ]; then
  sudo_cmd=(); if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
  "${sudo_cmd[@]}" apt-get install -y -qq libp11-kit-dev >/dev/null
fi
mkdir -p bench/results/bin
cflags=(-O2 -Wall -Wextra -I/usr/include/p11-kit-1)
gcc "${cflags[@]}" -o bench/results/bin/p11loop bench/native/p11loop.c -ldl -lpthread
gcc "${cflags[@]}" -shared -fPIC -o bench/results/bin/deepbind-shim.so bench/native/deepbind-shim.c -ldl
exec node bench/run.mjs "$@"

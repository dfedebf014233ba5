#!/usr/bin/env bash
# Sets everything up, then runs QKMS on a local SoftHSM token with demo keys (127.0.0.1:8080).
# Extra arguments go to `qkms dev` (e.g. --port 9090 --data-dir /tmp/qkms).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec node dist/cli/main.js dev "$@"

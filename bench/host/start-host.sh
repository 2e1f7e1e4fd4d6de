#!/usr/bin/env bash
# Starts nodefarm in front of one app, for the shared baseline bench (its EXTRA_START hook):
#   EXTRA_NAME=nodefarm-2 EXTRA_START="bench/host/start-host.sh <path>/app.js" bash <bench>/run.sh
# Usage: start-host.sh <app.js> [port]   (port default: $EXTRA_PORT, else 9005; workers: $WORKERS, else 2)
# The host runs on the project's pinned Node 24; the workers use the `node` on PATH, like the other targets.
# NODEFARM_ARGS adds `serve` options, e.g. NODEFARM_ARGS="--maxConcurrentRequestsPerProcess 2" (host-side queue).
set -eu
[ $# -ge 1 ] || { echo "usage: $0 <app.js> [port]" >&2; exit 2; }
APP=$1; PORT=${2:-${EXTRA_PORT:-9005}}
REPO=$(cd "$(dirname "$0")/../.." && pwd)
exec "$REPO/node_modules/.bin/node" "$REPO/bin/nodefarm.js" serve "$APP" --port "$PORT" \
  --nodeProcessCountPerApplication "${WORKERS:-2}" ${NODEFARM_ARGS:-} 2>/dev/null

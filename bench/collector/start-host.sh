#!/usr/bin/env bash
# Starts nodefarm with telemetry on or off in front of one app; usable as the shared baseline bench's
# EXTRA_START hook:
#   TELEMETRY=on OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318 EXTRA_NAME=nodefarm-otel \
#     EXTRA_START="bench/collector/start-host.sh <bench>/app.js" bash <bench>/run.sh 200
# Usage: start-host.sh <app.js> [port]   (port default: $EXTRA_PORT, else 9005; workers: $WORKERS, else 2)
set -eu
[ $# -ge 1 ] || { echo "usage: $0 <app.js> [port]" >&2; exit 2; }
APP=$1; PORT=${2:-${EXTRA_PORT:-9005}}
REPO=$(cd "$(dirname "$0")/../.." && pwd)
exec "$REPO/node_modules/.bin/node" "$REPO/bench/collector/serve.ts" "$APP" "$PORT" 2>/dev/null

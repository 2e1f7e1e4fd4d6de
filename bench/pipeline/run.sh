#!/usr/bin/env bash
# The pipeline benchmark, all services on this machine in one run:
#   load.ts ──OTLP/HTTP protobuf──▶ gateway ──▶ Kafka ──▶ ingester ──▶ ClickHouse (spans + requests_1m rollup)
# Starts (or reuses) Kafka and ClickHouse through deploy/services.sh, migrates a fresh database, starts the real
# gateway and ingester as separate processes (`nodefarm gateway` / `nodefarm ingest` on the pinned Node), drives
# host-shaped spans at each target rate (bench/pipeline/load.ts prints the figures), then stops everything it
# started and drops its database, topics and consumer group.
# Usage: bench/pipeline/run.sh [RATE ...]   (spans/s, ascending; default 10000 20000 50000 80000; stops after the first rate not sustained)
# Env: WARMUP_S (8; then up to SETTLE_S, 15, more until the ingester is less than 1 s behind),
#      DURATION_S (20), DRAIN_S (20), BATCH (1000 spans per request), SENDERS (16), TEMPLATES (32 pre-encoded
#      batches the load copies with fresh ids and times; 0 = encode every batch, as before),
#      PARTITIONS (3), OPTIMIZE (1: OPTIMIZE FINAL before measuring bytes/span), KEEP=1 (keep database and
#      topics), PROFILE=1 (--cpu-prof for gateway and ingester; profiles and logs kept in OUT_DIR),
#      OUT_DIR (logs and results.json; default a temporary directory, kept when PROFILE=1 or KEEP=1),
#      GATEWAY_ARGS / INGEST_ARGS (extra flags, e.g. INGEST_ARGS="--max-batch-rows 20000"),
#      CHDB=1 (also copy the spans to a current ClickHouse engine, chdb, with the schema overlay, and print its
#      bytes per span), KAFKA_PORT (19092), CLICKHOUSE_HTTP_PORT (18123).
source "$(dirname "$0")/../../deploy/lib/common.sh"
REPO=$NODEFARM_ROOT
NODE=$(node_bin)
RATES=${*:-10000 20000 50000 80000}
TAG=bench_$(date +%s)_$$
DB=nodefarm_$TAG
BROKERS=127.0.0.1:${KAFKA_PORT:-19092}
CH_URL=http://127.0.0.1:${CLICKHOUSE_HTTP_PORT:-18123}
TOPICS=(otlp_spans_$TAG otlp_metrics_$TAG otlp_dead_letter_$TAG)
GROUP=ingest_$TAG
OUT=${OUT_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/nodefarm-bench-pipeline.XXXXXX")}
mkdir -p "$OUT"
PROF=()
[ "${PROFILE:-0}" = 1 ] && PROF=(--cpu-prof "--cpu-prof-dir=$OUT")
STARTED=()
GW_PID=""; IN_PID=""; LOAD_PID=""

stop_pid() { # PID NAME: TERM, wait up to 20 s for its own graceful stop, then KILL
  local pid=$1 name=$2
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 200); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  say "$name did not stop in 20 s; killing pid $pid"; kill -KILL "$pid" 2>/dev/null || true
}

cleanup() {
  local rc=$?
  stop_pid "$LOAD_PID" load.ts
  stop_pid "$IN_PID" ingester
  stop_pid "$GW_PID" gateway
  if [ "${KEEP:-0}" != 1 ]; then
    "$NODE" --disable-warning=TimeoutNegativeWarning "$REPO/bench/pipeline/cleanup.ts" "$CH_URL" "$DB" "$BROKERS" "$GROUP" "${TOPICS[@]}" || true
  else
    say "kept database $DB and topics ${TOPICS[*]}"
  fi
  for svc in "${STARTED[@]}"; do bash "$REPO/deploy/services.sh" stop "$svc" || true; done
  if [ "${KEEP:-0}" = 1 ] || [ "${PROFILE:-0}" = 1 ] || [ -n "${OUT_DIR:-}" ]; then say "logs and results in $OUT"; else rm -rf "$OUT"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# 1. Services: reuse the running ones; stop at the end only the ones started here.
while read -r name how; do
  [ "$how" = started ] && STARTED+=("$name")
done < <(bash "$REPO/deploy/services.sh" start)

# The broker's and server's pids, to meter their CPU (empty when they run as another user or elsewhere).
listener_pid() { ss -ltnpH "sport = :$1" 2>/dev/null | sed -n 's/.*pid=\([0-9]*\).*/\1/p' | head -n 1; }
KAFKA_PID=$(listener_pid "${KAFKA_PORT:-19092}")
CLICKHOUSE_PID=$(listener_pid "${CLICKHOUSE_HTTP_PORT:-18123}")

# 2. A fresh database.
"$NODE" "$REPO/bin/nodefarm.js" migrate --url "$CH_URL" --database "$DB" >"$OUT/migrate.log" 2>&1 \
  || { cat "$OUT/migrate.log" >&2; die "migrate failed"; }

# 3. The gateway, on a free port.
GW_PORT=$("$NODE" -e 'const s = require("node:net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });')
# shellcheck disable=SC2086 # GATEWAY_ARGS is a list of flags
"$NODE" "${PROF[@]}" "$REPO/bin/nodefarm.js" gateway --port "$GW_PORT" --brokers "$BROKERS" \
  --spans-topic "${TOPICS[0]}" --metrics-topic "${TOPICS[1]}" --dead-letter-topic "${TOPICS[2]}" \
  --partitions "${PARTITIONS:-3}" ${GATEWAY_ARGS:-} 2>"$OUT/gateway.log" &
GW_PID=$!
for _ in $(seq 300); do
  curl -fsS --max-time 1 "http://127.0.0.1:$GW_PORT/readyz" >/dev/null 2>&1 && break
  kill -0 "$GW_PID" 2>/dev/null || { tail -n 20 "$OUT/gateway.log" >&2; die "the gateway exited during start"; }
  sleep 0.2
done
curl -fsS --max-time 1 "http://127.0.0.1:$GW_PORT/readyz" >/dev/null || die "the gateway was not ready within 60 s"

# 4. The ingester.
INGEST_FLAGS=(--brokers "$BROKERS" --group-id "$GROUP" --spans-topic "${TOPICS[0]}" --metrics-topic "${TOPICS[1]}"
  --dead-letter-topic "${TOPICS[2]}" --partitions "${PARTITIONS:-3}" --clickhouse-url "$CH_URL" --database "$DB"
  --retention-days 0)
# shellcheck disable=SC2206 # INGEST_ARGS is a list of flags
INGEST_FLAGS+=(${INGEST_ARGS:-})
"$NODE" "${PROF[@]}" "$REPO/bin/nodefarm.js" ingest "${INGEST_FLAGS[@]}" 2>"$OUT/ingest.log" &
IN_PID=$!
for _ in $(seq 300); do
  grep -q '"ingester running"' "$OUT/ingest.log" 2>/dev/null && break
  kill -0 "$IN_PID" 2>/dev/null || { tail -n 20 "$OUT/ingest.log" >&2; die "the ingester exited during start"; }
  sleep 0.2
done
grep -q '"ingester running"' "$OUT/ingest.log" || say "the ingester did not log that it runs within 60 s; measuring anyway"

# 5. Load and measurement.
GATEWAY_URL=http://127.0.0.1:$GW_PORT CLICKHOUSE_URL=$CH_URL DATABASE=$DB RATES=$RATES \
GATEWAY_PID=$GW_PID INGEST_PID=$IN_PID KAFKA_PID=$KAFKA_PID CLICKHOUSE_PID=$CLICKHOUSE_PID \
RESULT_JSON=$OUT/results.json \
  "$NODE" "$REPO/bench/pipeline/load.ts" &
# In the background with `wait`, so that a SIGINT or SIGTERM sent to this script runs the cleanup at once.
LOAD_PID=$!
wait "$LOAD_PID"
LOAD_PID=""
if [ "${CHDB:-0}" = 1 ]; then
  "$NODE" "$REPO/bench/pipeline/current-engine-bytes.ts" "$CH_URL" "$DB" || say "the chdb comparison failed"
fi
warnings=$(cd "$OUT" && grep -c '"level":"\(warn\|error\)"' gateway.log ingest.log || true)
say "gateway/ingester warnings: ${warnings//$'\n'/, }"

#!/usr/bin/env bash
# Host benchmark: nodefarm measured in the same run as direct node, node's cluster module, PM2 cluster and
# nginx → Unix sockets (two workers each), for three workloads, using the shared baseline script.
# Prints each run's raw lines, then the ratios the host core targets:
#   WORK_US=200            throughput ≥ 0.9 × PM2 cluster
#   heavy tail             p99 ≤ 0.5 × PM2's p99 at ≥ 0.9 × its throughput
#   hello world            throughput ≥ 1.0 × nginx → Unix sockets
#   host RSS under load    ≤ 80 MB with two workers (peak VmRSS of the host process, and its RssAnon)
# Usage: bench/host/run.sh [DURATION_S] [BASELINE_DIR] [ROUNDS]   (needs wrk and nginx: apt-get install wrk nginx)
# Env: NODEFARM_ARGS, extra `nodefarm serve` options for every workload (see start-host.sh).
# ROUNDS (default 1) repeats every workload; the table then takes each target's median req/s and p99 over the
# rounds (on a 2-core machine one 8 s run of the heavy tail moves by ±10 %: ~530 slow requests, Poisson-spread).
# Wall-clock req/s is noisy on a shared machine: bench/host/cpu.sh measures CPU per request instead.
set -euo pipefail
REPO=$(cd "$(dirname "$0")/../.." && pwd)
D=${1:-8}
BASE=${2:-${BASELINE_DIR:-$REPO/../shared/bench}}
ROUNDS=${3:-${ROUNDS:-1}}
[ -x "$BASE/run.sh" ] || { echo "baseline script not found: $BASE/run.sh (pass its folder as the 2nd argument)" >&2; exit 2; }
for c in wrk nginx; do command -v $c >/dev/null || { echo "$c is missing: apt-get install -y $c" >&2; exit 2; }; done
OUT=$(mktemp -d); trap 'rm -rf "$OUT"' EXIT
export EXTRA_NAME=nodefarm-2 EXTRA_PORT=${EXTRA_PORT:-9005} WORKERS=2
# The host is started through a wrapper that also samples its memory while the load runs.
export EXTRA_START="bash $REPO/bench/host/start-sampled.sh $BASE/app.js $OUT/rss"

# One short start first: it fills Node's compile cache, as any host's first start does, so the measured hosts
# neither strip TypeScript again nor carry the stripper's memory.
( bash "$REPO/bench/host/start-host.sh" "$BASE/app.js" "$EXTRA_PORT" & pid=$!
  for _ in $(seq 100); do (echo > "/dev/tcp/127.0.0.1/$EXTRA_PORT") 2>/dev/null && break; sleep 0.1; done
  kill $pid 2>/dev/null; wait $pid 2>/dev/null ) || true

run() { # name, then env assignments for the workload; appends each round's lines and host memory
  local name=$1 r; shift
  for r in $(seq "$ROUNDS"); do
    echo "== $name (round $r of $ROUNDS)"
    env "$@" bash "$BASE/run.sh" "$(env "$@" bash -c 'echo ${WORK_US:-0}')" "$D" | tee -a "$OUT/$name.txt"
    if [ -f "$OUT/rss" ]; then cat "$OUT/rss" >> "$OUT/$name.rss"; rm -f "$OUT/rss"; fi
  done
}
run hello WORK_US=0
run work200 WORK_US=200
run tail WORK_US=100 TAIL_PCT=2 TAIL_US=20000

# The median over the rounds of one target's field (p99 converted to ms first, so us/ms/s compare).
field() {
  awk -v n="$2" -v f="$3" '$1 == n { for (i = 2; i <= NF; i++) { split($i, kv, "="); if (kv[1] == f) print kv[2] } }' "$OUT/$1.txt" |
    while read -r v; do ms "$v"; done | sort -g | awk '{ v[NR] = $1 } END { if (NR) print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'
}
ms() { awk -v v="$1" 'BEGIN { if (v ~ /us$/) { sub(/us$/, "", v); print v / 1000 } else if (v ~ /ms$/) { sub(/ms$/, "", v); print v + 0 } else if (v ~ /s$/) { sub(/s$/, "", v); print v * 1000 } else print v }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }

echo
if [ "$ROUNDS" -gt 1 ]; then echo "Medians over $ROUNDS rounds."; fi
echo "| workload | nodefarm req/s | anchor | anchor req/s | ratio | target |"
echo "|---|---|---|---|---|---|"
throughput() { # label, workload, anchor, target: one table row, each median computed once
  local n a
  n=$(field "$2" nodefarm-2 req/s); a=$(field "$2" "$3" req/s)
  echo "| $1 | $n | $3 | $a | $(ratio "$n" "$a") | $4 |"
}
throughput "hello world" hello nginx-uds-2 "≥ 1.0"
throughput "WORK_US=200" work200 pm2-cluster-2 "≥ 0.9"
throughput "heavy tail" tail pm2-cluster-2 "≥ 0.9"
p99n=$(field tail nodefarm-2 p99); p99p=$(field tail pm2-cluster-2 p99)
echo "| heavy tail p99 (ms) | $p99n | pm2-cluster-2 | $p99p | $(ratio "$p99n" "$p99p") | ≤ 0.5 |"
for w in hello work200 tail; do
  [ -f "$OUT/$w.rss" ] && echo "| host memory, $w | $(paste -sd';' "$OUT/$w.rss" | sed 's/;/; /g') | | | | ≤ 80 MB |"
done

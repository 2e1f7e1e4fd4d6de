#!/usr/bin/env bash
# Telemetry on vs off, same run, same app (the shared baseline's app.js): alternating rounds of
#   off → on → off → on …   each: warm-up, then wrk -t1 -c$CONNS -d${DURATION}s --latency
# against a host with two workers, exporting to a local OTLP sink. Prints req/s and p99 per round, the
# on/off ratios (medians over rounds), and the host's CPU microseconds per exported span:
#   (host CPU per request with telemetry − without) / spans exported per request, the CPU read from
#   /proc/<pid>/stat around the measured wrk run only.
# Usage: bench/collector/run.sh [WORK_US] [DURATION_S] [ROUNDS]   (defaults 200 8 2)
# Env: WORKERS (2), CONNS (64), SAMPLING (1; the host's samplingRatio), RATE (total requests/s to offer instead of
#      saturating, as in the shared bench: latency is then measured below saturation), OTEL_* (e.g.
#      OTEL_EXPORTER_OTLP_COMPRESSION=gzip).
set -u
W=${1:-200}; D=${2:-8}; R=${3:-2}; C=${CONNS:-64}
REPO=$(cd "$(dirname "$0")/../.." && pwd)
NODE=$REPO/node_modules/.bin/node
# The shared baselines live beside the repository (../shared/bench) unless BENCH_DIR says otherwise.
BENCH=${BENCH_DIR:-$(cd "$REPO/../shared/bench" 2>/dev/null && pwd)}
[ -f "$BENCH/app.js" ] || { echo "baseline app not found: set BENCH_DIR to the folder of the shared bench's app.js" >&2; exit 2; }
T=$(mktemp -d); PORT=${EXTRA_PORT:-9015}; SINK=${SINK_PORT:-9016}
export WORK_US=$W WORKERS=${WORKERS:-2} OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:$SINK
cleanup(){ jobs -p | xargs -r kill 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT
LUA=""; if [ -n "${RATE:-}" ]; then LUA="$T/pace.lua"; echo "function delay() return $(( C * 1000 / RATE )) end" > "$LUA"; fi
waitport(){ for _ in $(seq 100); do (echo > /dev/tcp/127.0.0.1/$1) 2>/dev/null && return 0; sleep 0.1; done; return 1; }

"$NODE" "$REPO/bench/collector/sink.ts" "$SINK" & SINK_PID=$!
waitport "$SINK" || { echo "sink did not start" >&2; exit 1; }

one(){ # $1 = on|off, $2 = round → prints "mode rps p99ms requests cpuUs spans"
  local mode=$1 stats=$T/stats-$1-$2.json out=$T/wrk-$1-$2.txt
  TELEMETRY=$mode STATS_FILE=$stats "$NODE" "$REPO/bench/collector/serve.ts" "$BENCH/app.js" "$PORT" 2>/dev/null & local pid=$!
  waitport "$PORT" || { echo "host did not start" >&2; exit 1; }
  sleep 1
  wrk -t1 -c"$C" -d2s "http://127.0.0.1:$PORT/" >/dev/null 2>&1 # warm-up (JIT, pools)
  local before after
  before=$(cputicks "$pid")
  wrk -t1 -c"$C" -d"${D}s" --latency ${LUA:+-s "$LUA"} "http://127.0.0.1:$PORT/" > "$out" 2>&1
  after=$(cputicks "$pid")
  kill -TERM "$pid"; wait "$pid" 2>/dev/null
  "$NODE" -e '
    const fs = require("fs"); const [out, stats, mode] = process.argv.slice(1);
    const w = fs.readFileSync(out, "utf8"); const s = JSON.parse(fs.readFileSync(stats, "utf8"));
    const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(w)[1]);
    const reqs = Number(/(\d+) requests in/.exec(w)[1]);
    const m = /99%\s+([\d.]+)(us|ms|s)/.exec(w); const p99 = Number(m[1]) * ({ us: 0.001, ms: 1, s: 1000 })[m[2]];
    const cpuUs = Number(process.argv[4]) * 1e6 / Number(process.argv[5]);
    const spansPerReq = s.requests > 0 ? s.exported / s.requests : 0;
    console.log([mode, rps, p99, reqs, cpuUs, spansPerReq, s.droppedQueueFull + s.droppedExportFailed].join(" "));
  ' "$out" "$stats" "$mode" "$((after - before))" "$(getconf CLK_TCK)"
}
cputicks(){ awk '{print $14 + $15}' "/proc/$1/stat"; } # the host's user + system CPU, clock ticks

for r in $(seq "$R"); do one off "$r"; one on "$r"; done > "$T/results.txt"
kill -TERM "$SINK_PID" 2>/dev/null; wait "$SINK_PID" 2>/dev/null
"$NODE" -e '
  const rows = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").map((l) => l.split(" "));
  const pick = (mode) => rows.filter((r) => r[0] === mode).map((r) => r.slice(1).map(Number));
  const med = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };
  for (const r of rows) console.log(`${r[0].padEnd(4)} req/s=${r[1]} p99=${r[2]}ms requests=${r[3]} hostCpuMs=${(r[4] / 1000).toFixed(0)} spans/req=${Number(r[5]).toFixed(2)} dropped=${r[6]}`);
  const off = pick("off"), on = pick("on");
  const rps = med(on.map((r) => r[0])) / med(off.map((r) => r[0]));
  const p99 = med(on.map((r) => r[1])) / med(off.map((r) => r[1]));
  const cpuPerReqOff = med(off.map((r) => r[3] / r[2])), cpuPerReqOn = med(on.map((r) => r[3] / r[2]));
  const spansPerReq = med(on.map((r) => r[4]));
  console.log(`throughput on/off = ${rps.toFixed(3)} (target >= 0.97)   p99 on/off = ${p99.toFixed(3)} (target <= 1.1)`);
  console.log(`host CPU per request: off ${cpuPerReqOff.toFixed(1)} us, on ${cpuPerReqOn.toFixed(1)} us; ` +
    `spans per request ${spansPerReq.toFixed(2)}; CPU per exported span ${((cpuPerReqOn - cpuPerReqOff) / spansPerReq).toFixed(2)} us`);
' "$T/results.txt"

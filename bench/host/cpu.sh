#!/usr/bin/env bash
# CPU cost per request of the front process, a steadier figure than req/s on a shared machine: offers a fixed
# load below saturation (RATE requests/s through wrk's pacing) to nginx → Unix sockets and to nodefarm, two
# workers each, and reads utime+stime of the front process (nginx: master and worker; nodefarm: the host) and
# of the workers from /proc over the run. Also prints the front process's peak VmRSS and RssAnon, and context
# switches per request: the front's involuntary ones (preempted, e.g. by a worker it just woke) and the workers'
# voluntary ones (each is a wake-up, so their inverse is the requests a worker serves per wake-up).
# Usage: bench/host/cpu.sh [RATE] [DURATION_S] [BASELINE_DIR]   (defaults 3000, 10, ../shared/bench)
# Env: WORK_US (app busy-loop µs, default 0), CONNS (default 64), TARGETS (default "nginx nodefarm"),
#      HOST_NODE_OPTIONS (extra node flags for the host process, to compare V8 settings; set NODEFARM_HOST_FLAGS=0 to
#      drop the bin's own), NODEFARM_ARGS (extra `nodefarm serve` options, e.g. "--maxConcurrentRequestsPerProcess 2").
set -euo pipefail
REPO=$(cd "$(dirname "$0")/../.." && pwd)
RATE=${1:-3000}; D=${2:-10}
BASE=${3:-${BASELINE_DIR:-$REPO/../shared/bench}}
C=${CONNS:-64}; export WORK_US=${WORK_US:-0}
for c in wrk nginx; do command -v $c >/dev/null || { echo "$c is missing: apt-get install -y $c" >&2; exit 2; }; done
T=$(mktemp -d); PIDS=()
cleanup() {
  [ -f "$T/nginx.pid" ] && nginx -c "$T/nginx.conf" -s stop 2>/dev/null
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true; rm -rf "$T"
}
trap cleanup EXIT
echo "function delay() return $(( C * 1000 / RATE )) end" > "$T/pace.lua"
HZ=$(getconf CLK_TCK)
waitport() { for _ in $(seq 100); do (echo > /dev/tcp/127.0.0.1/$1) 2>/dev/null && return 0; sleep 0.1; done; return 1; }
ticks() { local s=0 p; for p in "$@"; do [ -r /proc/$p/stat ] && s=$(( s + $(awk '{ sub(/^.*\) /, ""); print $12 + $13 }' /proc/$p/stat) )); done; echo $s; }
# Context switches of kind $1 (voluntary | nonvoluntary) summed over the pids that follow.
switches() { local s=0 p k=$1; shift; for p in "$@"; do [ -r /proc/$p/status ] && s=$(( s + $(awk -v k="^${k}_ctxt_switches:" '$0 ~ k { print $2 }' /proc/$p/status) )); done; echo $s; }
kids() { pgrep -P "$1" | paste -sd' '; }

# Samples the peak VmRSS / RssAnon of $1 into $T/mem until the file $T/stop appears.
sample() {
  local peak=0 anon=0 r a
  rm -f "$T/stop"
  while [ ! -e "$T/stop" ] && [ -r /proc/$1/status ]; do
    r=$(awk '/^VmRSS:/ { print int($2 / 1024) }' /proc/$1/status); a=$(awk '/^RssAnon:/ { print int($2 / 1024) }' /proc/$1/status)
    [ "${r:-0}" -gt $peak ] && peak=$r; [ "${a:-0}" -gt $anon ] && anon=$a
    sleep 0.2
  done
  echo "VmRSS=${peak}MB RssAnon=${anon}MB" > "$T/mem"
}

measure() { # name, url, front pids, worker pids
  local name=$1 url=$2 front=$3 workers=$4
  wrk -t1 -c"$C" -d2s -s "$T/pace.lua" "$url" >/dev/null 2>&1 || true # warm-up (JIT, pooled connections)
  sample "${front%% *}" & local sp=$!
  local f0 w0 f1 w1 out n
  # shellcheck disable=SC2086
  f0=$(ticks $front); w0=$(ticks $workers); fi0=$(switches nonvoluntary $front); wv0=$(switches voluntary $workers)
  out=$(wrk -t1 -c"$C" -d"${D}"s -s "$T/pace.lua" "$url" 2>&1)
  # shellcheck disable=SC2086
  f1=$(ticks $front); w1=$(ticks $workers); fi1=$(switches nonvoluntary $front); wv1=$(switches voluntary $workers)
  touch "$T/stop"; wait $sp 2>/dev/null || true
  n=$(awk '/requests in/ { print $1 }' <<< "$out")
  awk -v name="$name" -v n="$n" -v f=$(( f1 - f0 )) -v w=$(( w1 - w0 )) -v hz="$HZ" -v d="$D" -v mem="$(cat "$T/mem")" \
    -v fi=$(( fi1 - fi0 )) -v wv=$(( wv1 - wv0 )) 'BEGIN {
    printf "%-12s req/s=%.0f front=%.1fus/req workers=%.1fus/req %s preempted/req front=%.2f wake-ups/req workers=%.2f\n",
      name, n / d, f * 1e6 / hz / n, w * 1e6 / hz / n, mem, fi / n, wv / n }'
}

for target in ${TARGETS:-nginx nodefarm}; do
  case $target in
    nginx)
      ups=""; wp=""
      for i in 1 2; do PORT=$T/w$i.sock node "$BASE/app.js" & PIDS+=($!); wp="$wp $!"; ups="$ups server unix:$T/w$i.sock;"; done
      for i in 1 2; do for _ in $(seq 50); do [ -S "$T/w$i.sock" ] && break; sleep 0.1; done; done
      { [ "$(id -u)" = 0 ] && echo "user root;"
        echo "worker_processes 1; pid $T/nginx.pid; error_log $T/nginx-error.log; events { worker_connections 4096; }"
        echo "http { access_log off; upstream workers { $ups keepalive 64; }"
        echo "  server { listen 127.0.0.1:9013; location / { proxy_pass http://workers; proxy_http_version 1.1; proxy_set_header Connection \"\"; } } }"
      } > "$T/nginx.conf"
      nginx -c "$T/nginx.conf"; waitport 9013
      master=$(cat "$T/nginx.pid")
      measure nginx-uds-2 http://127.0.0.1:9013/ "$(kids "$master") $master" "$wp"
      nginx -c "$T/nginx.conf" -s stop; rm -f "$T/nginx.pid"
      # shellcheck disable=SC2086
      kill $wp; wait $wp 2>/dev/null || true
      ;;
    nodefarm)
      # shellcheck disable=SC2086
      "$REPO/node_modules/.bin/node" ${HOST_NODE_OPTIONS:-} "$REPO/bin/nodefarm.js" serve "$BASE/app.js" --port 9015 \
        --nodeProcessCountPerApplication 2 ${NODEFARM_ARGS:-} 2>/dev/null & hp=$!; PIDS+=($hp)
      waitport 9015; sleep 1
      measure nodefarm-2 http://127.0.0.1:9015/ "$hp" "$(kids "$hp")"
      kill $hp; wait $hp 2>/dev/null || true
      ;;
  esac
done

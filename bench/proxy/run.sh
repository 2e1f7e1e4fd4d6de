#!/usr/bin/env bash
# Hello-world throughput of one front process in front of one node worker on a Unix socket: the nodefarm proxy,
# node's http.Agent used as a proxy (the alternative design), and nginx with a keep-alive upstream.
# Usage: bench/proxy/run.sh [seconds] [connections]. Needs wrk and nginx on PATH (nginx is skipped if absent).
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="$PWD/node_modules/.bin:$PATH"
secs=${1:-5}
conns=${2:-50}
tmp=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$tmp"; }
trap cleanup EXIT

PORT="$tmp/w.sock" node -e "require('node:http').createServer((q, s) => s.end('hello world')).listen(process.env.PORT)" &
pids+=($!)
for _ in $(seq 50); do [ -S "$tmp/w.sock" ] && break; sleep 0.1; done

measure() { # name url
  wrk -t1 -c"$conns" -d1s "$2" >/dev/null 2>&1 || true # warm-up
  local rps
  rps=$(wrk -t1 -c"$conns" -d"${secs}s" --latency "$2" | awk '/Requests\/sec/ {print $2} / 99%/ {p99=$2} END {print p99}' | paste -sd' ')
  printf '%-28s %s req/s  p99 %s\n' "$1" ${rps}
}

node bench/proxy/front.ts nodefarm 18701 "$tmp/w.sock" > "$tmp/nf.log" & pids+=($!)
node bench/proxy/front.ts agent 18702 "$tmp/w.sock" > "$tmp/ag.log" & pids+=($!)
if command -v nginx >/dev/null; then
  cat > "$tmp/nginx.conf" <<CONF
worker_processes 1;
pid $tmp/nginx.pid;
error_log $tmp/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $tmp; proxy_temp_path $tmp; fastcgi_temp_path $tmp; uwsgi_temp_path $tmp; scgi_temp_path $tmp;
  upstream app { server unix:$tmp/w.sock; keepalive 64; }
  server { listen 127.0.0.1:18703; location / { proxy_pass http://app; proxy_http_version 1.1; proxy_set_header Connection ""; } }
}
CONF
  nginx -c "$tmp/nginx.conf" -g 'daemon off;' & pids+=($!)
fi
sleep 1
measure 'nodefarm proxy (1 process)' http://127.0.0.1:18701/
measure 'node http.Agent proxy' http://127.0.0.1:18702/
if command -v nginx >/dev/null; then measure 'nginx (1 worker)' http://127.0.0.1:18703/; fi

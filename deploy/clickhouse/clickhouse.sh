#!/usr/bin/env bash
# Runs Debian's clickhouse-server (18.16) on loopback with its own data dir, without Docker.
#   Usage: clickhouse.sh install|start|stop|status
#   CLICKHOUSE_HTTP_PORT (default 18123), CLICKHOUSE_TCP_PORT (default 19000),
#   CLICKHOUSE_INTERSERVER_PORT (default 19009).
# `start` reuses a server that already answers `SELECT 1` on the HTTP port and prints "reused"; otherwise
# it starts one and prints "started". `stop` stops only a server this script started.
# KEEP_DATA=1 makes `start` reuse the data dir of an earlier start on the same port (a restart keeps the
# databases) instead of starting empty.
source "$(dirname "$0")/../lib/common.sh"
HTTP_PORT=${CLICKHOUSE_HTTP_PORT:-18123}
TCP_PORT=${CLICKHOUSE_TCP_PORT:-19000}
INTERSERVER_PORT=${CLICKHOUSE_INTERSERVER_PORT:-19009}
STATE=$NODEFARM_STATE/clickhouse-$HTTP_PORT
PIDFILE=$STATE/clickhouse.pid
SERVER=/usr/sbin/clickhouse-server

install() {
  [ -x "$SERVER" ] && return 0
  say "clickhouse: installing Debian's clickhouse-server"
  apt_install clickhouse-server
  [ -x "$SERVER" ] || die "clickhouse: the package clickhouse-server did not provide $SERVER"
}

select1() { curl -fsS --max-time 2 "http://127.0.0.1:$HTTP_PORT/?query=SELECT%201" 2>/dev/null | grep -qx 1; }

start() {
  need_cmd curl curl
  if port_open "$HTTP_PORT"; then
    if select1; then say "clickhouse: reusing the server on 127.0.0.1:$HTTP_PORT"; echo reused; return 0; fi
    die "clickhouse: HTTP port $HTTP_PORT is taken by something that is not ClickHouse ($(who_listens "$HTTP_PORT")); free it or set CLICKHOUSE_HTTP_PORT"
  fi
  local p
  for p in "$TCP_PORT" "$INTERSERVER_PORT"; do
    port_open "$p" && die "clickhouse: port $p is taken ($(who_listens "$p")); free it or set CLICKHOUSE_TCP_PORT / CLICKHOUSE_INTERSERVER_PORT"
  done
  install
  if [ "${KEEP_DATA:-0}" = 1 ] && [ -d "$STATE/data" ]; then
    say "clickhouse: KEEP_DATA=1, restarting on the existing data in $STATE/data"
  else
    rm -rf "$STATE"
  fi
  mkdir -p "$STATE"/{data,tmp,log,user_files,format_schemas}
  sed -e "s|@STATE@|$STATE|g" -e "s|@HTTP_PORT@|$HTTP_PORT|g" -e "s|@TCP_PORT@|$TCP_PORT|g" \
    -e "s|@INTERSERVER_PORT@|$INTERSERVER_PORT|g" "$NODEFARM_ROOT/deploy/clickhouse/config.xml.template" > "$STATE/config.xml"
  cp "$NODEFARM_ROOT/deploy/clickhouse/users.xml" "$STATE/users.xml"
  # A plain background command, so $! is the server itself (not a wrapper shell that would keep the caller's
  # stdout open); setsid so it outlives this script and ignores the caller's terminal signals.
  pushd "$STATE" >/dev/null
  setsid "$SERVER" --config-file="$STATE/config.xml" >"$STATE/log/stdout.log" 2>&1 < /dev/null &
  echo $! > "$PIDFILE"
  popd >/dev/null
  for _ in $(seq 300); do
    select1 && break
    pid_alive "$PIDFILE" || { tail -n 20 "$STATE/log/error.log" "$STATE/log/stdout.log" >&2 2>/dev/null; die "clickhouse: the server exited during start (log above)"; }
    sleep 0.1
  done
  if ! select1; then stop_pidfile "$PIDFILE" clickhouse; die "clickhouse: no answer to SELECT 1 on 127.0.0.1:$HTTP_PORT within 30 s"; fi
  say "clickhouse: $(curl -fsS "http://127.0.0.1:$HTTP_PORT/?query=SELECT%20version()") ready on 127.0.0.1:$HTTP_PORT"
  echo started
}

stop() { stop_pidfile "$PIDFILE" clickhouse; }

status() { if select1; then echo "clickhouse: up on 127.0.0.1:$HTTP_PORT"; else echo "clickhouse: down"; return 1; fi; }

case "${1:-}" in
  install|start|stop|status) "$1" ;;
  *) die "usage: clickhouse.sh install|start|stop|status" ;;
esac

#!/usr/bin/env bash
# Runs a real Apache Kafka broker (KRaft, one node, broker+controller, loopback only) from the Maven Central
# jars, without Docker.   Usage: kafka.sh install|start|stop|status
#   KAFKA_PORT (default 19092) client port, KAFKA_CONTROLLER_PORT (default 19093), KAFKA_HEAP (default 512m).
# `start` reuses a broker that already answers on KAFKA_PORT and prints "reused"; otherwise it starts one
# and prints "started". `stop` stops only a broker this script started.
# KEEP_DATA=1 makes `start` reuse the data dir of an earlier start on the same port (a restart keeps the topics,
# records and committed offsets) instead of starting empty.
source "$(dirname "$0")/../lib/common.sh"
KAFKA_VERSION=$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$NODEFARM_ROOT/deploy/kafka/pom.xml")
PORT=${KAFKA_PORT:-19092}
CONTROLLER_PORT=${KAFKA_CONTROLLER_PORT:-19093}
LIBS=$NODEFARM_CACHE/kafka-$KAFKA_VERSION/libs
STATE=$NODEFARM_STATE/kafka-$PORT
PIDFILE=$STATE/kafka.pid

install() {
  [ -f "$LIBS/.complete" ] && return 0
  need_cmd java openjdk-17-jre-headless
  need_cmd mvn maven
  say "kafka: fetching kafka_2.13 $KAFKA_VERSION and its dependencies from Maven Central"
  rm -rf "$LIBS"; mkdir -p "$LIBS"
  mvn -B -q -f "$NODEFARM_ROOT/deploy/kafka/pom.xml" dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$LIBS" >"$NODEFARM_STATE/kafka-mvn.log" 2>&1 \
    || die "kafka: mvn could not fetch the broker jars (see $NODEFARM_STATE/kafka-mvn.log)"
  touch "$LIBS/.complete"
}

ready() { "$(node_bin)" --disable-warning=TimeoutNegativeWarning "$NODEFARM_ROOT/deploy/kafka/ready.ts" "127.0.0.1:$PORT" "${1:-1}"; }

start() {
  if port_open "$PORT"; then
    if ready 1 >/dev/null 2>&1; then say "kafka: reusing the broker on 127.0.0.1:$PORT"; echo reused; return 0; fi
    die "kafka: port $PORT is taken by something that is not a Kafka broker ($(who_listens "$PORT")); free it or set KAFKA_PORT"
  fi
  port_open "$CONTROLLER_PORT" && die "kafka: controller port $CONTROLLER_PORT is taken ($(who_listens "$CONTROLLER_PORT")); free it or set KAFKA_CONTROLLER_PORT"
  install
  if [ "${KEEP_DATA:-0}" = 1 ] && [ -d "$STATE/data" ]; then
    say "kafka: KEEP_DATA=1, restarting on the existing data in $STATE/data"
  else
    rm -rf "$STATE"; mkdir -p "$STATE/data"
  fi
  sed -e "s|@PORT@|$PORT|g" -e "s|@CONTROLLER_PORT@|$CONTROLLER_PORT|g" -e "s|@DATA_DIR@|$STATE/data|g" \
    "$NODEFARM_ROOT/deploy/kafka/server.properties.template" > "$STATE/server.properties"
  local java=(java "-Xms${KAFKA_HEAP:-512m}" "-Xmx${KAFKA_HEAP:-512m}" -XX:+UseG1GC -Djava.awt.headless=true
    "-Dlog4j2.configurationFile=$NODEFARM_ROOT/deploy/kafka/log4j2.properties" "-Dkafka.logs.dir=$STATE" -cp "$LIBS/*")
  local cluster_id
  if [ ! -f "$STATE/data/meta.properties" ]; then  # formatted already when KEEP_DATA=1 reuses the data
    cluster_id=$("${java[@]}" kafka.tools.StorageTool random-uuid 2>/dev/null) || die "kafka: StorageTool random-uuid failed"
    "${java[@]}" kafka.tools.StorageTool format -t "$cluster_id" -c "$STATE/server.properties" --ignore-formatted \
      >"$STATE/format.log" 2>&1 || die "kafka: formatting storage failed (see $STATE/format.log)"
  fi
  # setsid: the broker must outlive this script and not receive the caller's terminal signals.
  setsid "${java[@]}" kafka.Kafka "$STATE/server.properties" >"$STATE/server.log" 2>&1 < /dev/null &
  echo $! > "$PIDFILE"
  if ! ready 90; then
    tail -n 20 "$STATE/server.log" >&2 || true
    stop_pidfile "$PIDFILE" kafka
    die "kafka: the broker did not answer a metadata request on 127.0.0.1:$PORT within 90 s (log above)"
  fi
  say "kafka: broker $KAFKA_VERSION ready on 127.0.0.1:$PORT (data in $STATE/data)"
  echo started
}

stop() { stop_pidfile "$PIDFILE" kafka; }

status() { if ready 1 >/dev/null 2>&1; then echo "kafka: up on 127.0.0.1:$PORT"; else echo "kafka: down"; return 1; fi; }

case "${1:-}" in
  install|start|stop|status) "$1" ;;
  *) die "usage: kafka.sh install|start|stop|status" ;;
esac

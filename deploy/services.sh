#!/usr/bin/env bash
# Starts, stops or installs the real services the tests and the benchmark use, without Docker:
# Apache Kafka (from Maven Central jars), Debian's clickhouse-server, and chdb (a current ClickHouse engine in a
# virtualenv, used to check SQL, beside the Python OTLP exporter).
#   Usage: services.sh install | start | stop [kafka|clickhouse ...] | status
# `start` prints one line per service, "<name> started" or "<name> reused", so a caller can stop only what it started.
source "$(dirname "$0")/lib/common.sh"
here=$NODEFARM_ROOT/deploy
case "${1:-}" in
  install)
    bash "$here/kafka/kafka.sh" install
    bash "$here/clickhouse/clickhouse.sh" install
    bash "$here/python/install.sh" >/dev/null
    command -v docker-compose >/dev/null 2>&1 || apt_install docker-compose
    ;;
  start)
    echo "kafka $(bash "$here/kafka/kafka.sh" start)"
    echo "clickhouse $(bash "$here/clickhouse/clickhouse.sh" start)"
    ;;
  stop)
    shift
    for svc in "${@:-kafka clickhouse}"; do
      for s in $svc; do bash "$here/$s/$s.sh" stop; done
    done
    ;;
  status)
    rc=0
    bash "$here/kafka/kafka.sh" status || rc=1
    bash "$here/clickhouse/clickhouse.sh" status || rc=1
    exit $rc
    ;;
  *) die "usage: services.sh install | start | stop [kafka|clickhouse ...] | status" ;;
esac

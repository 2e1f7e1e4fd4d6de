#!/usr/bin/env bash
# Installs the chdb Python package (an embedded current ClickHouse engine) into a cached virtualenv and
# prints the virtualenv's python. The project uses it to prove every SQL statement also runs on a current
# ClickHouse, because the local clickhouse-server is 18.16.
source "$(dirname "$0")/../lib/common.sh"
CHDB_VERSION=$(cat "$NODEFARM_ROOT/deploy/chdb/VERSION")
VENV=$NODEFARM_CACHE/chdb-$CHDB_VERSION
if [ ! -f "$VENV/.complete" ]; then
  need_cmd python3 python3
  say "chdb: installing chdb $CHDB_VERSION into $VENV"
  rm -rf "$VENV"
  python3 -m venv "$VENV" 2>/dev/null || { apt_install python3-venv; python3 -m venv "$VENV"; } \
    || die "chdb: python3 -m venv failed; install the Debian package python3-venv"
  "$VENV/bin/pip" install -q --disable-pip-version-check "chdb==$CHDB_VERSION" >"$NODEFARM_STATE/chdb-pip.log" 2>&1 \
    || die "chdb: pip could not install chdb==$CHDB_VERSION (see $NODEFARM_STATE/chdb-pip.log)"
  touch "$VENV/.complete"
fi
echo "$VENV/bin/python"

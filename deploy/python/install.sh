#!/usr/bin/env bash
# Installs deploy/python/requirements.txt (chdb, the Python OTLP exporter) into a virtualenv cached under
# NODEFARM_CACHE, keyed by the requirements' hash, and prints the virtualenv's python.
source "$(dirname "$0")/../lib/common.sh"
REQS=$NODEFARM_ROOT/deploy/python/requirements.txt
VENV=$NODEFARM_CACHE/python-$(sha256sum "$REQS" | cut -c1-12)
if [ ! -f "$VENV/.complete" ]; then
  need_cmd python3 python3
  say "python: installing $(grep -v '^#' "$REQS" | tr '\n' ' ')into $VENV"
  rm -rf "$VENV"
  python3 -m venv "$VENV" 2>/dev/null || { apt_install python3-venv; python3 -m venv "$VENV"; } \
    || die "python: python3 -m venv failed; install the Debian package python3-venv"
  "$VENV/bin/pip" install -q --disable-pip-version-check -r "$REQS" >"$NODEFARM_STATE/python-pip.log" 2>&1 \
    || die "python: pip could not install $REQS (see $NODEFARM_STATE/python-pip.log)"
  touch "$VENV/.complete"
fi
echo "$VENV/bin/python"

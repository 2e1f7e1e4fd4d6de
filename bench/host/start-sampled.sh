#!/usr/bin/env bash
# EXTRA_START wrapper for bench/host/run.sh: starts the host (start-host.sh) and, until it is killed, records the
# host process's peak VmRSS and RssAnon (MB) into the file given as the 2nd argument.
set -u
APP=$1; OUTFILE=$2
bash "$(dirname "$0")/start-host.sh" "$APP" & HOST=$!
trap 'kill $HOST 2>/dev/null; wait $HOST 2>/dev/null; exit 0' TERM INT
peak=0; anon=0
while kill -0 $HOST 2>/dev/null; do
  pid=$(pgrep -P $HOST -f nodefarm.js | head -n 1); pid=${pid:-$HOST}
  if [ -r /proc/$pid/status ]; then
    r=$(awk '/^VmRSS:/ { print int($2 / 1024) }' /proc/$pid/status); a=$(awk '/^RssAnon:/ { print int($2 / 1024) }' /proc/$pid/status)
    [ "${r:-0}" -gt $peak ] && peak=$r; [ "${a:-0}" -gt $anon ] && anon=$a
    echo "peak VmRSS ${peak} MB, RssAnon ${anon} MB" > "$OUTFILE"
  fi
  sleep 0.2
done

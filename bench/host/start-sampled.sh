#!/usr/bin/env bash
# EXTRA_START wrapper for bench/host/run.sh: starts the host (start-host.sh) and, until it is killed, records the
# host process's peak VmRSS and RssAnon (MB) into the file given as the 2nd argument. The sampling loop uses shell
# builtins only (one `sleep` per half second): forking pgrep and awk five times a second took CPU from the
# measured host on a 2-core machine.
set -u
APP=$1; OUTFILE=$2
bash "$(dirname "$0")/start-host.sh" "$APP" & HOST=$!
trap 'kill $HOST 2>/dev/null; wait $HOST 2>/dev/null; exit 0' TERM INT
peak=0; anon=0
while kill -0 $HOST 2>/dev/null; do
  # start-host.sh execs node, and `nodefarm serve` re-execs itself in place: the pid stays $HOST.
  if [ -r /proc/$HOST/status ]; then
    while read -r key value _; do
      case $key in
        VmRSS:) r=$((value / 1024)); [ $r -gt $peak ] && peak=$r ;;
        RssAnon:) a=$((value / 1024)); [ $a -gt $anon ] && anon=$a ;;
      esac
    done < /proc/$HOST/status
    echo "peak VmRSS ${peak} MB, RssAnon ${anon} MB" > "$OUTFILE"
  fi
  sleep 0.5
done

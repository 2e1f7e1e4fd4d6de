# Shared helpers for the service scripts. Sourced, not run.
# NODEFARM_CACHE keeps downloads (Kafka jars, the chdb virtualenv) between runs so the second run is fast;
# NODEFARM_STATE keeps what a running service owns (data dirs, pid files, logs) and is thrown away freely.
set -euo pipefail
NODEFARM_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
NODEFARM_CACHE=${NODEFARM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/nodefarm}
NODEFARM_STATE=${NODEFARM_STATE:-${TMPDIR:-/tmp}/nodefarm-services}
mkdir -p "$NODEFARM_CACHE" "$NODEFARM_STATE"

say() { printf '%s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# port_open PORT -> 0 when something accepts TCP connections on 127.0.0.1:PORT.
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# who_listens PORT -> a short description of the process holding PORT, for error messages.
who_listens() {
  if command -v ss >/dev/null 2>&1; then
    ss -ltnpH "sport = :$1" 2>/dev/null | sed -n 's/.*users:((\(.*\)))/\1/p' | head -n 1
  fi
}

# need_cmd CMD PACKAGE -> fails with the package to install when CMD is missing.
need_cmd() { command -v "$1" >/dev/null 2>&1 || die "'$1' is not installed; install the Debian package '$2' (apt-get install -y $2)"; }

# apt_install PKG... -> installs Debian packages, running 'apt-get update' once when the lists are empty or stale.
apt_install() {
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  if ! $sudo apt-get install -y -q --no-install-recommends "$@" >/dev/null 2>&1; then
    $sudo apt-get update -q >/dev/null 2>&1 || die "apt-get update failed; check the Debian package mirror"
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "$@" >/dev/null \
      || die "apt-get could not install: $*"
  fi
}

# pid_alive FILE -> 0 when FILE names a running process.
pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

# stop_pidfile FILE NAME -> TERM, wait up to 20 s, then KILL the process in FILE; removes FILE.
stop_pidfile() {
  local file=$1 name=$2 pid
  if ! pid_alive "$file"; then rm -f "$file"; return 0; fi
  pid=$(cat "$file")
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 200); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then say "$name did not stop in 20 s; killing pid $pid"; kill -KILL "$pid" 2>/dev/null || true; fi
  rm -f "$file"
}

# node_bin -> the project's pinned Node (node_modules/.bin/node), falling back to PATH.
node_bin() {
  if [ -x "$NODEFARM_ROOT/node_modules/.bin/node" ]; then echo "$NODEFARM_ROOT/node_modules/.bin/node"; else command -v node; fi
}

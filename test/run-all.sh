#!/usr/bin/env bash
# The one test command (`npm test`): on a fresh machine and a clean clone it installs what is missing (npm
# packages incl. the pinned Node 24, the Kafka jars, Debian's clickhouse-server, chdb, docker-compose), then
# type-checks, lints and runs every test. Jest's global setup starts Kafka and ClickHouse (or reuses running
# ones) and stops what it started. Downloads are cached, so a second run skips them.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
t0=$(date +%s)
step() { printf '\n== %s (%ss)\n' "$1" "$(( $(date +%s) - t0 ))"; }

step "npm packages"
lock_hash=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -x node_modules/.bin/node ] || [ "$(cat node_modules/.nodefarm-lock-hash 2>/dev/null)" != "$lock_hash" ]; then
  # `npm install`, not `npm ci`: npm 11 leaves other platforms' optional packages out of the lock file and then
  # refuses `npm ci`; `npm install` honours the locked versions all the same.
  npm install --no-audit --no-fund --loglevel=error
  sha256sum package-lock.json | cut -d' ' -f1 > node_modules/.nodefarm-lock-hash
fi
export PATH="$root/node_modules/.bin:$PATH"
hash -r
node -e 'if (+process.versions.node.split(".")[0] < 24) { console.error("expected the pinned Node 24, got " + process.version); process.exit(1) }'
echo "node $(node --version)"

step "services: Kafka jars, clickhouse-server, Python packages (chdb, OTLP exporter), docker-compose"
bash deploy/services.sh install
NODEFARM_PYTHON=$(bash deploy/python/install.sh); export NODEFARM_PYTHON

step "type-check"
tsc -p tsconfig.json

step "lint"
eslint --max-warnings 0 .

step "tests"
report=$(mktemp)
status=0
node --experimental-vm-modules --no-warnings=ExperimentalWarning --disable-warning=TimeoutNegativeWarning \
  node_modules/jest/bin/jest.js --ci --json --outputFile="$report" "$@" || status=$?
node -e 'const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed`)' "$report" \
  || echo "tests: 0 passed, 1 failed"
rm -f "$report"
step "done"
exit $status

#!/usr/bin/env bash
# Builds the app, starts it as npm run start:prod does (node dist/main.js) on a free port with a database and queue
# prefix of its own, runs scripts/test-webhooks-api.sh against it, then stops it and drops
# the database. Used by .ci/run; handy before a release.
# Needs node, curl and psql.
set -euo pipefail
cd "$(dirname "$0")/.."

require() { # command, Debian package
  command -v "$1" >/dev/null || { echo "error: $1 is required (on Debian: apt-get install $2)" >&2; exit 2; }
}
require curl curl
require psql postgresql-client

base_url=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/webhooks}
run="smoke_$(date +%s)_$$"
database="webhooks_$run"
database_url="${base_url%/*}/$database"
admin_url="${base_url%/*}/postgres"
port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
log=$(mktemp)

psql -w "$admin_url" -qc "CREATE DATABASE \"$database\"" >/dev/null
cleanup() {
  if [ -n "${server_pid:-}" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  psql -w "$admin_url" -qc "DROP DATABASE IF EXISTS \"$database\" WITH (FORCE)" >/dev/null || true
  rm -f "$log"
}
trap cleanup EXIT

npm run -s build
PORT=$port DATABASE_URL=$database_url QUEUE_PREFIX="webhooks-$run" WEBHOOK_ALLOW_PRIVATE_URLS=true \
  LOG_LEVEL=warn node dist/main.js >"$log" 2>&1 &
server_pid=$!

for _ in $(seq 1 60); do
  curl -fs "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$log"; echo "server exited before it was healthy" >&2; exit 1; }
  sleep 0.5
done
curl -fs "http://127.0.0.1:$port/health" >/dev/null || { cat "$log"; echo "server not healthy after 30 s" >&2; exit 1; }

BASE_URL="http://127.0.0.1:$port" bash scripts/test-webhooks-api.sh || { tail -50 "$log"; exit 1; }

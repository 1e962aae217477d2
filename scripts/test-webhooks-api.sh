#!/usr/bin/env bash
# Smoke test of the webhooks API against a running server (api-contract.md §1):
#
#   BASE_URL=http://127.0.0.1:3000 TOKEN=<jwt> scripts/test-webhooks-api.sh
#
# Walks every webhook route plus the example producers (messages, campaigns) and checks
# both the HTTP answers and what a local receiver actually got (signatures included).
# Prints one line per step ("ok   3 create webhook (201)") and stops at the first failure
# ("FAIL 7 <step>: <reason> [<request> -> HTTP <status>] <body>") with a non-zero exit.
# Exit status: 0 = every step passed, 1 = a step failed, 2 = the script could not start.
#
# Environment:
#   BASE_URL      server to test                      (default http://127.0.0.1:3000)
#   TOKEN         bearer JWT; when absent one is minted for a random tenant with
#                 `npm run -s token -- --tenant <uuid>` in the repo root (same JWT_SECRET/.env
#                 as the server), so reruns never collide
#   WAIT_TIMEOUT  seconds to wait for an asynchronous delivery or state change (default 10)
#
# The server must be able to reach 127.0.0.1 (same host) and accept loopback targets:
# start it with WEBHOOK_ALLOW_PRIVATE_URLS=true.
# Needs bash, curl and node (no jq). The receiver and temp files are removed on exit, and
# webhooks created by an interrupted run are deleted.
set -euo pipefail

BASE_URL=${BASE_URL:-http://127.0.0.1:3000}
BASE_URL=${BASE_URL%/}
WAIT_TIMEOUT=${WAIT_TIMEOUT:-10}
API=/api/v1
ROOT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# --------------------------------------------------------------------------------------------
# Reporting
# --------------------------------------------------------------------------------------------
STEP_NO=0 STEP_NAME=setup STEP_STATUS=
STATUS= BODY= LAST_REQUEST=

die() { # setup problems, before or outside any step
  printf 'FAIL 0 setup: %s\n' "$*"
  exit 2
}

step() { # NAME — begins the next step
  STEP_NO=$((STEP_NO + 1))
  STEP_NAME=$1
  STEP_STATUS= STATUS= BODY= LAST_REQUEST=
}

pass() {
  printf 'ok   %d %s%s\n' "$STEP_NO" "$STEP_NAME" "${STEP_STATUS:+ ($STEP_STATUS)}"
}

fail() { # REASON — reports the current step as failed (with the last HTTP answer) and exits
  local line="FAIL $STEP_NO $STEP_NAME: $1"
  if [[ -n $LAST_REQUEST ]]; then
    local body=${BODY//$'\n'/ }
    ((${#body} > 300)) && body="${body:0:300}…"
    line+=" [$LAST_REQUEST -> HTTP ${STATUS:-none}] $body"
  fi
  printf '%s\n' "$line"
  exit 1
}

# --------------------------------------------------------------------------------------------
# Temp dir, node helpers and the local receiver
# --------------------------------------------------------------------------------------------
command -v curl >/dev/null || die "curl is required (on Debian: apt-get install curl)"
command -v node >/dev/null || die "node is required"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/webhooks-smoke.XXXXXX")
HOOK_LOG=$TMP/received.jsonl # one JSON line per request the receiver got
LIB=$TMP/lib.js
RECEIVER_PID=
CREATED=() # webhook ids to delete if the run stops early

cleanup() {
  local rc=$? id
  for id in "${CREATED[@]}"; do
    [[ -n $id ]] || continue
    curl -s -o /dev/null --max-time 5 -X DELETE -H "Authorization: Bearer ${TOKEN:-}" \
      "$BASE_URL$API/webhooks/$id" || true
  done
  if [[ -n $RECEIVER_PID ]]; then
    kill "$RECEIVER_PID" 2>/dev/null || true
    wait "$RECEIVER_PID" 2>/dev/null || true
  fi
  rm -rf "$TMP"
  exit "$rc"
}
trap cleanup EXIT
trap 'fail "unexpected error (exit $?) at line $LINENO: $BASH_COMMAND"' ERR
trap 'exit 130' INT
trap 'exit 143' TERM

forget() { # ID — a webhook the script deleted itself
  local i
  for i in "${!CREATED[@]}"; do [[ ${CREATED[$i]} == "$1" ]] && CREATED[i]=; done
  return 0
}

# JSON evaluation and receiver polling, in node:
#   node lib.js eval EXPR [ARGS…]              stdin = JSON (j), args (a) -> prints the value
#   node lib.js wait FILE SINCE SECS PRED [ARGS…]  first request r after line SINCE with PRED true
cat >"$LIB" <<'JS'
'use strict';
const fs = require('fs');
const crypto = require('crypto');

const hmac = (key, text, encoding) => crypto.createHmac('sha256', key).update(text).digest(encoding);

/** The `v1,` entries of a received request's `webhook-signature` (Standard Webhooks). */
function signatures(r) {
  return String(r.headers['webhook-signature'] || '')
    .split(' ')
    .filter((s) => s.startsWith('v1,'))
    .map((s) => s.slice(3));
}

/** True when one `v1,` entry is HMAC-SHA256(base64-decoded key of whsec_…, "id.timestamp.body"). */
function signedBy(r, secret) {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const signed = `${r.headers['webhook-id']}.${r.headers['webhook-timestamp']}.${r.body}`;
  return signatures(r).includes(hmac(key, signed, 'base64'));
}

/** `x-webhook-signature: sha256=<hex HMAC of the body, key = the whole secret string>`. */
const simpleSignedBy = (r, secret) =>
  r.headers['x-webhook-signature'] === `sha256=${hmac(secret, r.body, 'hex')}`;

/** webhook-timestamp is Unix seconds within 5 minutes of now. */
function freshTimestamp(r) {
  const ts = r.headers['webhook-timestamp'];
  return /^\d+$/.test(ts || '') && Math.abs(Date.now() / 1000 - Number(ts)) < 300;
}

/** Whether text occurs anywhere in value's JSON. */
const mentions = (value, text) => JSON.stringify(value ?? null).includes(text);

function records(file) {
  const out = [];
  fs.readFileSync(file, 'utf8')
    .split('\n')
    .forEach((line, index) => {
      let r;
      try {
        r = JSON.parse(line);
      } catch {
        return; // empty or partly written line
      }
      r.seq = index + 1;
      try {
        r.event = JSON.parse(r.body) ?? {};
      } catch {
        r.event = {};
      }
      out.push(r);
    });
  return out;
}

const show = (v) => (v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v));

async function main() {
  const [command, ...rest] = process.argv.slice(2);
  if (command === 'eval') {
    const [expr, ...a] = rest;
    const raw = fs.readFileSync(0, 'utf8');
    let j;
    try {
      j = JSON.parse(raw);
    } catch {
      j = undefined;
    }
    let value;
    try {
      value = eval(`(${expr})`);
    } catch (error) {
      process.stderr.write(j === undefined ? 'response is not JSON' : error.message);
      return 2;
    }
    process.stdout.write(show(value));
    return 0;
  }
  if (command === 'wait') {
    const [file, since, seconds, pred, ...a] = rest;
    let test;
    try {
      test = eval(`(r) => (${pred})`);
    } catch (error) {
      process.stdout.write(`bad predicate: ${error.message}`);
      return 2;
    }
    const deadline = Date.now() + Number(seconds) * 1000;
    for (;;) {
      const fresh = records(file).filter((r) => r.seq > Number(since));
      const hit = fresh.find((r) => {
        try {
          return test(r);
        } catch {
          return false;
        }
      });
      if (hit) {
        process.stdout.write(JSON.stringify(hit));
        return 0;
      }
      if (Date.now() > deadline) {
        const seen = fresh.slice(-8).map((r) => `${r.method} ${r.path} ${r.event.type ?? '?'}`);
        process.stdout.write(
          `receiver got ${fresh.length} request(s) in this step${seen.length ? ': ' + seen.join(', ') : ''}`,
        );
        return 1;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  process.stderr.write(`unknown command ${command}\n`);
  return 2;
}

main().then((code) => process.exit(code));
JS

# Records every request as a JSON line; /fail answers 500, everything else 200.
cat >"$TMP/receiver.js" <<'JS'
'use strict';
const http = require('http');
const fs = require('fs');
const [logFile, portFile] = process.argv.slice(2);

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    const path = req.url.split('?')[0];
    const status = path === '/fail' || path.startsWith('/fail/') ? 500 : 200;
    const record = {
      at: new Date().toISOString(),
      method: req.method,
      path,
      url: req.url,
      headers: req.headers,
      body: Buffer.concat(chunks).toString('utf8'),
      answered: status,
    };
    fs.appendFileSync(logFile, JSON.stringify(record) + '\n');
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ received: true, status }));
  });
});
server.listen(0, '127.0.0.1', () => {
  fs.writeFileSync(`${portFile}.tmp`, String(server.address().port));
  fs.renameSync(`${portFile}.tmp`, portFile);
});
process.on('SIGTERM', () => process.exit(0));
JS

# --------------------------------------------------------------------------------------------
# HTTP and assertion helpers
# --------------------------------------------------------------------------------------------
AUTH= # "Bearer <jwt>", set below; `AUTH= api …` sends no Authorization header

api() { # METHOD PATH [JSON] — sets STATUS and BODY ("000" when there was no answer)
  local method=$1 path=$2
  local args=(-sS -o "$TMP/response" -w '%{http_code}' -X "$method" --max-time 30
    -H 'Accept: application/json')
  [[ -n $AUTH ]] && args+=(-H "Authorization: $AUTH")
  (($# >= 3)) && args+=(-H 'Content-Type: application/json' --data-binary "$3")
  LAST_REQUEST="$method $path"
  : >"$TMP/response"
  STATUS=$(curl "${args[@]}" "$BASE_URL$path" 2>"$TMP/curl.err") || true
  BODY=$(cat "$TMP/response")
  if [[ -z $STATUS || $STATUS == 000 ]]; then
    STATUS=000
    BODY="no answer: $(cat "$TMP/curl.err")"
  fi
}

expect_status() { # CODE — the last answer must have this status
  if [[ $STATUS != "$1" ]]; then
    fail "expected HTTP $1, got $STATUS"
  fi
  STEP_STATUS=${STEP_STATUS:-$STATUS}
}

json() { # JSON EXPR [ARGS…] — prints EXPR evaluated in node with j = parsed JSON, a = ARGS
  local input=$1
  shift
  printf '%s' "$input" | node "$LIB" eval "$@"
}

expect_json() { # JSON EXPR DESCRIPTION [ARGS…] — EXPR must be truthy
  local input=$1 expr=$2 what=$3 out
  shift 3
  if ! out=$(json "$input" "Boolean($expr)" "$@" 2>&1); then
    fail "$what (${out:-evaluation failed})"
  fi
  [[ $out == true ]] || fail "$what"
}

check() { # EXPR DESCRIPTION [ARGS…] — assertion about the last response body (j)
  expect_json "$BODY" "$@"
}

poll_api() { # METHOD PATH EXPR [ARGS…] — repeat a GET-like request until 200 and EXPR (or timeout)
  local method=$1 path=$2 expr=$3 deadline=$((SECONDS + WAIT_TIMEOUT))
  shift 3
  while :; do
    api "$method" "$path"
    if [[ $STATUS == 200 && $(json "$BODY" "Boolean($expr)" "$@" 2>/dev/null || true) == true ]]; then
      return 0
    fi
    ((SECONDS < deadline)) || return 1
    sleep 0.3
  done
}

hook_mark() { # prints how many requests the receiver has got so far
  local n
  n=$(wc -l <"$HOOK_LOG")
  echo $((n))
}

hook_wait() { # SINCE WHAT PRED [ARGS…] — sets HOOK to the first request after mark SINCE
  local since=$1 what=$2 pred=$3
  shift 3
  local rc=0
  HOOK=$(node "$LIB" wait "$HOOK_LOG" "$since" "$WAIT_TIMEOUT" "$pred" "$@") || rc=$?
  case $rc in
    0) ;;
    1) fail "receiver did not get $what within ${WAIT_TIMEOUT}s (${HOOK})" ;;
    13[0-9] | 14[0-9]) exit "$rc" ;; # interrupted (Ctrl-C, kill)
    *) fail "could not read what the receiver got (${HOOK:-exit $rc})" ;;
  esac
}

expect_hook() { # EXPR DESCRIPTION [ARGS…] — assertion about the received request (j = HOOK)
  expect_json "$HOOK" "$@"
}

hook_header() { json "$HOOK" 'j.headers[a[0]]' "$1"; } # NAME — a header of the received request

hook_signed_by() { # SECRET LABEL — HOOK carries a fresh v1 signature that verifies with SECRET
  if [[ $(json "$HOOK" 'freshTimestamp(j)') != true ]]; then
    fail "webhook-timestamp is not the current Unix time in seconds: '$(hook_header webhook-timestamp)'"
  fi
  if [[ $(json "$HOOK" 'signedBy(j, a[0])' "$1") != true ]]; then
    fail "webhook-signature does not verify with the $2: '$(hook_header webhook-signature)'"
  fi
}

now_minus_hour() { node -e 'process.stdout.write(new Date(Date.now() - 3600e3).toISOString())'; }
random_phone() { printf '+1555%07d' $(((RANDOM * 32768 + RANDOM) % 10000000)); }

# --------------------------------------------------------------------------------------------
# Setup: token and receiver
# --------------------------------------------------------------------------------------------
[[ $WAIT_TIMEOUT =~ ^[0-9]+$ ]] || die "WAIT_TIMEOUT must be a whole number of seconds"
if [[ -z ${TOKEN:-} ]]; then
  [[ -f $ROOT_DIR/scripts/token.ts ]] || die "TOKEN is not set and $ROOT_DIR is not the repo root to mint one"
  TENANT=$(node -e 'process.stdout.write(require("crypto").randomUUID())')
  TOKEN=$(cd "$ROOT_DIR" && npm run -s token -- --tenant "$TENANT" 2>"$TMP/token.err" | tail -n 1) ||
    die "could not mint a token with npm run token: $(tr '\n' ' ' <"$TMP/token.err")"
  [[ -n $TOKEN ]] || die "npm run token printed no token: $(tr '\n' ' ' <"$TMP/token.err")"
fi
AUTH="Bearer $TOKEN"

: >"$HOOK_LOG"
node "$TMP/receiver.js" "$HOOK_LOG" "$TMP/port" >"$TMP/receiver.out" 2>&1 &
RECEIVER_PID=$!
for ((i = 0; i < 100; i++)); do
  [[ -s $TMP/port ]] && break
  kill -0 "$RECEIVER_PID" 2>/dev/null || die "receiver exited: $(cat "$TMP/receiver.out")"
  sleep 0.05
done
[[ -s $TMP/port ]] || die "receiver did not start within 5s"
RECEIVER=http://127.0.0.1:$(cat "$TMP/port")
RUN=$(node -e 'process.stdout.write(require("crypto").randomBytes(4).toString("hex"))')
echo "# server $BASE_URL, receiver $RECEIVER, run $RUN"

# --------------------------------------------------------------------------------------------
# Steps
# --------------------------------------------------------------------------------------------
step "health"
AUTH= api GET /health
expect_status 200
check 'j.status === "ok"' 'status is not "ok"'
pass

step "event catalog"
api GET "$API/webhooks/events"
expect_status 200
check 'Array.isArray(j.events) && j.events.length === 26' "expected 26 catalog entries"
check '["*", "webhook.test", "webhook.disabled", "webhook.delivery_failed"].every(t => j.events.some(e => e.type === t))' \
  "catalog lacks '*', 'webhook.test' or an operational event"
check 'j.events.every(e => e.type && e.category && e.description && typeof e.samplePayload === "object")' \
  "every entry needs type, category, description and samplePayload"
pass

step "create webhook"
api POST "$API/webhooks" "{\"name\":\"smoke $RUN\",\"url\":\"$RECEIVER/hook\",\"events\":[\"message.*\",\"campaign.*\"]}"
if [[ $STATUS == 400 ]]; then
  fail "expected HTTP 201, got 400 (a loopback receiver needs a server started with WEBHOOK_ALLOW_PRIVATE_URLS=true)"
fi
expect_status 201
check 'typeof j.id === "string" && j.id.length > 0' "no id"
check 'typeof j.secret === "string" && j.secret.startsWith("whsec_") && j.secret.length > 20' \
  "secret does not start with whsec_"
check 'j.url === a[0] && JSON.stringify(j.events) === JSON.stringify(["message.*", "campaign.*"])' \
  "url or events not as sent" "$RECEIVER/hook"
check 'j.isActive === true && j.status === "active"' "new webhook is not active"
WH1=$(json "$BODY" 'j.id')
SECRET1=$(json "$BODY" 'j.secret')
CREATED+=("$WH1")
pass

step "create with invalid body"
api POST "$API/webhooks" '{"name":"","url":"ftp://example.com/x","events":["no.such.event"],"bogus":1}'
expect_status 400
check 'j.statusCode === 400 && j.message !== undefined' "error body lacks statusCode/message"
pass

step "list webhooks"
api GET "$API/webhooks?limit=100"
expect_status 200
check 'Array.isArray(j.data) && j.data.some(w => w.id === a[0])' "list does not contain the webhook" "$WH1"
check 'j.meta && j.meta.total >= 1 && j.meta.page === 1 && j.meta.limit === 100' "meta { page, limit, total } missing"
check 'j.data.every(w => w.secret.startsWith("whsec_…"))' "list shows an unmasked secret"
pass

step "get webhook (secret masked)"
api GET "$API/webhooks/$WH1"
expect_status 200
check 'j.id === a[0]' "wrong webhook" "$WH1"
check 'j.secret.startsWith("whsec_…") && j.secret !== a[1] && j.secret.endsWith(a[1].slice(-4))' \
  "secret not masked as whsec_…<last 4>" "$WH1" "$SECRET1"
pass

step "patch name"
api PATCH "$API/webhooks/$WH1" "{\"name\":\"smoke $RUN renamed\"}"
expect_status 200
check 'j.name === a[0]' "name not updated" "smoke $RUN renamed"
pass

step "put description"
api PUT "$API/webhooks/$WH1" '{"description":"set by the smoke test"}'
expect_status 200
check 'j.description === "set by the smoke test"' "description not updated"
check 'j.name === a[0] && j.url === a[1]' "PUT changed fields it was not given" "smoke $RUN renamed" "$RECEIVER/hook"
pass

step "get secret"
api GET "$API/webhooks/$WH1/secret"
expect_status 200
check 'j.secret === a[0]' "secret differs from the one returned at create" "$SECRET1"
pass

step "test delivery (signed)"
MARK=$(hook_mark)
api POST "$API/webhooks/$WH1/test" '{}'
expect_status 200
check 'j.success === true && j.statusCode === 200' "test delivery did not succeed"
check 'typeof j.logId === "string"' "no logId"
hook_wait "$MARK" "a webhook.test POST on /hook" 'r.method === "POST" && r.path === "/hook" && r.event.type === "webhook.test"'
expect_hook '(j.headers["content-type"] || "").startsWith("application/json")' "content-type is not application/json"
expect_hook 'j.headers["webhook-id"] && j.headers["webhook-id"] === j.event.id' "webhook-id header differs from the body id"
expect_hook 'j.headers["x-webhook-event"] === "webhook.test" && j.event.timestamp && j.event.data' \
  "x-webhook-event or body {id, type, timestamp, data} wrong"
hook_signed_by "$SECRET1" "webhook secret"
expect_hook 'simpleSignedBy(j, a[0])' "x-webhook-signature is not sha256=<hex HMAC of the body>" "$SECRET1"
pass

step "send message -> message.sent"
MARK=$(hook_mark)
PHONE1=$(random_phone)
api POST "$API/messages" "{\"to\":\"$PHONE1\",\"body\":\"smoke $RUN\"}"
expect_status 201
check 'typeof j.id === "string" && j.to === a[0] && j.status === "sent"' "message not { id, to, status: sent }" "$PHONE1"
MSG1=$(json "$BODY" 'j.id')
hook_wait "$MARK" "message.sent for message $MSG1" \
  'r.path === "/hook" && r.event.type === "message.sent" && r.event.data?.message?.id === a[0]' "$MSG1"
hook_signed_by "$SECRET1" "webhook secret"
MSG1_EVENT=$(json "$HOOK" 'j.headers["webhook-id"]')
pass

step "message status -> message.delivered"
MARK=$(hook_mark)
api PATCH "$API/messages/$MSG1/status" '{"status":"delivered"}'
expect_status 200
hook_wait "$MARK" "message.delivered for message $MSG1" \
  'r.path === "/hook" && r.event.type === "message.delivered" && mentions(r.event.data, a[0])' "$MSG1"
pass

step "create campaign"
PHONE2=$(random_phone)
PHONE3=$(random_phone)
api POST "$API/campaigns" "{\"name\":\"smoke $RUN\",\"recipients\":[\"$PHONE2\",\"$PHONE3\"]}"
expect_status 201
check 'typeof j.id === "string" && j.status === "draft"' "campaign not { id, status: draft }"
check 'JSON.stringify(j.recipients) === JSON.stringify([a[0], a[1]])' "recipients not as sent" "$PHONE2" "$PHONE3"
CAMPAIGN=$(json "$BODY" 'j.id')
pass

step "start campaign -> campaign.started, 2 x message.sent, campaign.completed"
MARK=$(hook_mark)
api POST "$API/campaigns/$CAMPAIGN/start"
expect_status 202
hook_wait "$MARK" "campaign.started" \
  'r.path === "/hook" && r.event.type === "campaign.started" && mentions(r.event.data, a[0])' "$CAMPAIGN"
for phone in "$PHONE2" "$PHONE3"; do
  hook_wait "$MARK" "message.sent to $phone" \
    'r.path === "/hook" && r.event.type === "message.sent" && mentions(r.event.data, a[0])' "$phone"
done
hook_wait "$MARK" "campaign.completed" \
  'r.path === "/hook" && r.event.type === "campaign.completed" && mentions(r.event.data, a[0])' "$CAMPAIGN"
pass

step "list delivery logs"
api GET "$API/webhooks/$WH1/logs?limit=100"
expect_status 200
check 'Array.isArray(j.data) && j.data.length >= 6' "expected at least 6 logs"
check 'j.meta && typeof j.meta.total === "number" && j.meta.total >= j.data.length' "meta.total missing or too small"
check 'j.data.every((l, i) => i === 0 || l.createdAt <= j.data[i - 1].createdAt)' "logs not newest first"
check 'j.data.some(l => l.eventId === a[0] && l.eventType === "message.sent")' \
  "no message.sent log whose eventId is the delivered webhook-id" "$MSG1_EVENT"
LOG1=$(json "$BODY" 'j.data.find(l => l.eventId === a[0] && l.eventType === "message.sent").id' "$MSG1_EVENT")
pass

step "get delivery log"
api GET "$API/webhooks/$WH1/logs/$LOG1"
expect_status 200
check 'j.id === a[0] && j.status === "success" && j.isSuccess === true' "log is not the successful delivery" "$LOG1"
check 'Array.isArray(j.attempts) && j.attempts.length >= 1 && j.attempts[0].statusCode === 200' \
  "attempts[] empty or without the 200 answer"
pass

step "stats (24h)"
poll_api GET "$API/webhooks/$WH1/stats?period=24h" 'j.totalDeliveries >= 6 && j.successRate === 100' || true
expect_status 200
check 'j.totalDeliveries >= 6' "expected totalDeliveries >= 6"
check 'j.successRate === 100' "expected successRate 100"
pass

step "retry delivery -> same webhook-id again"
MARK=$(hook_mark)
api POST "$API/webhooks/$WH1/logs/$LOG1/retry"
expect_status 202
hook_wait "$MARK" "the retried delivery (webhook-id $MSG1_EVENT)" \
  'r.path === "/hook" && r.headers["webhook-id"] === a[0]' "$MSG1_EVENT"
expect_hook 'j.event.type === "message.sent" && j.event.data?.message?.id === a[0]' "retried delivery has another payload" "$MSG1"
hook_signed_by "$SECRET1" "webhook secret"
pass

step "create failing webhook"
api POST "$API/webhooks" "{\"name\":\"smoke $RUN failing\",\"url\":\"$RECEIVER/fail\",\"events\":[\"message.sent\"],\"retryPolicy\":{\"maxAttempts\":1}}"
expect_status 201
check 'j.retryPolicy && j.retryPolicy.maxAttempts === 1' "retryPolicy.maxAttempts is not 1"
WH2=$(json "$BODY" 'j.id')
CREATED+=("$WH2")
pass

step "failed delivery is logged"
MARK=$(hook_mark)
api POST "$API/messages" "{\"to\":\"$PHONE1\",\"body\":\"smoke $RUN to fail\"}"
expect_status 201
check 'typeof j.id === "string"' "no message id"
MSG2=$(json "$BODY" 'j.id')
hook_wait "$MARK" "message.sent for message $MSG2 on /fail" \
  'r.path === "/fail" && r.event.type === "message.sent" && mentions(r.event.data, a[0])' "$MSG2"
if ! poll_api GET "$API/webhooks/$WH2/logs?limit=100" \
  'j.data.some(l => l.status === "failed" && mentions(l.payload, a[0]))' "$MSG2"; then
  fail "no failed log for message $MSG2 within ${WAIT_TIMEOUT}s"
fi
FAILED_EVENT=$(json "$BODY" 'j.data.find(l => l.status === "failed" && mentions(l.payload, a[0])).eventId' "$MSG2")
pass

step "recover failed deliveries"
MARK=$(hook_mark)
api POST "$API/webhooks/$WH2/recover" "{\"since\":\"$(now_minus_hour)\"}"
expect_status 202
check 'Number.isInteger(j.queued) && j.queued >= 1' "expected queued >= 1"
hook_wait "$MARK" "the recovered delivery (webhook-id $FAILED_EVENT) on /fail" \
  'r.path === "/fail" && r.headers["webhook-id"] === a[0]' "$FAILED_EVENT"
pass

step "rotate secret"
api POST "$API/webhooks/$WH1/rotate-secret" '{"gracePeriodHours":1}'
expect_status 200
check 'typeof j.secret === "string" && j.secret.startsWith("whsec_") && j.secret !== a[0]' \
  "no new whsec_ secret" "$SECRET1"
SECRET2=$(json "$BODY" 'j.secret')
api GET "$API/webhooks/$WH1/secret"
[[ $STATUS == 200 ]] || fail "GET secret after rotation: expected HTTP 200, got $STATUS"
check 'j.secret === a[0]' "GET secret does not return the new secret" "$SECRET2"
pass

step "delivery signed with new and old secret"
MARK=$(hook_mark)
api POST "$API/messages" "{\"to\":\"$PHONE1\",\"body\":\"smoke $RUN after rotation\"}"
expect_status 201
check 'typeof j.id === "string"' "no message id"
MSG3=$(json "$BODY" 'j.id')
hook_wait "$MARK" "message.sent for message $MSG3 on /hook" \
  'r.path === "/hook" && r.event.type === "message.sent" && r.event.data?.message?.id === a[0]' "$MSG3"
if [[ $(json "$HOOK" 'signatures(j).length') != 2 ]]; then
  fail "expected two v1 signatures during the grace period: '$(hook_header webhook-signature)'"
fi
hook_signed_by "$SECRET2" "new secret"
hook_signed_by "$SECRET1" "old secret"
pass

step "stats time series and event history"
api GET "$API/webhooks/$WH1/stats/timeseries?period=24h"
expect_status 200
check 'j.period === "24h" && j.bucketSeconds === 3600 && j.buckets.length === 24' "expected 24 hourly buckets"
check 'j.buckets.reduce((n, b) => n + b.successful, 0) >= 6' "buckets count fewer than 6 successful deliveries"
api GET "$API/webhook-events?limit=100"
expect_status 200
check 'j.data.some(e => e.eventId === a[0] && e.deliveries >= 1)' "event list lacks the first message.sent" "$MSG1_EVENT"
api GET "$API/webhook-events/$MSG1_EVENT"
expect_status 200
check 'j.eventType === "message.sent" && j.deliveries.some(d => d.webhookId === a[0])' \
  "event detail lacks its delivery to the webhook" "$WH1"
pass

step "portal session and page"
api POST "$API/webhooks/portal/sessions" '{"expiresInMinutes":5}'
expect_status 201
check 'j.url.endsWith("/portal#token=" + j.token) && j.token.startsWith("whp_")' "url is not <origin>/portal#token=<token>"
PORTAL_TOKEN=$(json "$BODY" 'j.token')
PAGE_HEADERS=$(curl -sS -D - -o "$TMP/portal.html" --max-time 10 "$BASE_URL/portal" || true)
grep -qi "^content-security-policy: default-src 'none'" <<<"$PAGE_HEADERS" ||
  fail "GET /portal lacks its Content-Security-Policy (was the page built? npm run build:portal)"
grep -q 'name="webhooks-api"' "$TMP/portal.html" || fail "the portal page lacks its API meta tag"
AUTH="Bearer $PORTAL_TOKEN" api GET "$API/webhooks/$WH1"
expect_status 200
pass

step "read-only portal session"
api POST "$API/webhooks/portal/sessions" '{"readOnly":true}'
expect_status 201
READ_ONLY="Bearer $(json "$BODY" 'j.token')"
AUTH=$READ_ONLY api GET "$API/webhooks/$WH1/logs"
expect_status 200
AUTH=$READ_ONLY api PATCH "$API/webhooks/$WH1" '{"name":"changed by a read-only session"}'
expect_status 403
AUTH=$READ_ONLY api GET "$API/webhooks/$WH1/secret"
expect_status 403
STEP_STATUS="200, 403"
pass

step "payload filter"
api POST "$API/webhooks" "{\"name\":\"smoke $RUN filtered\",\"url\":\"$RECEIVER/filtered\",\"events\":[\"message.sent\"],\"filter\":{\"data.message.body\":{\"\$contains\":\"filter-me\"}}}"
expect_status 201
WH3=$(json "$BODY" 'j.id')
CREATED+=("$WH3")
api POST "$API/webhooks/$WH3/filter/test" '{"payload":{"message":{"body":"please filter-me"}}}'
expect_status 200
check 'j.matches === true' "filter/test does not match a matching payload"
api POST "$API/webhooks" '{"name":"bad filter","url":"https://example.com/x","events":["message.sent"],"filter":{"data.x":{"$like":"a"}}}'
expect_status 400
check 'JSON.stringify(j.message).includes("filter.data.x.$like")' "the 400 does not name the offending path"
MARK=$(hook_mark)
api POST "$API/messages" "{\"to\":\"$PHONE1\",\"body\":\"smoke $RUN not for the filter\"}"
expect_status 201
api POST "$API/messages" "{\"to\":\"$PHONE1\",\"body\":\"smoke $RUN filter-me\"}"
expect_status 201
hook_wait "$MARK" "the matching message.sent on /filtered" \
  'r.path === "/filtered" && r.event.data?.message?.body === a[0]' "smoke $RUN filter-me"
api GET "$API/webhooks/$WH3/logs"
expect_status 200
check 'j.meta.total === 1' "the filtered webhook has a log for the event its filter refused"
STEP_STATUS=201
pass

step "slack format"
api POST "$API/webhooks" "{\"name\":\"smoke $RUN slack\",\"url\":\"$RECEIVER/slack\",\"events\":[\"message.sent\"],\"format\":\"slack\",\"template\":\"[{{type}}] {{data.message.body}}\"}"
expect_status 201
WH4=$(json "$BODY" 'j.id')
SECRET4=$(json "$BODY" 'j.secret')
CREATED+=("$WH4")
MARK=$(hook_mark)
api POST "$API/messages" "{\"to\":\"$PHONE1\",\"body\":\"smoke $RUN chat\"}"
expect_status 201
hook_wait "$MARK" "a slack message on /slack" 'r.path === "/slack"'
expect_hook 'j.body === JSON.stringify({ text: "[message.sent] " + a[0] })' "slack body is not {\"text\": <rendered template>}" "smoke $RUN chat"
hook_signed_by "$SECRET4" "webhook secret"
STEP_STATUS=201
pass

step "fifo webhook delivers in order"
api POST "$API/webhooks" "{\"name\":\"smoke $RUN fifo\",\"url\":\"$RECEIVER/fifo\",\"events\":[\"message.sent\"],\"ordering\":\"fifo\"}"
expect_status 201
check 'j.ordering === "fifo"' "ordering not stored"
WH5=$(json "$BODY" 'j.id')
CREATED+=("$WH5")
MARK=$(hook_mark)
for n in 1 2 3; do
  api POST "$API/messages" "{\"to\":\"$PHONE1\",\"body\":\"smoke $RUN fifo $n\"}"
  expect_status 201
done
hook_wait "$MARK" "the third message on /fifo" \
  'r.path === "/fifo" && r.event.data?.message?.body === a[0]' "smoke $RUN fifo 3"
ORDER=$(tail -n +"$((MARK + 1))" "$HOOK_LOG" | node -e '
  const lines = require("fs").readFileSync(0, "utf8").split("\n").filter(Boolean).map(JSON.parse);
  process.stdout.write(lines.filter((r) => r.path === "/fifo").map((r) => JSON.parse(r.body).data.message.body.slice(-1)).join(""));')
[[ $ORDER == 123 ]] || fail "fifo webhook got the messages in the order $ORDER"
STEP_STATUS=201
pass

step "unauthenticated request"
AUTH= api GET "$API/webhooks"
expect_status 401
AUTH="Bearer not.a.jwt" api GET "$API/webhooks"
expect_status 401
pass

step "delete webhook"
api DELETE "$API/webhooks/$WH1"
expect_status 204
forget "$WH1"
api GET "$API/webhooks/$WH1"
[[ $STATUS == 404 ]] || fail "GET after DELETE: expected HTTP 404, got $STATUS"
pass

step "delete failing webhook"
api DELETE "$API/webhooks/$WH2"
expect_status 204
forget "$WH2"
api GET "$API/webhooks/$WH2"
[[ $STATUS == 404 ]] || fail "GET after DELETE: expected HTTP 404, got $STATUS"
pass

echo "# all $STEP_NO steps passed"

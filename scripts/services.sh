#!/usr/bin/env bash
# Ensure the backing services for the webhook service are available:
#   - PostgreSQL (DATABASE_URL) incl. the application database(s)
#   - Redis      (REDIS_URL), with maxmemory-policy=noeviction (required by BullMQ)
#
# Services are only installed/started when the URL points at the local host
# (127.0.0.1, localhost, ::1). Remote services are only checked.
# A local cluster that asks for a password the URL does not have (Debian's default auth)
# gets trust rules for local connections in its pg_hba.conf, when run as root.
# Never prompts: psql and pg_isready fail instead of asking for a password.
# Idempotent: safe to run repeatedly (npm start, CI).
#
# Environment:
#   DATABASE_URL     default postgres://postgres@127.0.0.1:5432/webhooks
#   REDIS_URL        default redis://127.0.0.1:6379
#   EXTRA_DATABASES  optional, space separated list of extra databases to create
# A .env file in the repo root is read for variables not already set.
set -euo pipefail

ROOT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

log()  { printf '%s\n' "$*" >&2; }
warn() { printf 'warning: %s\n' "$*" >&2; }
die()  { printf 'error: %s\n' "$*" >&2; exit 1; }
have() { command -v "$1" >/dev/null 2>&1; }
is_root() { [[ $(id -u) -eq 0 ]]; }

# --------------------------------------------------------------------------
# .env loading (KEY=VALUE lines only, never sourced; environment wins)
# --------------------------------------------------------------------------
trim() {
  local s=$1
  s="${s#"${s%%[![:space:]]*}"}"
  s="${s%"${s##*[![:space:]]}"}"
  printf '%s' "$s"
}

load_dotenv() {
  local file=$1 line key val
  [[ -f $file ]] || return 0
  local re_kv='^([A-Za-z_][A-Za-z0-9_]*)[[:space:]]*=(.*)$'
  local re_dq='^"(.*)"[[:space:]]*(#.*)?$'
  local re_sq="^'(.*)'[[:space:]]*(#.*)?\$"
  while IFS= read -r line || [[ -n $line ]]; do
    line=${line%$'\r'}
    line=$(trim "$line")
    [[ -z $line || $line == \#* ]] && continue
    if [[ $line == export[[:space:]]* ]]; then
      line=$(trim "${line#export}")
    fi
    [[ $line =~ $re_kv ]] || continue
    key=${BASH_REMATCH[1]}
    val=$(trim "${BASH_REMATCH[2]}")
    if [[ $val =~ $re_dq ]]; then
      val=${BASH_REMATCH[1]}
    elif [[ $val =~ $re_sq ]]; then
      val=${BASH_REMATCH[1]}
    else
      # unquoted: strip inline comment (" #...")
      [[ $val == \#* ]] && val=""
      val=$(trim "${val%%[[:space:]]#*}")
    fi
    if [[ -z ${!key+x} ]]; then
      export "$key=$val" 2>/dev/null || warn ".env: cannot set $key"
    fi
  done <"$file"
}

# --------------------------------------------------------------------------
# URL parsing (pure bash)
# --------------------------------------------------------------------------
urldecode() {
  local s=${1//\\/\\\\}
  printf '%b' "${s//%/\\x}"
}

# split "host:port" / "[v6]:port" / "host" -> _HOST _PORT
split_hostport() {
  local hp=$1 default_port=$2
  _HOST="" _PORT=""
  if [[ $hp == \[* ]]; then
    _HOST=${hp#\[}
    _HOST=${_HOST%%\]*}
    local rest=${hp#*\]}
    [[ $rest == :* ]] && _PORT=${rest#:}
  elif [[ $hp == *:*:* ]]; then
    _HOST=$hp # bare IPv6 without port
  elif [[ $hp == *:* ]]; then
    _HOST=${hp%%:*}
    _PORT=${hp#*:}
  else
    _HOST=$hp
  fi
  _HOST=$(urldecode "$_HOST")
  [[ -n $_HOST ]] || _HOST=127.0.0.1
  [[ -n $_PORT ]] || _PORT=$default_port
  [[ $_PORT =~ ^[0-9]+$ ]] || die "invalid port '$_PORT' in URL"
}

parse_database_url() {
  local url=$1 rest query="" userinfo="" hostport path=""
  [[ $url =~ ^postgres(ql)?:// ]] || die "DATABASE_URL must start with postgres:// or postgresql://"
  rest=${url#*://}
  if [[ $rest == *\?* ]]; then query=${rest#*\?}; rest=${rest%%\?*}; fi
  rest=${rest%%#*}
  if [[ $rest == *@* ]]; then userinfo=${rest%@*}; rest=${rest##*@}; fi
  if [[ $rest == */* ]]; then path=${rest#*/}; hostport=${rest%%/*}; else hostport=$rest; fi
  hostport=${hostport%%,*} # multi-host URLs: use the first host

  PG_USER="" PG_PASS=""
  if [[ -n $userinfo ]]; then
    if [[ $userinfo == *:* ]]; then
      PG_USER=$(urldecode "${userinfo%%:*}")
      PG_PASS=$(urldecode "${userinfo#*:}")
    else
      PG_USER=$(urldecode "$userinfo")
    fi
  fi
  [[ -n $PG_USER ]] || PG_USER=postgres
  split_hostport "$hostport" 5432
  PG_HOST=$_HOST PG_PORT=$_PORT
  PG_DB=$(urldecode "${path%%/*}")
  [[ -n $PG_DB ]] || PG_DB=$PG_USER

  # honour ?sslmode=... for the client tools
  local kv
  local IFS='&'
  for kv in $query; do
    case $kv in
      sslmode=*) export PGSSLMODE="${kv#sslmode=}" ;;
    esac
  done
}

parse_redis_url() {
  local url=$1 rest userinfo="" hostport
  [[ $url =~ ^rediss?:// ]] || die "REDIS_URL must start with redis:// or rediss://"
  REDIS_TLS=0
  [[ $url == rediss://* ]] && REDIS_TLS=1
  rest=${url#*://}
  rest=${rest%%\?*}
  rest=${rest%%#*}
  if [[ $rest == *@* ]]; then userinfo=${rest%@*}; rest=${rest##*@}; fi
  hostport=${rest%%/*}
  REDIS_USER="" REDIS_PASS=""
  if [[ -n $userinfo ]]; then
    if [[ $userinfo == *:* ]]; then
      REDIS_USER=$(urldecode "${userinfo%%:*}")
      REDIS_PASS=$(urldecode "${userinfo#*:}")
    else
      REDIS_PASS=$(urldecode "$userinfo") # redis://password@host form
    fi
  fi
  split_hostport "$hostport" 6379
  REDIS_HOST=$_HOST REDIS_PORT=$_PORT
}

is_local_host() {
  case $1 in
    127.0.0.1 | localhost | ::1) return 0 ;;
    *) return 1 ;;
  esac
}

fmt_addr() { # host port -> host:port / [v6]:port
  if [[ $1 == *:* ]]; then printf '[%s]:%s' "$1" "$2"; else printf '%s:%s' "$1" "$2"; fi
}

# Run a command without the lock fd (daemons started by it must not hold the lock).
nolock() { "$@" 9>&-; }

tcp_open() { # host port
  timeout 3 bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$1" "$2" >/dev/null 2>&1
}

# Recommended packages are left out: they bring a mail server, cron, avahi, cups...
apt_install() { # packages...
  local cmd="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $*"
  if ! is_root; then
    die "$* not installed; run as root: $cmd"
  fi
  have apt-get || die "$* not installed and apt-get is not available"
  log "installing: $*"
  nolock apt-get update >&2 || die "apt-get update failed"
  DEBIAN_FRONTEND=noninteractive nolock apt-get install -y --no-install-recommends "$@" >&2 ||
    die "installing $* with apt-get failed"
}

# --------------------------------------------------------------------------
# PostgreSQL
# --------------------------------------------------------------------------
pg_up() {
  if have pg_isready; then
    # as the URL's user: by default pg_isready logs in as the OS user (root), which the
    # server logs as 'FATAL: role "root" does not exist'
    pg_isready -q -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d postgres -t 3 >/dev/null 2>&1
  else
    tcp_open "$PG_HOST" "$PG_PORT"
  fi
}

pg_wait() { # seconds
  local i
  for ((i = 0; i < $1; i++)); do
    pg_up && return 0
    sleep 1
  done
  pg_up
}

pg_server_version() { # highest installed server major version
  local bins=() b
  shopt -s nullglob
  bins=(/usr/lib/postgresql/*/bin/postgres)
  shopt -u nullglob
  ((${#bins[@]})) || return 1
  for b in "${bins[@]}"; do
    b=${b#/usr/lib/postgresql/}
    printf '%s\n' "${b%%/*}"
  done | sort -V | tail -n1
}

pg_trust_local() { # version cluster — adds the rules unless an earlier run did
  local hba="/etc/postgresql/$1/$2/pg_hba.conf"
  local marker="# added by scripts/services.sh: trust local connections (development)"
  [[ -f $hba ]] || { warn "postgres: $hba not found; cannot configure trust auth"; return 1; }
  grep -qF "$marker" "$hba" && return 0
  local tmp
  tmp=$(mktemp)
  {
    printf '%s\n' "$marker" \
      "host all all 127.0.0.1/32 trust" \
      "host all all ::1/128 trust" \
      "local all all trust" \
      ""
    cat "$hba"
  } >"$tmp"
  cat "$tmp" >"$hba" # keeps owner/permissions of pg_hba.conf
  rm -f "$tmp"
  log "postgres: trust auth for local connections written to $hba"
  return 0
}

# The cluster configured for PG_PORT: sets C_VER, C_NAME, C_STATUS and CLUSTERS (all of them).
pg_find_cluster() {
  C_VER="" C_NAME="" C_STATUS="" CLUSTERS=()
  local v n p s _rest
  while read -r v n p s _rest; do
    [[ -n ${v:-} ]] || continue
    CLUSTERS+=("$v/$n")
    if [[ -z $C_VER && $p == "$PG_PORT" ]]; then C_VER=$v C_NAME=$n C_STATUS=$s; fi
  done < <(pg_lsclusters -h 2>/dev/null || true)
  [[ -n $C_VER ]]
}

pg_start_local() {
  local ver out
  if ! ver=$(pg_server_version); then
    apt_install postgresql postgresql-client
    ver=$(pg_server_version) || die "postgres: server binaries still missing after install"
  fi
  have pg_lsclusters && have pg_ctlcluster || die "postgres: postgresql-common (pg_lsclusters/pg_ctlcluster) is not installed"

  local c_ver c_name c_status=""
  if ! pg_find_cluster; then
    c_ver=$ver c_name=main
    if [[ " ${CLUSTERS[*]-} " == *" $ver/main "* ]]; then c_name="webhooks_$PG_PORT"; fi
    is_root || die "postgres: no cluster on port $PG_PORT; run as root: pg_createcluster -p $PG_PORT $c_ver $c_name --start"
    log "postgres: creating cluster $c_ver/$c_name on port $PG_PORT"
    out=$(nolock pg_createcluster --locale C.UTF-8 -p "$PG_PORT" "$c_ver" "$c_name" --start 2>&1) ||
      die "postgres: pg_createcluster failed: $out"
  else
    c_ver=$C_VER c_name=$C_NAME c_status=$C_STATUS
    if [[ $c_status == online* ]]; then
      log "postgres: cluster $c_ver/$c_name is already running, waiting for $(fmt_addr "$PG_HOST" "$PG_PORT")"
    else
      if ! out=$(nolock pg_ctlcluster --skip-systemctl-redirect "$c_ver" "$c_name" start 2>&1); then
        pg_wait 5 || die "postgres: pg_ctlcluster $c_ver $c_name start failed: $out"
      fi
    fi
  fi

  local wait=30
  [[ $c_status == online* ]] && wait=5 # already running: only a short grace period
  pg_wait "$wait" || die "postgres: cluster $c_ver/$c_name did not become ready on $(fmt_addr "$PG_HOST" "$PG_PORT") within ${wait}s (see /var/log/postgresql/postgresql-$c_ver-$c_name.log; check listen_addresses/port)"
  log "postgres: started at $(fmt_addr "$PG_HOST" "$PG_PORT") (cluster $c_ver/$c_name)"
}

ensure_postgres() {
  local addr
  addr=$(fmt_addr "$PG_HOST" "$PG_PORT")
  if pg_up; then
    log "postgres: up at $addr"
    return
  fi
  if tcp_open "$PG_HOST" "$PG_PORT"; then
    # something listens: probably starting up / in recovery
    pg_wait 30 || die "postgres: $addr accepts TCP connections but is not ready (not PostgreSQL or stuck starting)"
    log "postgres: up at $addr"
    return
  fi
  is_local_host "$PG_HOST" || die "postgres: $addr is not reachable (remote host, not managed by this script)"
  pg_start_local
}

pg_psql() { # sql  (on the maintenance database; -w: fail rather than prompt for a password)
  psql -X -q -w -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d "$PG_MAINT_DB" -v ON_ERROR_STOP=1 -tAc "$1"
}

PG_ERR=""
pg_try_maint_db() { # sets PG_MAINT_DB, or PG_ERR
  local db
  for db in postgres template1; do
    PG_MAINT_DB=$db
    PG_ERR=$(pg_psql "SELECT 1" 2>&1 >/dev/null) && return 0
  done
  return 1
}

pg_auth_refused() { # psql error
  local re='no password supplied|password authentication failed|(peer|ident) authentication failed|no pg_hba\.conf entry'
  [[ ${1,,} =~ $re ]]
}

# The URL has no password but the local cluster asks for one (Debian's default auth): as
# root, add trust rules for local connections to its pg_hba.conf and reload it. An earlier
# run may have written them without the reload, so the reload always happens.
pg_allow_local_without_password() {
  local addr why
  addr=$(fmt_addr "$PG_HOST" "$PG_PORT")
  why="user '$PG_USER' cannot log in to $addr without a password: ${PG_ERR:-unknown error}"
  [[ -z $PG_PASS ]] || die "postgres: $why"
  is_local_host "$PG_HOST" || die "postgres: $why"
  is_root || die "postgres: $why
Put the password in DATABASE_URL, or run this script once as root to let local connections in without one (trust rules in pg_hba.conf)."
  have pg_lsclusters && have pg_ctlcluster && pg_find_cluster ||
    die "postgres: $why (no postgresql-common cluster on port $PG_PORT to configure)"
  log "postgres: $why"
  pg_trust_local "$C_VER" "$C_NAME" || die "postgres: $why"
  nolock pg_ctlcluster --skip-systemctl-redirect "$C_VER" "$C_NAME" reload >&2 ||
    die "postgres: pg_ctlcluster $C_VER $C_NAME reload failed"
  log "postgres: cluster $C_VER/$C_NAME reloaded"
}

pg_pick_maint_db() {
  pg_try_maint_db && return 0
  if pg_auth_refused "$PG_ERR"; then
    pg_allow_local_without_password
    local i
    for ((i = 0; i < 10; i++)); do # the reload takes effect within moments
      pg_try_maint_db && return 0
      sleep 1
    done
  fi
  die "postgres: cannot connect as user '$PG_USER' to $(fmt_addr "$PG_HOST" "$PG_PORT"): ${PG_ERR:-unknown error}"
}

ensure_database() { # name
  local name=$1 lit out err errf
  lit=${name//\'/\'\'}
  errf=$(mktemp)
  if ! out=$(pg_psql "SELECT 1 FROM pg_database WHERE datname='$lit'" 2>"$errf"); then
    err=$(cat "$errf")
    rm -f "$errf"
    die "database $name: query failed: $err"
  fi
  rm -f "$errf"
  if [[ $out == 1 ]]; then
    log "database $name: exists"
    return
  fi
  local ident=${name//\"/\"\"}
  if ! err=$(pg_psql "CREATE DATABASE \"$ident\"" 2>&1 >/dev/null); then
    # lost a race with a concurrent run?
    out=$(pg_psql "SELECT 1 FROM pg_database WHERE datname='$lit'" 2>/dev/null || true)
    [[ $out == 1 ]] && { log "database $name: exists"; return; }
    die "database $name: CREATE DATABASE failed: $err"
  fi
  log "database $name: created"
}

ensure_databases() {
  if ! have psql; then
    apt_install postgresql-client
  fi
  pg_pick_maint_db
  local seen=" " db
  for db in "$PG_DB" ${EXTRA_DATABASES:-}; do
    db=${db//,/}
    [[ -n $db && $seen != *" $db "* ]] || continue
    seen+="$db "
    ensure_database "$db"
  done
}

# --------------------------------------------------------------------------
# Redis
# --------------------------------------------------------------------------
rcli() {
  local args=(-h "$REDIS_HOST" -p "$REDIS_PORT")
  ((REDIS_TLS)) && args+=(--tls)
  [[ -n $REDIS_USER && $REDIS_USER != default ]] && args+=(--user "$REDIS_USER")
  if [[ -n $REDIS_PASS ]]; then
    REDISCLI_AUTH=$REDIS_PASS timeout 5 redis-cli "${args[@]}" "$@"
  else
    timeout 5 redis-cli "${args[@]}" "$@"
  fi
}

REDIS_LAST=""
redis_up() {
  if have redis-cli; then
    REDIS_LAST=$(rcli ping 2>&1) || true
    [[ $REDIS_LAST == PONG ]]
  elif ((REDIS_TLS)); then
    tcp_open "$REDIS_HOST" "$REDIS_PORT"
  else
    # raw RESP over /dev/tcp
    timeout 3 bash -c '
      exec 3<>"/dev/tcp/$1/$2" || exit 1
      if [[ -n $4 && -n $3 ]]; then printf "AUTH %s %s\r\n" "$3" "$4" >&3; IFS= read -r l <&3
      elif [[ -n $4 ]]; then printf "AUTH %s\r\n" "$4" >&3; IFS= read -r l <&3; fi
      printf "PING\r\n" >&3
      IFS= read -r l <&3
      [[ $l == "+PONG"* ]]' _ "$REDIS_HOST" "$REDIS_PORT" "$REDIS_USER" "$REDIS_PASS" 2>/dev/null
  fi
}

redis_wait() { # seconds
  local i
  for ((i = 0; i < $1; i++)); do
    redis_up && return 0
    sleep 1
  done
  redis_up
}

redis_noeviction() {
  have redis-cli || { warn "redis: redis-cli missing; cannot verify maxmemory-policy (BullMQ needs noeviction)"; return 0; }
  local cur
  cur=$(rcli config get maxmemory-policy 2>/dev/null | sed -n 2p || true)
  [[ $cur == noeviction ]] && return 0
  if [[ $(rcli config set maxmemory-policy noeviction 2>&1) == OK ]]; then
    log "redis: maxmemory-policy set to noeviction (was ${cur:-unknown})"
  else
    warn "redis: could not set maxmemory-policy=noeviction (currently ${cur:-unknown}); BullMQ requires it"
  fi
}

redis_start_local() {
  if ! have redis-server; then
    apt_install redis-server
    # the package may have started its own instance
    if redis_up; then
      redis_noeviction
      log "redis: installed, up at $(fmt_addr "$REDIS_HOST" "$REDIS_PORT")"
      return
    fi
  fi

  local dir=/var/lib/redis logdir=/var/log/redis tmpdir="${TMPDIR:-/tmp}/redis-webhooks-$REDIS_PORT"
  if [[ ! -d $dir || ! -w $dir ]]; then
    dir=$tmpdir
    mkdir -p "$dir"
  fi
  mkdir -p "$logdir" 2>/dev/null || true
  if [[ ! -d $logdir || ! -w $logdir ]]; then
    logdir=$tmpdir
    mkdir -p "$logdir"
  fi
  local logfile="$logdir/webhooks.log"

  local args=(--daemonize yes --port "$REDIS_PORT" --save "" --appendonly no
    --maxmemory-policy noeviction --dir "$dir" --logfile "$logfile")
  local out
  if ! out=$(nolock redis-server --bind 127.0.0.1 -::1 "${args[@]}" 2>&1); then
    # older redis without optional ("-") bind addresses
    out=$(nolock redis-server --bind 127.0.0.1 "${args[@]}" 2>&1) || die "redis: redis-server failed to start: $out"
  fi
  redis_wait 15 || die "redis: did not answer PING on $(fmt_addr "$REDIS_HOST" "$REDIS_PORT") within 15s; last lines of $logfile:
$(tail -n 5 "$logfile" 2>/dev/null)"
  log "redis: started at $(fmt_addr "$REDIS_HOST" "$REDIS_PORT") (log: $logfile)"
}

ensure_redis() {
  local addr
  addr=$(fmt_addr "$REDIS_HOST" "$REDIS_PORT")
  if redis_up; then
    redis_noeviction
    log "redis: up at $addr"
    return
  fi
  if tcp_open "$REDIS_HOST" "$REDIS_PORT"; then
    # listening but not answering PONG (loading dataset, auth error, not redis...)
    redis_wait 15 || die "redis: $addr accepts TCP connections but PING failed: ${REDIS_LAST:-no PONG}"
    redis_noeviction
    log "redis: up at $addr"
    return
  fi
  is_local_host "$REDIS_HOST" || die "redis: $addr is not reachable (remote host, not managed by this script)"
  redis_start_local
}

# The server binaries, even when REDIS_URL is remote or already up: the local Redis Cluster
# of scripts/redis-cluster.sh (used by the tests) runs them.
ensure_redis_binaries() {
  have redis-server && have redis-cli && return
  if ! is_root; then
    warn "redis-server/redis-cli missing (scripts/redis-cluster.sh needs them); as root: apt-get install -y --no-install-recommends redis-server"
    return
  fi
  apt_install redis-server
}

# --------------------------------------------------------------------------
main() {
  load_dotenv "$ROOT_DIR/.env"
  DATABASE_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/webhooks}
  REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379}

  parse_database_url "$DATABASE_URL"
  parse_redis_url "$REDIS_URL"
  export PGCONNECT_TIMEOUT=${PGCONNECT_TIMEOUT:-5}
  if [[ -n $PG_PASS ]]; then export PGPASSWORD=$PG_PASS; fi

  # serialise concurrent runs (e.g. `npm start` and `npm run start:worker`)
  if have flock; then
    local lock="${TMPDIR:-/tmp}/webhooks-services.$(id -u).lock"
    if { exec 9>>"$lock"; } 2>/dev/null; then
      flock -w 120 9 || warn "could not acquire $lock; continuing"
    fi
  fi

  ensure_postgres
  ensure_databases
  ensure_redis
  ensure_redis_binaries
}

main "$@"

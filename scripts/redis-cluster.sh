#!/usr/bin/env bash
# A local 3-master Redis Cluster for development and tests (docs/operations.md, "Running on a
# Redis Cluster"), from Debian's redis-server. Nothing is persisted: a restarted node comes back
# empty, as a cache node would, and keeps its slots through its nodes.conf.
#
#   scripts/redis-cluster.sh [start]          start it (idempotent); prints the seeds
#   scripts/redis-cluster.sh stop             stop every node
#   scripts/redis-cluster.sh restart-node P   stop the node on port P and start it again
#   scripts/redis-cluster.sh stop-node P / start-node P
#
# REDIS_CLUSTER_PORTS (default "7101 7102 7103") and REDIS_CLUSTER_DIR choose where it runs.
set -euo pipefail

PORTS=(${REDIS_CLUSTER_PORTS:-7101 7102 7103})
DIR=${REDIS_CLUSTER_DIR:-${TMPDIR:-/tmp}/webhooks-redis-cluster-$(id -u)}
HOST=127.0.0.1

log() { printf 'redis-cluster: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

ensure_binaries() {
  command -v redis-server >/dev/null && command -v redis-cli >/dev/null && return
  [[ $(id -u) == 0 ]] || die "redis-server/redis-cli missing; run as root: apt-get install -y redis-server"
  log "installing redis-server"
  apt-get update >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends redis-server >&2
}

cli() { # port args...
  local port=$1
  shift
  timeout 5 redis-cli -h "$HOST" -p "$port" "$@"
}

node_up() { [[ $(cli "$1" ping 2>/dev/null) == PONG ]]; }

wait_for() { # seconds description command...
  local seconds=$1 what=$2 i
  shift 2
  for ((i = 0; i < seconds * 10; i++)); do
    "$@" && return 0
    sleep 0.1
  done
  die "$what not reached within ${seconds}s (logs in $DIR)"
}

start_node() { # port
  local port=$1
  node_up "$port" && return
  mkdir -p "$DIR/$port"
  # A short node timeout: a stopped node is noticed within a second or two. Without full
  # coverage the other masters keep serving their slots while one is down.
  redis-server --port "$port" --bind "$HOST" --daemonize yes \
    --dir "$DIR/$port" --logfile "$DIR/$port/redis.log" --pidfile "$DIR/$port/redis.pid" \
    --cluster-enabled yes --cluster-config-file nodes.conf --cluster-node-timeout 1000 \
    --cluster-require-full-coverage no \
    --save "" --appendonly no --maxmemory-policy noeviction >/dev/null
  wait_for 10 "node $port answering PING" node_up "$port"
}

stop_node() { # port
  local port=$1
  node_up "$port" || return 0
  cli "$port" shutdown nosave >/dev/null 2>&1 || true
  wait_for 10 "node $port stopped" bash -c "! timeout 1 redis-cli -h $HOST -p $port ping >/dev/null 2>&1"
}

# Every node answers and says cluster_state:ok (a restarted node takes a moment to agree).
cluster_ok() {
  local port
  for port in "${PORTS[@]}"; do
    [[ $(cli "$port" cluster info 2>/dev/null) == *cluster_state:ok* ]] || return 1
  done
}

# Every node knows every other and all 16384 slots are assigned.
cluster_formed() {
  local info
  info=$(cli "${PORTS[0]}" cluster info 2>/dev/null) || return 1
  [[ $info == *"cluster_slots_assigned:16384"* && $info == *"cluster_known_nodes:${#PORTS[@]}"* ]]
}

start() {
  ensure_binaries
  local port
  for port in "${PORTS[@]}"; do start_node "$port"; done
  if ! cluster_formed; then
    # A half-made cluster from an earlier failed start cannot be created again: start afresh.
    if [[ $(cli "${PORTS[0]}" cluster info 2>/dev/null) != *"cluster_slots_assigned:0"* ]]; then
      log "resetting a partly created cluster"
      for port in "${PORTS[@]}"; do
        cli "$port" flushall >/dev/null 2>&1 || true
        cli "$port" cluster reset hard >/dev/null
      done
    fi
    local seeds=()
    for port in "${PORTS[@]}"; do seeds+=("$HOST:$port"); done
    log "creating the cluster on ${seeds[*]}"
    redis-cli --cluster create "${seeds[@]}" --cluster-replicas 0 --cluster-yes >/dev/null
  fi
  wait_for 20 "cluster_state:ok" cluster_ok
  local seeds=()
  for port in "${PORTS[@]}"; do seeds+=("$HOST:$port"); done
  log "up: ${seeds[*]}"
  (IFS=,; echo "${seeds[*]}")
}

stop() {
  local port
  for port in "${PORTS[@]}"; do stop_node "$port"; done
  log "stopped"
}

case ${1:-start} in
  start) start ;;
  stop) stop ;;
  stop-node) stop_node "${2:?port}" ;;
  start-node)
    start_node "${2:?port}"
    wait_for 20 "cluster_state:ok" cluster_ok
    ;;
  restart-node)
    stop_node "${2:?port}"
    start_node "$2"
    wait_for 20 "cluster_state:ok" cluster_ok
    ;;
  *) die "usage: $0 [start|stop|stop-node PORT|start-node PORT|restart-node PORT]" ;;
esac

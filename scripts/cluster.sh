#!/usr/bin/env bash
# A local PenguinMails cluster for development and tests: a coordinator and N shard servers
# (PostgreSQL, initdb/pg_ctl, each on a free port on 127.0.0.1, trusted local logins only).
#
#   scripts/cluster.sh start [--shards N]   start the servers, run `cluster init`; the last line
#                                           printed is PENGUIN_ANALYTICS_DB=<coordinator>
#   scripts/cluster.sh stop-shard N         stop shard N's server (N from 1), for fault tests
#   scripts/cluster.sh start-shard N        start it again
#   scripts/cluster.sh env                  print the coordinator line again
#   scripts/cluster.sh stop                 stop everything and remove the cluster's files
#
# The cluster lives in $PENGUIN_CLUSTER_DIR (default /tmp/penguin-analytics-cluster). The CLI
# that runs `cluster init` is $PENGUIN_ANALYTICS_CLI (a command line, for example
# "dotnet src/PenguinMails.Analytics.Cli/bin/Debug/net10.0/penguin-analytics.dll"), else
# `dotnet run --project src/PenguinMails.Analytics.Cli --`.
set -euo pipefail
cd "$(dirname "$0")/.."

DIR=${PENGUIN_CLUSTER_DIR:-/tmp/penguin-analytics-cluster}
log() { printf '[cluster.sh] %s\n' "$*" >&2; }

PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$PG_BIN" ]; then
  log "PostgreSQL is not installed (Debian: apt-get install postgresql)"
  exit 1
fi
if [ "$(id -u)" -eq 0 ]; then
  run_pg() { runuser -u postgres -- "$@"; }
else
  run_pg() { "$@"; }
fi

# Ports below Linux's ephemeral range (32768-60999): a stopped shard's port inside it can be
# taken meanwhile as the source port of some client's connection on 127.0.0.1, and the shard
# then cannot listen on it again ("Address already in use" in start-shard).
free_port() {
  local port
  for port in $(seq 25700 25900); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && ! grep -qs "=$port\$" "$DIR/ports"; then
      echo "$port"
      return
    fi
  done
  log "no free port between 25700 and 25900"
  exit 1
}

connection() { echo "Host=127.0.0.1;Port=$1;Username=postgres;Database=penguin"; }
port_of() { grep "^$1=" "$DIR/ports" | cut -d= -f2; }

start_server() { # name port
  run_pg "$PG_BIN/pg_ctl" -D "$DIR/$1" -l "$DIR/$1.log" -w -o "\
    -p $2 -c listen_addresses=127.0.0.1 -c unix_socket_directories=$DIR \
    -c max_connections=200 -c shared_buffers=128MB \
    -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null \
    || { tail -n 5 "$DIR/$1.log" >&2; return 1; }
}

stop_server() { # name
  run_pg "$PG_BIN/pg_ctl" -D "$DIR/$1" -m fast stop >/dev/null 2>&1 || true
}

cli() {
  if [ -n "${PENGUIN_ANALYTICS_CLI:-}" ]; then
    # shellcheck disable=SC2086
    $PENGUIN_ANALYTICS_CLI "$@"
  else
    dotnet run --project src/PenguinMails.Analytics.Cli -- "$@"
  fi
}

print_env() { echo "PENGUIN_ANALYTICS_DB=$(connection "$(port_of coordinator)")"; }

case "${1:-}" in
  start)
    shards=2
    if [ "${2:-}" = "--shards" ]; then shards=${3:?--shards needs a number}; fi
    if [ -f "$DIR/ports" ]; then
      log "a cluster is already running in $DIR (scripts/cluster.sh stop first)"
      exit 1
    fi
    mkdir -p "$DIR"
    [ "$(id -u)" -eq 0 ] && chown postgres "$DIR"
    : >"$DIR/ports"
    args=()
    for name in coordinator $(seq -f 'shard%g' 1 "$shards"); do
      port=$(free_port)
      echo "$name=$port" >>"$DIR/ports"
      run_pg "$PG_BIN/initdb" -D "$DIR/$name" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >/dev/null
      start_server "$name" "$port"
      run_pg "$PG_BIN/psql" -q -h 127.0.0.1 -p "$port" -U postgres -d postgres -c "CREATE DATABASE penguin" >/dev/null
      log "$name on 127.0.0.1:$port"
      [ "$name" = coordinator ] || args+=(--shard "$(connection "$port")")
    done
    cli cluster init --db "$(connection "$(port_of coordinator)")" "${args[@]}" >&2
    print_env
    ;;
  stop-shard)
    stop_server "shard${2:?stop-shard needs a shard number}"
    log "shard$2 stopped"
    ;;
  start-shard)
    start_server "shard${2:?start-shard needs a shard number}" "$(port_of "shard$2")"
    log "shard$2 started"
    ;;
  env)
    print_env
    ;;
  stop)
    if [ -f "$DIR/ports" ]; then
      while IFS== read -r name _; do stop_server "$name"; done <"$DIR/ports"
    fi
    rm -rf "$DIR"
    log "stopped"
    ;;
  *)
    sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac

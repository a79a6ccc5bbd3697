#!/usr/bin/env bash
# The test command (README.md): runs every test of the solution against real engines.
# - installs PostgreSQL, Chromium, poppler-utils and a font from the Debian packages when missing;
# - starts a throw-away cluster on 127.0.0.1 on a free port, trusted local logins only, and a
#   local scale-out cluster (scripts/cluster.sh: a coordinator and two shard servers);
# - runs `dotnet test` for the whole solution with the server in PENGUIN_TEST_PG;
# - stops the cluster and removes its files on exit, whatever happened.
# Extra arguments go to `dotnet test` (for example: --filter-class '*Postgres*').
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '[test.sh] %s\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

postgres_bin() {
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

if [ -z "$(postgres_bin)" ]; then
  log "PostgreSQL is not installed: installing the Debian package"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq postgresql >/dev/null
fi
# The dashboard tests drive Debian's Chromium through Playwright (never a downloaded browser);
# the export tests render PDFs with pdftoppm, and PDF exports need a TrueType font.
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v pdftoppm >/dev/null || missing+=(poppler-utils)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
if [ ${#missing[@]} -gt 0 ]; then
  log "installing the Debian packages ${missing[*]}"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}" >/dev/null
fi
PG_BIN=$(postgres_bin)
PG_MAJOR=$(basename "$(dirname "$PG_BIN")")
if [ "${PG_MAJOR%%.*}" -lt 15 ]; then
  log "PostgreSQL $PG_MAJOR is too old: 15 or newer is needed"
  exit 1
fi

# Below Linux's ephemeral range (32768-60999), where a client connection's source port could
# hold the port (scripts/cluster.sh says more).
free_port() {
  local port
  for port in $(seq 25432 25632); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return
    fi
  done
  log "no free port between 25432 and 25632"
  exit 1
}

PG_DIR=$(mktemp -d /tmp/penguin-analytics-pg.XXXXXX)
PG_PORT=$(free_port)
# PostgreSQL refuses to run as root: run the cluster as the postgres user the package created.
if [ "$(id -u)" -eq 0 ]; then
  chown postgres "$PG_DIR"
  run_pg() { runuser -u postgres -- "$@"; }
else
  run_pg() { "$@"; }
fi

stop_cluster() {
  [ -d "$PG_DIR/cluster" ] && PENGUIN_CLUSTER_DIR="$PG_DIR/cluster" scripts/cluster.sh stop >/dev/null 2>&1 || true
  run_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$PG_DIR"
}
trap stop_cluster EXIT

log "starting PostgreSQL $PG_MAJOR on 127.0.0.1:$PG_PORT"
run_pg "$PG_BIN/initdb" -D "$PG_DIR/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >/dev/null
run_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -o "\
  -p $PG_PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories=$PG_DIR \
  -c max_connections=300 -c shared_buffers=256MB \
  -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null

export PENGUIN_TEST_PG="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=postgres"

# The scale-out tests run on a local cluster (a coordinator and two shard servers) from
# scripts/cluster.sh, which needs the CLI built; its files live beside the test server's.
log "building"
dotnet build PenguinMails.Analytics.slnx -v quiet -nologo >"$PG_DIR/build.log" 2>&1 || { cat "$PG_DIR/build.log" >&2; exit 1; }
export PENGUIN_CLUSTER_DIR="$PG_DIR/cluster"
export PENGUIN_ANALYTICS_CLI="dotnet $PWD/src/PenguinMails.Analytics.Cli/bin/Debug/net10.0/penguin-analytics.dll"
log "starting the local cluster (scripts/cluster.sh)"
cluster_line=$(scripts/cluster.sh start 2>"$PG_DIR/cluster.log" | tail -n 1) || { cat "$PG_DIR/cluster.log" >&2; exit 1; }
export PENGUIN_TEST_CLUSTER="${cluster_line#PENGUIN_ANALYTICS_DB=}"

status=0
dotnet test --solution PenguinMails.Analytics.slnx "$@" 2>&1 | tee "$PG_DIR/test.log" || status=$?

# The README's walkthrough starts with dotnet publish: it must build for this machine's runtime
# only (not DuckDB's native libraries for every platform) and the result must run.
if [ $# -eq 0 ] && [ "$status" -eq 0 ]; then
  log "checking dotnet publish"
  if dotnet publish src/PenguinMails.Analytics.Cli -c Release -o "$PG_DIR/publish" >"$PG_DIR/publish.log" 2>&1 \
     && "$PG_DIR/publish/penguin-analytics" --help >/dev/null; then
    size=$(du -sm "$PG_DIR/publish" | cut -f1)
    log "published: $size MB"
    if [ "$size" -ge 150 ]; then log "the published folder is $size MB (150 at most)"; status=1; fi
  else
    cat "$PG_DIR/publish.log" >&2
    status=1
  fi
fi

# One plain summary line that any CI reads: "tests: N passed, N failed, N skipped".
total=$(grep -E '^\s+total:' "$PG_DIR/test.log" | tail -n 1 | grep -oE '[0-9]+' || echo 0)
passed=$(grep -E '^\s+succeeded:' "$PG_DIR/test.log" | tail -n 1 | grep -oE '[0-9]+' || echo 0)
failed=$(grep -E '^\s+failed:' "$PG_DIR/test.log" | tail -n 1 | grep -oE '[0-9]+' || echo 0)
skipped=$(grep -E '^\s+skipped:' "$PG_DIR/test.log" | tail -n 1 | grep -oE '[0-9]+' || echo 0)
if [ "$status" -eq 0 ] && [ "${total:-0}" -eq 0 ]; then
  log "no test ran"
  status=1
fi
# The failed tests' names and first lines, last, where a CI log's tail shows them (the test
# processes' own output comes after each failure in the log and can bury it).
if [ "${failed:-0}" -gt 0 ]; then
  log "failed tests:"
  awk '/^failed /{n=8} n>0 && !/^  from /{print; n--}' "$PG_DIR/test.log" | cut -c1-400 >&2
fi
echo "tests: ${passed:-0} passed, ${failed:-0} failed, ${skipped:-0} skipped"
exit "$status"

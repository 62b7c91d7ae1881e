# shellcheck shell=bash
# A throwaway PostgreSQL cluster on a free loopback port, for tests and benchmarks.
# Source this file, then:
#   pg_start            # initdb + start; exports TENANCY_PG_BIN, TENANCY_PG_PORT, TENANCY_TEST_POSTGRES
#   pg_stop             # stop and delete the cluster (safe to call twice; use it in a trap)
# Optional: TENANCY_PG_EXTRA_CONF (lines appended to postgresql.conf), TENANCY_PG_DIR (where to put it).

pg_find_bin() {
  local dir
  for dir in /usr/lib/postgresql/*/bin; do
    [ -x "$dir/initdb" ] && TENANCY_PG_BIN=$dir
  done
  [ -n "${TENANCY_PG_BIN:-}" ] || { echo "postgres: no server binaries under /usr/lib/postgresql (apt-get install postgresql postgresql-contrib)" >&2; return 1; }
  export TENANCY_PG_BIN
}

# A port in 55432-55532 that nothing listens on and no socket uses: a client connection's local
# port can sit in this range too (it is inside Linux's ephemeral range), and a server cannot bind
# it then. Ports given as arguments are skipped (ones a start just failed on).
pg_free_port() {
  local port skip
  for port in $(seq 55432 55532); do
    for skip in "$@"; do [ "$port" = "$skip" ] && continue 2; done
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && continue
    if command -v ss >/dev/null && [ -n "$(ss -Htan "( sport = :$port )" 2>/dev/null)" ]; then
      continue
    fi
    echo "$port"
    return 0
  done
  return 1
}

# pg_start_cluster DATADIR LOGFILE: starts the cluster on a free port and prints the port. A port
# can be taken between the check and the start (another process's connection); then it tries the
# next one, up to five times.
pg_start_cluster() {
  local data=$1 log=$2 port tried=() attempt
  for attempt in 1 2 3 4 5; do
    port=$(pg_free_port "${tried[@]}") || { echo "postgres: no free port in 55432-55532" >&2; return 1; }
    if pg_as_owner "$TENANCY_PG_BIN/pg_ctl" -D "$data" -o "-p $port" -l "$log" -w -t 60 start >/dev/null; then
      echo "$port"
      return 0
    fi
    grep -q "could not bind\|Address already in use" "$log" 2>/dev/null || { cat "$log" >&2; return 1; }
    echo "postgres: port $port was taken as the server started; trying another (attempt $attempt)" >&2
    tried+=("$port")
  done
  cat "$log" >&2
  return 1
}

# Runs a command as the cluster owner: root cannot run initdb/postgres, so use the postgres user.
pg_as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

pg_start() {
  pg_find_bin || return 1
  TENANCY_PG_DATA=$(mktemp -d "${TENANCY_PG_DIR:-/tmp}/tenancy-pg.XXXXXX")
  export TENANCY_PG_DATA
  [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$TENANCY_PG_DATA"
  pg_as_owner "$TENANCY_PG_BIN/initdb" -D "$TENANCY_PG_DATA/data" -U postgres --auth=trust \
    --encoding=UTF8 --locale=C.UTF-8 >"$TENANCY_PG_DATA/initdb.log" 2>&1 \
    || { cat "$TENANCY_PG_DATA/initdb.log" >&2; return 1; }
  {
    echo "listen_addresses = '127.0.0.1'"
    echo "unix_socket_directories = '$TENANCY_PG_DATA'"
    echo "max_connections = 200"
    echo "shared_buffers = 1GB"
    echo "fsync = off"                 # throwaway data: durability is not under test
    echo "synchronous_commit = off"
    echo "full_page_writes = off"
    echo "wal_compression = lz4"
    echo "max_wal_size = 8GB"
    echo "checkpoint_timeout = 30min"
    echo "${TENANCY_PG_EXTRA_CONF:-}"
  } >>"$TENANCY_PG_DATA/data/postgresql.conf"
  TENANCY_PG_PORT=$(pg_start_cluster "$TENANCY_PG_DATA/data" "$TENANCY_PG_DATA/server.log") || return 1
  export TENANCY_PG_PORT
  export TENANCY_TEST_POSTGRES="Host=127.0.0.1;Port=$TENANCY_PG_PORT;Username=postgres;Database=postgres;Pooling=true;Maximum Pool Size=50"
  echo "postgres: throwaway cluster on 127.0.0.1:$TENANCY_PG_PORT ($TENANCY_PG_DATA)" >&2
}

pg_stop() {
  [ -n "${TENANCY_PG_DATA:-}" ] && [ -d "$TENANCY_PG_DATA" ] || return 0
  pg_as_owner "$TENANCY_PG_BIN/pg_ctl" -D "$TENANCY_PG_DATA/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$TENANCY_PG_DATA"
  unset TENANCY_PG_DATA
}

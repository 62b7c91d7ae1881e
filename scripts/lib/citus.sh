# shellcheck shell=bash
# A throwaway Citus cluster (a coordinator and two workers) on free loopback ports, for tests and
# benchmarks. Citus is built from the public source in ../shared/vendor (AGPL-3.0; used for tests
# only, never shipped) once per machine, into a cache outside the clone.
#
# Source scripts/lib/postgres.sh first, then this file, then:
#   citus_install   # builds (first time) or copies (later) Citus into the PostgreSQL server's folders
#   citus_start     # three clusters, citus preloaded; exports TENANCY_TEST_CITUS (the coordinator's
#                   # maintenance database) and TENANCY_CITUS_WORKERS ("host:port,host:port")
#   citus_stop      # stops and deletes the three clusters (safe to call twice; use it in a trap)
#
# Environment: TENANCY_CITUS_SOURCE (the tarball; ../shared/vendor/citus-13.2.2.tar.gz beside the
# clone, or /work/shared/vendor), TENANCY_CITUS_CACHE (~/.cache/tenancy: where the built files are kept).

TENANCY_CITUS_VERSION=13.2.2
TENANCY_CITUS_SHA256=dd2453caec20a830e5e63f1def5c5a98cb6f57ae510407cdcd800916fcdab430

# The tarball: TENANCY_CITUS_SOURCE, else ../shared/vendor beside this checkout, else the
# workplace's shared folder (/work/shared/vendor) for a clone made elsewhere.
citus_source() {
  local here candidate
  here=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
  for candidate in "${TENANCY_CITUS_SOURCE:-}" "$here/../shared/vendor/citus-$TENANCY_CITUS_VERSION.tar.gz" \
    "/work/shared/vendor/citus-$TENANCY_CITUS_VERSION.tar.gz"; do
    [ -n "$candidate" ] && [ -f "$candidate" ] && { echo "$candidate"; return 0; }
  done
  echo "${TENANCY_CITUS_SOURCE:-$here/../shared/vendor/citus-$TENANCY_CITUS_VERSION.tar.gz}"
}

# Installs the build's Debian dependencies: the server headers pinned to the installed server's
# exact version (a newer postgresql-server-dev-15 than the server builds an extension that may not load).
citus_build_dependencies() {
  local server_version sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  server_version=$(dpkg-query -W -f='${Version}' "postgresql-$(citus_pg_major)" 2>/dev/null) \
    || { echo "citus: postgresql-$(citus_pg_major) is not installed" >&2; return 1; }
  local wanted=("postgresql-server-dev-$(citus_pg_major)=$server_version" liblz4-dev libzstd-dev libkrb5-dev
    libssl-dev libselinux1-dev libxslt1-dev libpam0g-dev libreadline-dev autoconf flex bison make gcc)
  local missing=() package name
  for package in "${wanted[@]}"; do
    name=${package%%=*}
    if [ "$name" != "$package" ]; then
      [ "$(dpkg-query -W -f='${Version}' "$name" 2>/dev/null)" = "${package#*=}" ] || missing+=("$package")
    else
      dpkg-query -W -f='${Status}' "$name" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
    fi
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "citus: installing build dependencies ${missing[*]}" >&2
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --allow-downgrades "${missing[@]}" >/dev/null \
    || { "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null \
      && "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --allow-downgrades "${missing[@]}" >/dev/null; }
}

citus_pg_major() {
  pg_find_bin >/dev/null || return 1
  basename "$(dirname "$TENANCY_PG_BIN")"
}

citus_install() {
  pg_find_bin || return 1
  local pg_config="$TENANCY_PG_BIN/pg_config" server_version
  server_version=$("$TENANCY_PG_BIN/postgres" --version | awk '{print $3}')
  local pkglibdir
  pkglibdir=$(dirname "$TENANCY_PG_BIN")/lib
  if [ -f "$pkglibdir/citus.so" ] && [ -f "/usr/share/postgresql/$(citus_pg_major)/extension/citus.control" ] \
    && grep -q "default_version = '13.2" "/usr/share/postgresql/$(citus_pg_major)/extension/citus.control"; then
    return 0
  fi

  local cache="${TENANCY_CITUS_CACHE:-$HOME/.cache/tenancy}/citus-$TENANCY_CITUS_VERSION-pg$server_version"
  if [ ! -f "$cache/.complete" ]; then
    local source
    source=$(citus_source)
    [ -f "$source" ] || { echo "citus: no source at $source (set TENANCY_CITUS_SOURCE)" >&2; return 1; }
    echo "$TENANCY_CITUS_SHA256  $source" | sha256sum -c --quiet - >/dev/null 2>&1 \
      || { echo "citus: $source is not the vendored Citus $TENANCY_CITUS_VERSION (sha256 differs)" >&2; return 1; }
    citus_build_dependencies || return 1
    local build
    build=$(mktemp -d /tmp/tenancy-citus-build.XXXXXX)
    echo "citus: building Citus $TENANCY_CITUS_VERSION for PostgreSQL $server_version (about 3 minutes, once per machine)" >&2
    tar -xzf "$source" -C "$build" || { rm -rf "$build"; return 1; }
    rm -rf "$cache" && mkdir -p "$cache"
    if ! (cd "$build/citus-$TENANCY_CITUS_VERSION" \
      && ./configure --without-libcurl PG_CONFIG="$pg_config" >"$build/configure.log" 2>&1 \
      && make -j"$(nproc)" >"$build/make.log" 2>&1 \
      && make install DESTDIR="$cache" >"$build/install.log" 2>&1); then
      echo "citus: build failed; logs in $build" >&2
      tail -n 30 "$build"/*.log >&2
      return 1
    fi
    rm -rf "$build"
    touch "$cache/.complete"
  fi
  local sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  (cd "$cache" && "${sudo[@]}" cp -a usr /) || { echo "citus: could not copy $cache into /usr" >&2; return 1; }
}

# Starts one node: a PostgreSQL cluster with citus preloaded. Prints its port.
citus_start_node() {
  local name=$1 dir="$TENANCY_CITUS_DIR/$1" port
  mkdir -p "$dir"
  [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$dir"
  pg_as_owner "$TENANCY_PG_BIN/initdb" -D "$dir/data" -U postgres --auth=trust \
    --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; return 1; }
  {
    echo "shared_preload_libraries = 'citus'"
    echo "listen_addresses = '127.0.0.1'"
    echo "unix_socket_directories = '$dir'"
    echo "max_connections = 300"
    echo "max_prepared_transactions = 300"
    echo "shared_buffers = 256MB"
    echo "fsync = off"                 # throwaway data: durability is not under test
    echo "synchronous_commit = off"
    echo "full_page_writes = off"
    echo "citus.shard_count = 8"       # tests: fewer shards, less DDL fan-out (production keeps 32)
    echo "${TENANCY_PG_EXTRA_CONF:-}"
  } >>"$dir/data/postgresql.conf"
  pg_start_cluster "$dir/data" "$dir/server.log"
}

citus_psql() {
  local port=$1 database=$2
  shift 2
  "$TENANCY_PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres -d "$database" "$@"
}

citus_start() {
  pg_find_bin || return 1
  citus_install || return 1
  TENANCY_CITUS_DIR=$(mktemp -d "${TENANCY_PG_DIR:-/tmp}/tenancy-citus.XXXXXX")
  export TENANCY_CITUS_DIR
  chmod 755 "$TENANCY_CITUS_DIR"
  local coordinator worker1 worker2
  coordinator=$(citus_start_node coordinator) || return 1
  worker1=$(citus_start_node worker1) || return 1
  worker2=$(citus_start_node worker2) || return 1
  echo "$coordinator $worker1 $worker2" >"$TENANCY_CITUS_DIR/ports"
  export TENANCY_TEST_CITUS="Host=127.0.0.1;Port=$coordinator;Username=postgres;Database=postgres;Pooling=true;Maximum Pool Size=50"
  export TENANCY_CITUS_WORKERS="127.0.0.1:$worker1,127.0.0.1:$worker2"
  echo "citus: coordinator on 127.0.0.1:$coordinator, workers on $worker1 and $worker2 ($TENANCY_CITUS_DIR)" >&2
}

citus_stop() {
  [ -n "${TENANCY_CITUS_DIR:-}" ] && [ -d "$TENANCY_CITUS_DIR" ] || return 0
  local node
  for node in coordinator worker1 worker2; do
    [ -d "$TENANCY_CITUS_DIR/$node/data" ] \
      && pg_as_owner "$TENANCY_PG_BIN/pg_ctl" -D "$TENANCY_CITUS_DIR/$node/data" -m immediate -w stop >/dev/null 2>&1
  done
  rm -rf "$TENANCY_CITUS_DIR"
  unset TENANCY_CITUS_DIR
}

# citus_create_database NAME: the database on every node with the extensions, the workers
# registered on the coordinator's; the product's start-up (or `distribute`) then shards it.
citus_create_database() {
  local name=$1 port ports
  read -r -a ports <"$TENANCY_CITUS_DIR/ports"
  for port in "${ports[@]}"; do
    citus_psql "$port" postgres -c "CREATE DATABASE \"$name\"" >/dev/null || return 1
    citus_psql "$port" "$name" -c "CREATE EXTENSION citus; CREATE EXTENSION pg_trgm;" >/dev/null || return 1
  done
  citus_psql "${ports[0]}" "$name" -c "SELECT citus_set_coordinator_host('127.0.0.1', ${ports[0]});" >/dev/null || return 1
  for port in "${ports[@]:1}"; do
    citus_psql "${ports[0]}" "$name" -c "SELECT citus_add_node('127.0.0.1', $port);" >/dev/null || return 1
  done
}

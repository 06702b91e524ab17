#!/usr/bin/env bash
# A private, throwaway PostgreSQL for tests, benchmarks and the demo.
#
#   cluster/postgres.sh start   # prints `export GS_PG_URL=postgresql://…` (eval it)
#   cluster/postgres.sh stop    # stops the server and deletes its data directory
#   cluster/postgres.sh url     # prints the URL of the running server
#   cluster/postgres.sh halt    # stops the server but keeps its data; `start` brings it back
#
# It owns its data directory (GS_PG_DIR, default /tmp/greenstream-pg-<uid>), listens
# on 127.0.0.1 on a free port (GS_PG_PORT to pin one) and on a Unix socket inside
# the data directory. GS_PG_LISTEN=ADDRESS listens on that address instead (the URL then
# names it; cluster/multihost.sh uses its host's address), and GS_PG_ALLOW=CIDR lets clients
# from that network in without a password (trust, like the local ones: a throwaway server on
# private links only). Both are read when the data directory is made. As root it runs the server as the `postgres` user (creating
# that user if needed), because PostgreSQL refuses to run as root. It installs the
# Debian server packages when no PostgreSQL server binaries are found.
# Durability settings are relaxed (fsync=off) unless GS_PG_DURABLE=1: this is a
# throwaway server; docs/PERFORMANCE.md says which setting each figure used.
set -euo pipefail

dir=${GS_PG_DIR:-/tmp/greenstream-pg-$(id -u)}
db=greenstream

find_bindir() {
    local d
    for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        [ -x "$d/initdb" ] && { echo "$d"; return 0; }
    done
    command -v initdb >/dev/null 2>&1 && { dirname "$(command -v initdb)"; return 0; }
    return 1
}

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

as_owner() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start() {
    local bindir
    if ! bindir=$(find_bindir); then
        echo "postgres.sh: installing PostgreSQL server packages" >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
        bindir=$(find_bindir)
    fi
    if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then
        useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
    fi
    if [ -f "$dir/url" ] && as_owner "$bindir/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
        echo "export GS_PG_URL=$(cat "$dir/url")"
        return 0
    fi
    if [ -f "$dir/url" ] && [ -f "$dir/options" ] && [ -f "$dir/data/PG_VERSION" ]; then
        # Halted earlier: restart on the same data, port and settings.
        as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 -o "$(cat "$dir/options")" \
            start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
        echo "export GS_PG_URL=$(cat "$dir/url")"
        return 0
    fi
    rm -rf "$dir"
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres: "$dir"
    local listen=${GS_PG_LISTEN:-127.0.0.1}
    [[ "$listen" =~ ^[0-9a-zA-Z.-]+$ ]] || { echo "postgres.sh: GS_PG_LISTEN wants one IPv4 address or host name, got '$listen'" >&2; exit 2; }
    local port=${GS_PG_PORT:-$(free_port)}
    local fsync=off
    [ "${GS_PG_DURABLE:-0}" = 1 ] && fsync=on
    as_owner "$bindir/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; exit 1; }
    if [ -n "${GS_PG_ALLOW:-}" ]; then
        echo "host all all ${GS_PG_ALLOW} trust" >>"$dir/data/pg_hba.conf"
    fi
    local options="-p $port -k $dir -c listen_addresses=$listen -c fsync=$fsync -c synchronous_commit=$fsync -c full_page_writes=$fsync -c max_connections=200 -c shared_buffers=256MB"
    as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 -o "$options" \
        start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
    as_owner "$bindir/createdb" -h "$dir" -p "$port" -U postgres "$db"
    local url="postgresql://postgres@$listen:$port/$db"
    echo "$url" >"$dir/url"
    echo "$bindir" >"$dir/bindir"
    echo "$options" >"$dir/options"
    echo "export GS_PG_URL=$url"
}

stop() {
    [ -d "$dir" ] || return 0
    local bindir
    bindir=$(cat "$dir/bindir" 2>/dev/null || find_bindir || true)
    if [ -n "$bindir" ] && [ -d "$dir/data" ]; then
        as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
}

halt() {
    [ -d "$dir/data" ] || return 0
    local bindir
    bindir=$(cat "$dir/bindir" 2>/dev/null || find_bindir)
    as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    halt) halt ;;
    url) cat "$dir/url" ;;
    *) echo "usage: $0 start|stop|halt|url" >&2; exit 2 ;;
esac

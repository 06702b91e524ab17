#!/usr/bin/env bash
# A local GreenStream cluster: a private PostgreSQL, one coordinator and N workers as
# separate processes, all state under one directory (issue 9, "The local cluster's interface").
#
#   cluster/local.sh up [--workers N] [--dir DIR]   # default: 2 workers, out/cluster
#   cluster/local.sh down [--dir DIR]               # stops every process, keeps the data
#   cluster/local.sh status [--dir DIR]             # says what runs (exit 1 if something is down)
#
# `up` starts only what is missing (a test can kill -9 a process by its pid file and call
# `up` to bring it back), returns once the coordinator answers `gsctl stats`, and prints
# `export` lines to eval: GS_DATA_DIR, GS_PG_URL, GS_COORDINATOR, GS_TOKEN_FILE.
#
# Layout of DIR:
#   data/                     the zones: landing/ processed/ quarantine/ archive/
#   pg/                       the database (cluster/postgres.sh with GS_PG_DIR=DIR/pg)
#   logs/<name>.log           postgres (pg/server.log), coordinator, worker-1 … worker-N (appended)
#   run/<name>.pid            postgres, coordinator, worker-1 … worker-N
#   token                     the cluster token, random, made once (mode 600)
#   coordinator.address       tcp://127.0.0.1:PORT, picked once, so `up` after a kill reuses it
#   dashboard.address         HOST:PORT of the coordinator's dashboard, when one was asked for
#   metrics.addresses         with GS_METRICS=1: `NAME http://127.0.0.1:PORT/metrics` per process
#                             (coordinator, worker-1 …), each port picked once and reused by `up`
#
# Binaries: $GS_BIN_DIR/greenstream and $GS_BIN_DIR/gsctl when GS_BIN_DIR is set, otherwise
# `swift build -c release` builds them first. Other GS_* variables in the environment
# (GS_RETRIES, GS_HEARTBEAT_TIMEOUT, GS_LOG_LEVEL, GS_MAX_FILE_BYTES, GS_WORKER_CONCURRENCY,
# GS_PG_DURABLE at the database's first start, …) reach the daemons unchanged.
# GS_HTTP_LISTEN=HOST:PORT turns on the coordinator's live dashboard (--http-listen);
# GS_HTTP_LISTEN=auto picks a free port on 127.0.0.1. DIR remembers it (dashboard.address), so a
# later `up` without the variable (after a kill) serves it at the same place; GS_HTTP_LISTEN=off
# forgets it. `up` then also waits for the dashboard, prints its URL and GS_DASHBOARD_URL.
# GS_METRICS=1 gives the coordinator and every worker a free metrics port (--metrics-listen; the
# URLs go to DIR/metrics.addresses, and `up` prints them as comments). GS_METRICS_LISTEN itself is
# not passed on with GS_METRICS=1: one address cannot serve several processes.
# GS_UP_TIMEOUT (seconds, default 60) bounds the wait for the coordinator; GS_DOWN_TIMEOUT
# (seconds, default 30) how long `down` waits after SIGTERM before SIGKILL.
#
# Liveness is judged by /proc/PID/stat, not `kill -0`: PID 1 on these machines does not reap
# orphans, so a daemon killed with SIGKILL lingers as a zombie (state Z), which counts as gone
# (../shared/notes/cluster.md).
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
me="local.sh"
# shellcheck source=cluster/lib.sh
. "$repo/cluster/lib.sh"

usage() {
    echo "usage: $0 up [--workers N] [--dir DIR] | down [--dir DIR] | status [--dir DIR]" >&2
    exit 2
}

# MARK: arguments

command=${1:-}
[ -n "$command" ] || usage
shift
workers=2
dir="$repo/out/cluster"
while [ $# -gt 0 ]; do
    case "$1" in
        --workers)
            [ $# -ge 2 ] || usage
            [[ "$2" =~ ^[0-9]+$ ]] || die "--workers wants a number, got '$2'"
            workers=$((10#$2))
            shift 2
            ;;
        --dir)
            { [ $# -ge 2 ] && [ -n "$2" ]; } || usage
            dir=$2
            shift 2
            ;;
        -h | --help) usage ;;
        *) die "unknown argument '$1'" ;;
    esac
done
use_dir
dashboard_file="$dir/dashboard.address"
metrics_file="$dir/metrics.addresses"

# MARK: processes (liveness, pid files, stopping: cluster/lib.sh)

# Starts a detached daemon (lib.sh's launch_daemon) after a header line in its log.
start_daemon() {
    local name=$1
    shift
    echo "=== $me: starting $name at $(date -u +%Y-%m-%dT%H:%M:%SZ): $*" >>"$logs/$name.log"
    launch_daemon "$name" "$@"
}

# MARK: address

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

ensure_address() {
    [ -s "$address_file" ] && return 0
    echo "tcp://127.0.0.1:$(free_port)" >"$address_file.tmp"
    mv "$address_file.tmp" "$address_file"
}

# The dashboard's HOST:PORT (see the header); exports GS_HTTP_LISTEN for the coordinator, or
# unsets it when no dashboard is wanted.
ensure_dashboard_address() {
    case "${GS_HTTP_LISTEN:-}" in
        off)
            rm -f "$dashboard_file"
            ;;
        auto)
            [ -s "$dashboard_file" ] || echo "127.0.0.1:$(free_port)" >"$dashboard_file"
            ;;
        "") ;;
        *:*)
            echo "$GS_HTTP_LISTEN" >"$dashboard_file"
            ;;
        *) die "GS_HTTP_LISTEN wants HOST:PORT, auto or off, got '$GS_HTTP_LISTEN'" ;;
    esac
    if [ -s "$dashboard_file" ]; then
        export GS_HTTP_LISTEN
        GS_HTTP_LISTEN=$(cat "$dashboard_file")
    else
        unset GS_HTTP_LISTEN
    fi
}

# http://HOST:PORT/ of the recorded dashboard address (a wildcard host is shown as loopback).
dashboard_url() {
    local listen host port
    listen=$(cat "$dashboard_file")
    host=${listen%:*}
    port=${listen##*:}
    case "$host" in 0.0.0.0 | "[::]" | "::") host=127.0.0.1 ;; esac
    echo "http://$host:$port/"
}

# Waits until the dashboard accepts connections (it starts right after the coordinator's endpoint).
wait_for_dashboard() {
    local deadline=$((SECONDS + ${GS_UP_TIMEOUT:-60})) url hostport host port
    url=$(dashboard_url)
    hostport=${url#http://}
    hostport=${hostport%/}
    host=${hostport%:*}
    port=${hostport##*:}
    until (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null; do
        if ! alive coordinator greenstream; then
            echo "$me: the coordinator exited before its dashboard answered at $url; see $logs/coordinator.log:" >&2
            tail -n 20 "$logs/coordinator.log" >&2 || true
            exit 1
        fi
        if [ $SECONDS -ge "$deadline" ]; then
            echo "$me: the dashboard did not answer at $url within ${GS_UP_TIMEOUT:-60} s" >&2
            exit 1
        fi
        sleep 0.1
    done
}

# With GS_METRICS=1: the `--metrics-listen HOST:PORT` arguments for NAME, its port picked once and
# kept in metrics.addresses (so a process restarted by `up` serves where the scraper looks).
# Prints nothing without GS_METRICS=1.
metrics_args() {
    [ "${GS_METRICS:-}" = 1 ] || return 0
    local name=$1 url=""
    if [ -f "$metrics_file" ]; then url=$(awk -v n="$name" '$1 == n { u = $2 } END { print u }' "$metrics_file"); fi
    if [ -z "$url" ]; then
        url="http://127.0.0.1:$(free_port)/metrics"
        echo "$name $url" >>"$metrics_file"
    fi
    url=${url#http://}
    echo "--metrics-listen"
    echo "${url%/metrics}"
}

# MARK: postgres

ensure_postgres() {
    if alive postgres postgres; then
        pg_url=$(cat "$GS_PG_DIR/url")
    else
        drop_stale_pg_locks
        local exports
        exports=$(
            close_inherited_fds
            exec "$repo/cluster/postgres.sh" start
        ) || die "PostgreSQL did not start; see $GS_PG_DIR/server.log"
        record_postgres "$exports"
    fi
}

# MARK: commands

wait_for_coordinator() {
    local address
    address=$(cat "$address_file")
    wait_for_answer "the coordinator at $address did not answer 'gsctl stats'" \
        "$bin/gsctl" --coordinator "$address" --token-file "$token_file" stats || exit 1
}

up() {
    mkdir -p "$data" "$logs" "$run"
    resolve_binaries
    check_binaries
    ensure_token
    ensure_address
    ensure_dashboard_address
    started=()
    ensure_postgres
    local address
    address=$(cat "$address_file")
    local metrics=()
    [ "${GS_METRICS:-}" = 1 ] && unset GS_METRICS_LISTEN
    if ! alive coordinator greenstream; then
        mapfile -t metrics < <(metrics_args coordinator)
        start_daemon coordinator "$bin/greenstream" coordinator \
            --data-dir "$data" --pg "$pg_url" --listen "$address" --token-file "$token_file" \
            "${metrics[@]+"${metrics[@]}"}"
        started+=(coordinator)
    fi
    local i
    for ((i = 1; i <= workers; i++)); do
        if ! alive "worker-$i" greenstream; then
            mapfile -t metrics < <(metrics_args "worker-$i")
            start_daemon "worker-$i" "$bin/greenstream" worker \
                --coordinator "$address" --token-file "$token_file" --worker-id "worker-$i" \
                "${metrics[@]+"${metrics[@]}"}"
            started+=("worker-$i")
        fi
    done
    wait_for_coordinator
    [ -s "$dashboard_file" ] && wait_for_dashboard
    echo "$me: cluster in $dir up (started: ${started[*]:-nothing, all ran})" >&2
    [ -s "$dashboard_file" ] && echo "$me: dashboard at $(dashboard_url)" >&2
    print_exports "$address"
    if [ -s "$dashboard_file" ]; then printf 'export GS_DASHBOARD_URL=%q\n' "$(dashboard_url)"; fi
    if [ "${GS_METRICS:-}" = 1 ] && [ -s "$metrics_file" ]; then
        echo "# metrics (Prometheus text format; also in $metrics_file):"
        sed 's/^/#   /' "$metrics_file"
    fi
}

down() {
    [ -d "$run" ] || { echo "$me: nothing runs in $dir" >&2; return 0; }
    stop_known
    echo "$me: cluster in $dir stopped (data kept; '$0 up --dir $dir' starts it again)" >&2
}

status() {
    local names=() name all=0
    [ -d "$run" ] && mapfile -t names < <(known_names)
    if [ ${#names[@]} -eq 0 ]; then
        echo "no cluster in $dir"
        return 1
    fi
    for name in "${names[@]}"; do
        if alive "$name" "$(word_of "$name")"; then
            printf '%-12s running  pid %s\n' "$name" "$(pid_of "$name")"
        else
            printf '%-12s stopped  (last pid %s)\n' "$name" "$(pid_of "$name")"
            all=1
        fi
    done
    [ -s "$address_file" ] && echo "coordinator at $(cat "$address_file"), data in $data, logs in $logs"
    [ -s "$dashboard_file" ] && echo "dashboard at $(dashboard_url)"
    [ -s "$metrics_file" ] && echo "metrics: $(tr '\n' ' ' <"$metrics_file")"
    return $all
}

case "$command" in
    up) up ;;
    down) down ;;
    status) status ;;
    *) usage ;;
esac

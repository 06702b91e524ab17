#!/usr/bin/env bash
# A GreenStream cluster spread over separate "hosts" on one Linux machine (issue 10, item 4):
# PostgreSQL, the coordinator, N workers and a load generator each run in a network namespace of
# their own, with their own address on one private subnet, joined by veth pairs to a bridge that
# lives in a namespace of its own too. Nothing is added to the root namespace (no link, address or
# route), the namespaces have no default route, so traffic stays on these private links.
#
#   cluster/multihost.sh up [--workers N] [--tls] [--dir DIR]   # default: 2 workers, out/multihost
#   cluster/multihost.sh down [--dir DIR]             # stops every process, deletes every namespace; keeps data
#   cluster/multihost.sh status [--dir DIR]           # processes, addresses, links (exit 1 if something is down)
#   cluster/multihost.sh cut HOST [--dir DIR]         # pulls HOST's cable: its link goes down, processes run on
#   cluster/multihost.sh restore HOST [--dir DIR]     # plugs it back in
#   cluster/multihost.sh exec [--dir DIR] HOST CMD…   # runs CMD on HOST (its namespace), e.g. loadgen gsctl stats
#
# HOST is one of postgres, coordinator, loadgen, worker-1 … worker-N. Addresses (SUBNET defaults to
# 10.77.0, GS_MULTIHOST_SUBNET=A.B.C picks another /24 at the first `up`):
#   SUBNET.2 postgres (port 5432)   SUBNET.3 coordinator (port 7400)   SUBNET.4 loadgen   SUBNET.(10+i) worker-i
# Namespaces are named gs<hash of DIR>-HOST (the bridge: gs<hash>-switch), so clusters in different
# directories never meet.
#
# The directory has local.sh's layout, so whatever drives a local cluster drives this one:
#   data/  pg/  logs/<name>.log  run/<name>.pid  token  coordinator.address
# plus multihost.conf (prefix, subnet, workers, tls: fixed at the first `up`, so a later bare
# `up --dir DIR` — gs-loadtest's --restart-command — restarts exactly what ran) and, with --tls,
# certs/ (cluster/make-certs.sh: a CA, the coordinator's certificate for its address, a client
# certificate per worker and one for loadgen; mutual TLS on tls+tcp://).
#
# `up` creates what is missing (namespaces, links, processes), waits until the coordinator answers
# `gsctl stats` from the loadgen host, and prints `export` lines to eval: GS_DATA_DIR, GS_PG_URL,
# GS_COORDINATOR, GS_TOKEN_FILE (and GS_TLS_CA, GS_TLS_CERT, GS_TLS_KEY with --tls). The addresses
# in them are reachable only from inside the namespaces: run clients with `exec loadgen …`.
# If `up` fails it stops what it started and deletes the namespaces it created (trap), so a failed
# first `up` leaves nothing behind and a failed restart leaves the rest of the cluster as it was.
#
# Files: every namespace shares the machine's filesystem, so workers read large files
# (> 48 MiB, not sent inline) from data/ by the coordinator's path. On real machines that needs a
# shared filesystem mounted at the same path (docs/MULTIHOST.md).
#
# Binaries: $GS_BIN_DIR/greenstream and gsctl, else a release build. Other GS_* variables
# (GS_HEARTBEAT_TIMEOUT, GS_RETRIES, GS_LOG_LEVEL, GS_WORKER_CONCURRENCY, …) reach the daemons.
# Liveness is judged by /proc/PID/stat (a zombie counts as gone, ../shared/notes/cluster.md).
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
me="multihost.sh"
# shellcheck source=cluster/lib.sh
. "$repo/cluster/lib.sh"

usage() {
    cat >&2 <<EOF
usage: $0 up [--workers N] [--tls] [--dir DIR]
       $0 down|status [--dir DIR]
       $0 cut|restore HOST [--dir DIR]
       $0 exec [--dir DIR] HOST CMD…
EOF
    exit 2
}

[ "$(id -u)" = 0 ] || die "needs root (network namespaces)"

# MARK: arguments

command=${1:-}
[ -n "$command" ] || usage
shift
workers=""
tls=""
dir="$repo/out/multihost"
host=""
cmd=()
while [ $# -gt 0 ]; do
    case "$1" in
        --workers)
            [ $# -ge 2 ] || usage
            [[ "$2" =~ ^[0-9]+$ ]] && [ "$((10#$2))" -le 200 ] || die "--workers wants a number 0–200, got '$2'"
            workers=$((10#$2))
            shift 2
            ;;
        --dir)
            { [ $# -ge 2 ] && [ -n "$2" ]; } || usage
            dir=$2
            shift 2
            ;;
        --tls)
            tls=1
            shift
            ;;
        -h | --help) usage ;;
        -*) die "unknown option '$1'" ;;
        *)
            [ -z "$host" ] || usage
            host=$1
            shift
            if [ "$command" = exec ]; then
                cmd=("$@")
                break
            fi
            ;;
    esac
done
use_dir
certs="$dir/certs"
conf="$dir/multihost.conf"

# MARK: configuration, fixed at the first `up`

subnet=""
prefix=""
saved_workers=""
saved_tls=""
if [ -f "$conf" ]; then
    # shellcheck disable=SC1090
    while IFS='=' read -r key value; do
        case "$key" in
            prefix) prefix=$value ;;
            subnet) subnet=$value ;;
            workers) saved_workers=$value ;;
            tls) saved_tls=$value ;;
        esac
    done <"$conf"
fi
[ -n "$prefix" ] || prefix="gs$(printf '%s' "$dir" | sha1sum | cut -c1-6)"
[ -n "$subnet" ] || subnet=${GS_MULTIHOST_SUBNET:-10.77.0}
[[ "$subnet" =~ ^[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}$ ]] || die "GS_MULTIHOST_SUBNET wants A.B.C, got '$subnet'"
workers=${workers:-${saved_workers:-2}}
tls=${tls:-${saved_tls:-0}}

save_conf() {
    printf 'prefix=%s\nsubnet=%s\nworkers=%s\ntls=%s\n' "$prefix" "$subnet" "$workers" "$tls" >"$conf.tmp"
    mv "$conf.tmp" "$conf"
}

switch_ns="$prefix-switch"
pg_port=5432
coordinator_port=7400

ns_of() { echo "$prefix-$1"; }

address_of() {
    case "$1" in
        postgres) echo "$subnet.2" ;;
        coordinator) echo "$subnet.3" ;;
        loadgen) echo "$subnet.4" ;;
        worker-*)
            local i=${1#worker-}
            [[ "$i" =~ ^[0-9]+$ ]] && [ "$i" -ge 1 ] && [ "$i" -le 200 ] || die "no host '$1'"
            echo "$subnet.$((10 + i))"
            ;;
        *) die "no host '$1' (postgres, coordinator, loadgen, worker-N)" ;;
    esac
}

# Every host of this cluster: postgres, coordinator, loadgen, worker-1 … worker-N.
all_hosts() {
    echo postgres
    echo coordinator
    echo loadgen
    local i
    for ((i = 1; i <= workers; i++)); do echo "worker-$i"; done
}

# MARK: network

ns_exists() { [ -e "/run/netns/$1" ]; }

# Namespaces this invocation created: deleted again when `up` fails.
created_ns=()

ensure_ns() {
    local ns=$1
    ns_exists "$ns" && return 0
    ip netns add "$ns"
    created_ns+=("$ns")
    ip -n "$ns" link set lo up
}

ensure_switch() {
    ensure_ns "$switch_ns"
    if ! ip -n "$switch_ns" link show br0 >/dev/null 2>&1; then
        # No STP, no forwarding delay: a port forwards the moment it is up (restore is instant).
        ip -n "$switch_ns" link add br0 type bridge stp_state 0 forward_delay 0
    fi
    ip -n "$switch_ns" link set br0 up
}

# HOST's namespace with eth0 = ADDRESS/24, its veth peer v-HOST plugged into the switch. The pair
# is created inside the host's namespace with the peer moved straight into the switch's, so no
# interface ever appears in the root namespace. Only the /24's connected route exists: no gateway.
ensure_host_network() {
    local name=$1 ns address
    ns=$(ns_of "$name")
    address=$(address_of "$name")
    ensure_ns "$ns"
    if ! ip -n "$ns" link show eth0 >/dev/null 2>&1; then
        ip -n "$ns" link add eth0 type veth peer name "v-$name" netns "$switch_ns"
        ip -n "$ns" addr add "$address/24" dev eth0
        ip -n "$switch_ns" link set "v-$name" master br0
        ip -n "$switch_ns" link set "v-$name" up
    fi
    ip -n "$ns" link set eth0 up
}

# on HOST CMD…: runs CMD in HOST's namespace (exec in place: the pid stays CMD's).
on() {
    local ns
    ns=$(ns_of "$1")
    ns_exists "$ns" || die "host $1 has no namespace $ns (is the cluster up?)"
    shift
    exec ip netns exec "$ns" "$@"
}

# MARK: processes (liveness, pid files, stopping, binaries, token: cluster/lib.sh)

# The caller's connection settings (from an eval'ed `up`) must not override the daemons' own.
daemon_env=(env -u GS_TLS_CERT -u GS_TLS_KEY -u GS_TLS_CA -u GS_COORDINATOR -u GS_TOKEN_FILE -u GS_LISTEN
    -u GS_PG_URL -u GS_DATA_DIR -u GS_WORKER_ID)

# Starts NAME as a detached daemon on HOST: own session, SIGHUP ignored, output to its log. setsid,
# nohup, env and `ip netns exec` all exec in place, so $! is the daemon's own pid.
started=()
start_daemon() {
    local name=$1 on_host=$2
    shift 2
    local log="$logs/$name.log"
    echo "=== $me: starting $name on $on_host ($(address_of "$on_host")) at $(date -u +%Y-%m-%dT%H:%M:%SZ): $*" >>"$log"
    launch_daemon "$name" ip netns exec "$(ns_of "$on_host")" "${daemon_env[@]}" "$@"
    started+=("$name")
}

ensure_certs() {
    [ "$tls" = 1 ] || return 0
    local clients=(--client loadgen) i
    for ((i = 1; i <= workers; i++)); do clients+=(--client "worker-$i"); done
    "$repo/cluster/make-certs.sh" "$certs" --coordinator "$(address_of coordinator)" "${clients[@]}" >/dev/null
}

coordinator_url() {
    if [ "$tls" = 1 ]; then
        echo "tls+tcp://$(address_of coordinator):$coordinator_port"
    else
        echo "tcp://$(address_of coordinator):$coordinator_port"
    fi
}

# gsctl's TLS options for a client on HOST.
client_tls() {
    [ "$tls" = 1 ] || return 0
    echo --tls-ca "$certs/ca.crt" --tls-cert "$certs/client-$1.crt" --tls-key "$certs/client-$1.key"
}

ensure_postgres() {
    if alive postgres postgres; then
        pg_url=$(cat "$GS_PG_DIR/url")
        return 0
    fi
    drop_stale_pg_locks
    local exports
    exports=$(
        close_inherited_fds
        export GS_PG_LISTEN GS_PG_ALLOW GS_PG_PORT
        GS_PG_LISTEN=$(address_of postgres) GS_PG_ALLOW="$subnet.0/24" GS_PG_PORT=$pg_port \
            exec ip netns exec "$(ns_of postgres)" "$repo/cluster/postgres.sh" start
    ) || die "PostgreSQL did not start; see $GS_PG_DIR/server.log"
    record_postgres "$exports"
}

wait_for_coordinator() {
    local address tls_args=()
    address=$(cat "$address_file")
    read -r -a tls_args < <(client_tls loadgen; echo)
    wait_for_answer "the coordinator at $address did not answer 'gsctl stats' from loadgen" \
        ip netns exec "$(ns_of loadgen)" "$bin/gsctl" stats --coordinator "$address" --token-file "$token_file" \
        "${tls_args[@]+"${tls_args[@]}"}"
}

# Deletes namespaces; each one's veth ends go with it (and their peers in the switch).
delete_ns() {
    local ns
    for ns in "$@"; do
        ns_exists "$ns" && { ip netns delete "$ns" || echo "$me: could not delete namespace $ns" >&2; }
    done
    return 0
}

# The trap of a failing `up`: undo only what this invocation did.
undo_up() {
    local status=$?
    trap - EXIT
    [ $status -eq 0 ] && return 0
    echo "$me: up failed (status $status); stopping what it started: ${started[*]:-nothing}" >&2
    local name workers_=()
    for name in "${started[@]+"${started[@]}"}"; do
        case "$name" in worker-*) workers_+=("$name") ;; esac
    done
    stop_names "${workers_[@]+"${workers_[@]}"}"
    [[ " ${started[*]:-} " == *" coordinator "* ]] && stop_names coordinator
    [[ " ${started[*]:-} " == *" postgres "* ]] && stop_postgres
    delete_ns "${created_ns[@]+"${created_ns[@]}"}"
    exit $status
}

# MARK: commands

up() {
    trap undo_up EXIT
    mkdir -p "$data" "$logs" "$run"
    save_conf
    resolve_binaries
    bin=$(cd "$bin" && pwd)
    check_binaries
    ensure_token
    ensure_certs
    ensure_switch
    local name
    while read -r name; do ensure_host_network "$name"; done < <(all_hosts)
    coordinator_url >"$address_file.tmp"
    mv "$address_file.tmp" "$address_file"
    ensure_postgres
    local address tls_server=()
    address=$(cat "$address_file")
    if [ "$tls" = 1 ]; then
        tls_server=(--tls-cert "$certs/coordinator.crt" --tls-key "$certs/coordinator.key" --tls-ca "$certs/ca.crt")
    fi
    if ! alive coordinator greenstream; then
        start_daemon coordinator coordinator "$bin/greenstream" coordinator \
            --data-dir "$data" --pg "$pg_url" --listen "$address" --token-file "$token_file" \
            "${tls_server[@]+"${tls_server[@]}"}"
    fi
    local i
    for ((i = 1; i <= workers; i++)); do
        if ! alive "worker-$i" greenstream; then
            local tls_client=()
            if [ "$tls" = 1 ]; then
                tls_client=(--tls-ca "$certs/ca.crt" --tls-cert "$certs/client-worker-$i.crt"
                    --tls-key "$certs/client-worker-$i.key")
            fi
            start_daemon "worker-$i" "worker-$i" "$bin/greenstream" worker \
                --coordinator "$address" --token-file "$token_file" --worker-id "worker-$i" \
                "${tls_client[@]+"${tls_client[@]}"}"
        fi
    done
    wait_for_coordinator
    trap - EXIT
    echo "$me: cluster in $dir up on $subnet.0/24 (started: ${started[*]:-nothing, all ran});" \
        "run clients with: $0 exec --dir $dir loadgen CMD…" >&2
    print_exports "$address"
    if [ "$tls" = 1 ]; then
        printf 'export GS_TLS_CA=%q\n' "$certs/ca.crt"
        printf 'export GS_TLS_CERT=%q\n' "$certs/client-loadgen.crt"
        printf 'export GS_TLS_KEY=%q\n' "$certs/client-loadgen.key"
    fi
}

# Every namespace of this cluster, also ones a crashed run left behind.
our_namespaces() {
    ip netns list 2>/dev/null | awk '{print $1}' | grep -E "^$prefix-" || true
}

down() {
    if [ -d "$run" ]; then stop_known; fi
    local spaces=()
    mapfile -t spaces < <(our_namespaces)
    delete_ns "${spaces[@]+"${spaces[@]}"}"
    echo "$me: cluster in $dir stopped, ${#spaces[@]} namespaces deleted (data kept; '$0 up --dir $dir' starts it again)" >&2
}

link_state() {
    local state
    state=$(ip -n "$switch_ns" -o link show "v-$1" 2>/dev/null) || { echo "no link"; return 0; }
    case "$state" in
        *"state UP"* | *",UP"* | *"<UP"*) echo "linked" ;;
        *) echo "CUT" ;;
    esac
}

status() {
    local all=0 name
    if ! ns_exists "$switch_ns"; then
        echo "no multi-host cluster in $dir (no namespace $switch_ns)"
        return 1
    fi
    while read -r name; do
        local process="-"
        case "$name" in
            loadgen) process="(clients)" ;;
            *)
                if alive "$name" "$(word_of "$name")"; then
                    process="running pid $(pid_of "$name")"
                else
                    process="stopped (last pid $(pid_of "$name"))"
                    all=1
                fi
                ;;
        esac
        printf '%-12s %-13s %-7s %s\n' "$name" "$(address_of "$name")" "$(link_state "$name")" "$process"
    done < <(all_hosts)
    [ -s "$address_file" ] && echo "coordinator at $(cat "$address_file"), data in $data, logs in $logs"
    return $all
}

set_link() {
    [ -n "$host" ] || usage
    address_of "$host" >/dev/null
    ns_exists "$switch_ns" || die "no multi-host cluster in $dir"
    ip -n "$switch_ns" link set "v-$host" "$1"
    echo "$me: $host ($(address_of "$host")) $([ "$1" = down ] && echo cut off || echo linked again)" >&2
}

case "$command" in
    up) up ;;
    down) down ;;
    status) status ;;
    cut) set_link down ;;
    restore) set_link up ;;
    exec)
        [ -n "$host" ] && [ ${#cmd[@]} -gt 0 ] || usage
        address_of "$host" >/dev/null
        on "$host" "${cmd[@]}"
        ;;
    *) usage ;;
esac

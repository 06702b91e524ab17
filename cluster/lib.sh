# shellcheck shell=bash
# shellcheck disable=SC2154,SC2034  # me, repo, dir, started: set by the sourcing script (below)
# Shell functions shared by cluster/local.sh and cluster/multihost.sh: process liveness, daemons,
# binaries, the token, stopping processes, the stale PostgreSQL locks, waiting for the coordinator.
# Sourced, never run. Both scripts keep one DIR layout (see local.sh's header):
#   data/  pg/  logs/<name>.log  run/<name>.pid  token  coordinator.address
#
# The caller sets, before calling any function here:
#   me            the script's name for messages ("local.sh")
#   repo          the repository root (for a release build and cluster/postgres.sh)
#   dir           DIR, then calls use_dir, which makes it absolute and sets data, logs, run,
#                 token_file, address_file and GS_PG_DIR (exported) from it
#   started=()    an array; record_postgres appends "postgres" to it
# and resolve_binaries sets `bin`, the folder holding greenstream and gsctl.
#
# Liveness is judged by /proc/PID/stat, not `kill -0`: PID 1 on these machines does not reap
# orphans, so a daemon killed with SIGKILL lingers as a zombie (state Z), which counts as gone
# (../shared/notes/cluster.md).

die() {
    echo "$me: $*" >&2
    exit 1
}

# MARK: the directory

# Creates DIR ($dir, made absolute) and sets the paths of its layout. The cluster's token is
# DIR/token: a GS_TOKEN from the caller's environment must not compete with it.
use_dir() {
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    data="$dir/data"
    logs="$dir/logs"
    run="$dir/run"
    token_file="$dir/token"
    address_file="$dir/coordinator.address"
    export GS_PG_DIR="$dir/pg"
    unset GS_TOKEN
}

# MARK: processes

# The state letter of PID from /proc/PID/stat ("" when there is no such process). The command
# name in field 2 may hold spaces and parentheses, so read what follows its last ')'.
proc_state() {
    local stat
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
    stat=${stat##*) }
    echo "${stat%% *}"
}

# True when the process named in run/NAME.pid exists, is not a zombie and is still the program
# we started (its command line holds WORD), so a recycled pid never passes for our daemon.
alive() {
    local name=$1 word=$2 pid state
    pid=$(cat "$run/$name.pid" 2>/dev/null) || return 1
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    state=$(proc_state "$pid")
    case "$state" in "" | Z | X | x) return 1 ;; esac
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$word"
}

pid_of() { cat "$run/$1.pid" 2>/dev/null || true; }

# The word NAME's command line holds (see alive).
word_of() {
    case "$1" in
        postgres) echo postgres ;;
        *) echo greenstream ;;
    esac
}

# Every name with a pid file, workers in numeric order, then coordinator, then postgres: the
# order `down` stops them in (workers hand their jobs back to a coordinator that still runs).
known_names() {
    local f
    for f in "$run"/worker-*.pid; do
        [ -e "$f" ] || continue
        basename "$f" .pid
    done | sort -t- -k2,2n
    [ -e "$run/coordinator.pid" ] && echo coordinator
    [ -e "$run/postgres.pid" ] && echo postgres
    return 0
}

# Closes every descriptor above 2 this shell inherited. A caller's open descriptors would
# otherwise live on in the daemons: Foundation's Process (Swift tests, bench-cluster) learns that
# its child exited when a socket the child inherits reaches EOF, so a daemon holding a copy would
# keep `local.sh up` "running" for the caller forever. Call it in the subshell that execs a daemon.
close_inherited_fds() {
    local fd
    for fd in "/proc/$BASHPID/fd/"*; do
        fd=${fd##*/}
        case "$fd" in 0 | 1 | 2 | 255 | *[!0-9]*) continue ;; esac
        eval "exec $fd>&-" 2>/dev/null || true
    done
}

# launch_daemon NAME CMD…: runs CMD detached: its own session (setsid, so a terminal's or a test's
# signals do not reach it), immune to SIGHUP (nohup), stdin from /dev/null, output appended to
# logs/NAME.log; its pid goes to run/NAME.pid. Without job control a background child is no
# process-group leader, so setsid and nohup exec in place, and the subshell execs them: $! is the
# daemon's own pid (as long as CMD execs in place too, e.g. env or `ip netns exec`). The caller
# writes the log's header line first.
launch_daemon() {
    local name=$1
    shift
    (
        close_inherited_fds
        exec setsid nohup "$@" >>"$logs/$name.log" 2>&1 </dev/null
    ) &
    echo $! >"$run/$name.pid"
}

# SIGTERM to every live process of NAMES, wait for all of them up to the deadline
# (GS_DOWN_TIMEOUT seconds, default 30), then SIGKILL whatever still runs. A zombie left behind
# counts as stopped.
stop_names() {
    local name pid pending=() deadline=$((SECONDS + ${GS_DOWN_TIMEOUT:-30}))
    for name in "$@"; do
        if alive "$name" "$(word_of "$name")"; then
            pid=$(pid_of "$name")
            kill -TERM "$pid" 2>/dev/null || true
            pending+=("$name")
        fi
    done
    while [ ${#pending[@]} -gt 0 ]; do
        local still=()
        for name in "${pending[@]}"; do
            alive "$name" "$(word_of "$name")" && still+=("$name")
        done
        pending=("${still[@]+"${still[@]}"}")
        [ ${#pending[@]} -gt 0 ] || break
        if [ $SECONDS -ge "$deadline" ]; then
            for name in "${pending[@]}"; do
                echo "$me: $name (pid $(pid_of "$name")) ignored SIGTERM for ${GS_DOWN_TIMEOUT:-30} s: SIGKILL" >&2
                kill -KILL "$(pid_of "$name")" 2>/dev/null || true
            done
            break
        fi
        sleep 0.1
    done
}

# Stops the database with pg_ctl's fast shutdown (keeps the data consistent); signals if that fails.
stop_postgres() {
    alive postgres postgres || return 0
    "$repo/cluster/postgres.sh" halt || stop_names postgres
}

# Stops every process with a pid file: the workers, then the coordinator, then PostgreSQL.
stop_known() {
    local names=() workers_=() name
    mapfile -t names < <(known_names)
    for name in "${names[@]+"${names[@]}"}"; do
        case "$name" in worker-*) workers_+=("$name") ;; esac
    done
    stop_names "${workers_[@]+"${workers_[@]}"}"
    stop_names coordinator
    stop_postgres
}

# MARK: binaries, token

# Sets `bin`: $GS_BIN_DIR, or the release build's folder after building greenstream and gsctl.
resolve_binaries() {
    if [ -n "${GS_BIN_DIR:-}" ]; then
        bin=$GS_BIN_DIR
    else
        echo "$me: building greenstream and gsctl (release)" >&2
        (cd "$repo" && swift build -c release --product greenstream >&2 && swift build -c release --product gsctl >&2)
        bin=$(cd "$repo" && swift build -c release --show-bin-path)
    fi
}

# Dies unless `bin` holds both binaries.
check_binaries() {
    [ -x "$bin/greenstream" ] || die "no greenstream binary in $bin (GS_BIN_DIR)"
    [ -x "$bin/gsctl" ] || die "no gsctl binary in $bin (GS_BIN_DIR)"
}

# The cluster token: random, made once, mode 600.
ensure_token() {
    [ -s "$token_file" ] && return 0
    local token
    token=$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')
    (umask 077 && echo "$token" >"$token_file.tmp")
    mv "$token_file.tmp" "$token_file"
}

# MARK: postgres

# A postmaster killed with SIGKILL leaves postmaster.pid and the socket's lock file naming a
# zombie, which PostgreSQL (kill -0) takes for a live server: drop those stale locks before a start.
drop_stale_pg_locks() {
    local pid lock
    pid=$(pid_of postgres)
    for lock in "$GS_PG_DIR/data/postmaster.pid" "$GS_PG_DIR"/.s.PGSQL.*.lock; do
        if [ -n "$pid" ] && [ -f "$lock" ] && [ "$(head -n1 "$lock")" = "$pid" ]; then rm -f "$lock"; fi
    done
}

# After `postgres.sh start` printed EXPORTS: sets pg_url, records the postmaster's pid and log.
record_postgres() {
    pg_url=${1#export GS_PG_URL=}
    head -n1 "$GS_PG_DIR/data/postmaster.pid" >"$run/postgres.pid"
    ln -sf "$GS_PG_DIR/server.log" "$logs/postgres.log"
    started+=(postgres)
}

# MARK: waiting

# wait_for_answer WHAT CMD…: returns once CMD (a gsctl call) succeeds; returns 1 with the
# coordinator log's tail when the coordinator exits first or GS_UP_TIMEOUT (default 60) seconds
# pass. WHAT ends the timeout message ("the coordinator at … did not answer 'gsctl stats'").
wait_for_answer() {
    local what=$1 deadline=$((SECONDS + ${GS_UP_TIMEOUT:-60})) out=""
    shift
    while true; do
        if out=$(timeout 10 "$@" 2>&1 >/dev/null); then
            return 0
        fi
        if ! alive coordinator greenstream; then
            echo "$me: the coordinator (pid $(pid_of coordinator)) exited; last lines of $logs/coordinator.log:" >&2
            tail -n 20 "$logs/coordinator.log" >&2 || true
            return 1
        fi
        if [ $SECONDS -ge "$deadline" ]; then
            echo "$me: $what within ${GS_UP_TIMEOUT:-60} s (last: ${out:-no output}); see $logs/coordinator.log:" >&2
            tail -n 20 "$logs/coordinator.log" >&2 || true
            return 1
        fi
        sleep 0.1
    done
}

# The `export` lines `up` prints for the four settings every client needs.
print_exports() {
    printf 'export GS_DATA_DIR=%q\n' "$data"
    printf 'export GS_PG_URL=%q\n' "$pg_url"
    printf 'export GS_COORDINATOR=%q\n' "$1"
    printf 'export GS_TOKEN_FILE=%q\n' "$token_file"
}

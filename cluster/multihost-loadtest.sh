#!/usr/bin/env bash
# The multi-host load test (issue 10, item 4): a namespaced cluster (cluster/multihost.sh), a load
# run from the loadgen host, and — during the run — a worker's link cut while it is mid-job, for
# longer than the heartbeat timeout, then restored. Passes when
#   (1) the load run's verification passes (gs-loadtest's `verdict: PASS`, or the fallback's checks), and
#   (2) the cut worker's late result was refused: the coordinator logged
#       `result refused: stale attempt` for exactly the (job, attempt) the cut worker was running,
#       and the job's history (job_attempts) shows that attempt failed `worker_lost` and a later one
#       succeeded.
# Exit 0 only when both hold. The cluster is always torn down (namespaces deleted), data kept in DIR.
#
#   cluster/multihost-loadtest.sh [--dir DIR] [--workers N] [--tls] [--heartbeat-timeout S] [--cut-seconds S]
#                                 [--fallback] [--keep] [-- GS-LOADTEST-OPTIONS…]
#
# DIR (default out/multihost-loadtest) is wiped first. --heartbeat-timeout (default 3) becomes the
# coordinator's GS_HEARTBEAT_TIMEOUT; the link stays cut for --cut-seconds (default 2 × that + 1: the
# rescuer fails a silent attempt within 1.5 × the timeout).
# gs-loadtest is $GS_BIN_DIR/gs-loadtest (or the release build); it runs with --chaos on the loadgen
# host against the cluster directory, restarting processes through `multihost.sh up --dir DIR`.
# Options after `--` replace the default fleet options (--meters 4000 --hours 24 --files 16 --rate 0.3).
# --fallback (automatic when no gs-loadtest binary exists) lands clean generated CSV files instead and
# verifies the readings count, every job terminal and succeeded, nothing stuck. --keep leaves the
# cluster running for inspection (`multihost.sh down --dir DIR` later).
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
me="multihost-loadtest.sh"
mh="$repo/cluster/multihost.sh"

log() { echo "$me: $(date -u +%H:%M:%S) $*" >&2; }
die() {
    log "$*"
    exit 1
}

dir="$repo/out/multihost-loadtest"
workers=4
tls=()
heartbeat=3
cut_seconds=""
fallback=0
keep=0
loadtest_options=(--meters 4000 --hours 24 --files 16 --rate 0.3)
while [ $# -gt 0 ]; do
    case "$1" in
        --dir) dir=$2; shift 2 ;;
        --workers) workers=$2; shift 2 ;;
        --tls) tls=(--tls); shift ;;
        --heartbeat-timeout) heartbeat=$2; shift 2 ;;
        --cut-seconds) cut_seconds=$2; shift 2 ;;
        --fallback) fallback=1; shift ;;
        --keep) keep=1; shift ;;
        --) shift; loadtest_options=("$@"); break ;;
        *) die "unknown argument '$1' (see the header of $0)" ;;
    esac
done
[[ "$heartbeat" =~ ^[0-9]+$ ]] || die "--heartbeat-timeout wants whole seconds"
cut_seconds=${cut_seconds:-$((2 * heartbeat + 1))}
[ "$workers" -ge 2 ] || die "--workers must be at least 2 (another worker must take over the cut one's job)"

if [ -z "${GS_BIN_DIR:-}" ]; then
    log "building greenstream, gsctl and gs-loadtest (release)"
    for product in greenstream gsctl gs-loadtest; do
        (cd "$repo" && swift build -c release --product "$product" >&2) || [ "$product" = gs-loadtest ]
    done
    GS_BIN_DIR=$(cd "$repo" && swift build -c release --show-bin-path)
fi
export GS_BIN_DIR
if [ "$fallback" = 0 ] && [ ! -x "$GS_BIN_DIR/gs-loadtest" ]; then
    log "no gs-loadtest in $GS_BIN_DIR: using the fallback load (clean generated files)"
    fallback=1
fi

# A fresh directory: the checks read its logs from the start.
if [ -d "$dir" ]; then "$mh" down --dir "$dir" >/dev/null 2>&1 || true; fi
rm -rf "$dir"
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
work="$dir/loadtest"
mkdir -p "$work"

background=()
teardown() {
    local status=$?
    trap - EXIT INT TERM
    local pid
    for pid in "${background[@]+"${background[@]}"}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in "${background[@]+"${background[@]}"}"; do
        wait "$pid" 2>/dev/null || true
    done
    if [ "$keep" = 1 ]; then
        log "cluster left running (--keep): $mh down --dir $dir"
    else
        "$mh" down --dir "$dir" >&2 || true
    fi
    exit $status
}
trap teardown EXIT
trap 'exit 130' INT TERM

export GS_HEARTBEAT_TIMEOUT=$heartbeat
log "cluster: $workers workers, heartbeat timeout ${heartbeat} s, cut ${cut_seconds} s, ${tls[*]:-plain tcp}, dir $dir"
eval "$("$mh" up --dir "$dir" --workers "$workers" "${tls[@]+"${tls[@]}"}")"
on_loadgen() { "$mh" exec --dir "$dir" loadgen "$@"; }
sql() { on_loadgen psql -X -q -t -A -v ON_ERROR_STOP=1 "$GS_PG_URL" -c "$1"; }

# MARK: the load

loadtest_pid=""
start_gs_loadtest() {
    local restart="'$mh' up --dir '$dir' >>'$dir/logs/restart.log' 2>&1"
    log "gs-loadtest --chaos ${loadtest_options[*]} (on loadgen)"
    # exec all the way down (subshell → multihost.sh exec → ip netns exec → gs-loadtest), so $! is
    # gs-loadtest itself and the teardown's SIGTERM reaches it (its chaos must not outlive the run).
    (exec "$mh" exec --dir "$dir" loadgen "$GS_BIN_DIR/gs-loadtest" --chaos --cluster-dir "$dir" \
        --restart-command "$restart" --keep-fleet "$work/fleet" "${loadtest_options[@]}" \
        >"$work/gs-loadtest.out" 2>"$work/gs-loadtest.err") &
    loadtest_pid=$!
    background+=("$loadtest_pid")
}

# Fallback load: FILES clean files of METERS meters × 96 quarter hours each, disjoint meters, landed
# one every 1/RATE s by rename from a dot-name (ignored while written), until the cut check is done
# and at least FILES files are in.
fallback_files=${GS_FALLBACK_FILES:-24}
fallback_meters=${GS_FALLBACK_METERS:-1000}
fallback_slots=96
start_fallback() {
    log "fallback load: at least $fallback_files files of $((fallback_meters * fallback_slots)) readings"
    (
        i=0
        while [ $i -lt 400 ]; do
            if [ $i -ge "$fallback_files" ] && [ -e "$work/cut.done" ]; then break; fi
            i=$((i + 1))
            python3 - "$GS_DATA_DIR/landing/.file-$i.csv.tmp" "$i" "$fallback_meters" "$fallback_slots" <<'EOF'
import sys
path, index, meters, slots = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
stamps = []
for slot in range(slots):
    m = slot * 15
    stamps.append("2024-06-01T%02d:%02d:00Z" % (m // 60, m % 60))
out = ["meter_id,timestamp,reading_value,unit\n"]
base = index * 100000
for meter in range(base, base + meters):
    for slot, stamp in enumerate(stamps):
        out.append("%d,%s,%.3f,kW\n" % (meter, stamp, 0.1 + ((meter * 7 + slot) % 50) / 10))
with open(path, "w") as f:
    f.write("".join(out))
EOF
            mv "$GS_DATA_DIR/landing/.file-$i.csv.tmp" "$GS_DATA_DIR/landing/file-$i.csv"
            echo "$i" >"$work/landed.count"
            sleep 1
        done
    ) &
    loadtest_pid=$!
    background+=("$loadtest_pid")
}

# MARK: the cut

logs_dir="$dir/logs"

# True while PID runs (a child that exited stays a zombie until waited for: not running).
running() {
    local stat
    read -r stat 2>/dev/null <"/proc/$1/stat" || return 1
    stat=${stat##*) }
    case "${stat%% *}" in Z | X | x) return 1 ;; esac
    return 0
}

# The workers' logs, followed by this shell itself: one descriptor per log, read with the `read`
# builtin (at the end of a file it fails and keeps the partial line; what is appended later is read
# on the next call), polled every 10 ms. No process is started on the way from a `job leased` line
# to the worker's pause, so a loaded machine delays the reaction by milliseconds, not seconds.
declare -A log_fd log_partial
for f in "$logs_dir"/worker-*.log; do
    name=$(basename "$f" .log)
    exec {fd}<"$f"
    log_fd[$name]=$fd
    log_partial[$name]=""
done
nap_fifo="$work/nap.fifo"
mkfifo "$nap_fifo"
exec 9<>"$nap_fifo"
# nap: sleeps 10 ms without starting a process (a read that times out on a FIFO nobody writes).
nap() { read -r -t 0.01 -u 9 _ || true; }

# poll_line: the next whole new line of any worker log into `line` (status 0), else status 1.
poll_line() {
    local name part
    for name in "${!log_fd[@]}"; do
        part=""
        if IFS= read -r -u "${log_fd[$name]}" part; then
            line="${log_partial[$name]}$part"
            log_partial[$name]=""
            return 0
        fi
        log_partial[$name]+="$part"
    done
    return 1
}

# One try: wait for a worker to lease a job, cut its link at once, keep it cut, restore, and judge
# whether its late result was refused. Sets `refused` to "WORKER JOB ATTEMPT" on success; returns
# 1 for a spoiled try, 2 when no job can be cut any more.
#
# Jobs of a small fleet can take only tens of milliseconds on an idle machine, less than it takes
# to run `ip`: so the worker is paused (SIGSTOP) the moment its lease is seen — shell builtins
# only, no process is started on that path — then its link is cut and it is let go on
# (SIGCONT): it finishes the job with its link down, as a worker behind a failed switch would.
cut_try() {
    # Leases logged before this try began are stale.
    while poll_line; do :; done
    local deadline=$((SECONDS + 120)) worker="" job="" attempt="" pid=""
    while true; do
        if poll_line; then
            if [[ "$line" == *" job leased"* && "$line" =~ [\ ]worker=([^ ]+) ]]; then
                worker=${BASH_REMATCH[1]}
                [[ "$line" =~ job_id=([0-9]+) ]] && job=${BASH_REMATCH[1]}
                [[ "$line" =~ [\ ]attempt=([0-9]+) ]] && attempt=${BASH_REMATCH[1]}
                if [ -n "$job" ] && [ -n "$attempt" ] && read -r pid <"$dir/run/$worker.pid"; then
                    kill -STOP "$pid" 2>/dev/null || true
                    # A lease line that reached us late (a loaded machine) may belong to a job whose
                    # result is already in: cutting now would prove nothing, wait for the next lease.
                    if grep ' result reported' "$logs_dir/$worker.log" | grep "job_id=$job " |
                        grep -q " attempt=$attempt "; then
                        kill -CONT "$pid" 2>/dev/null || true
                        log "lease of job $job attempt $attempt by $worker seen after its result: not cut"
                    else
                        break
                    fi
                fi
                worker="" job="" attempt="" pid=""
            fi
            continue
        fi
        nap
        running "$loadtest_pid" || { log "the load ended before a job could be cut"; return 2; }
        [ $SECONDS -lt "$deadline" ] || { log "no job leased within 120 s"; return 2; }
    done
    "$mh" cut "$worker" --dir "$dir" 2>/dev/null
    kill -CONT "$pid" 2>/dev/null || true
    local wlog="$logs_dir/$worker.log" clog="$logs_dir/coordinator.log" offset
    offset=$(stat -c %s "$wlog")
    log "cut $worker's link: it holds job $job attempt $attempt"
    echo "$worker $job $attempt" >>"$work/cuts.txt"
    sleep "$cut_seconds"
    "$mh" restore "$worker" --dir "$dir" 2>/dev/null
    log "restored $worker's link after ${cut_seconds} s"
    if [ "$(cat "$dir/run/$worker.pid")" != "$pid" ] || ! running "$pid"; then
        log "try spoiled: chaos killed $worker (pid $pid) while it was cut"
        return 1
    fi
    local end=$((SECONDS + 60)) spoiler
    while [ $SECONDS -lt $end ]; do
        if grep 'result refused: stale attempt' "$clog" | grep "job_id=$job " | grep -q " attempt=$attempt "; then
            refused="$worker $job $attempt"
            return 0
        fi
        # Its result got out before the cut (only possible if the lease line came late), or a
        # heartbeat reply cancelled the attempt while it still ran: no late result to refuse.
        spoiler=$(tail -c +"$((offset + 1))" "$wlog" | grep -E 'result reported|job cancelled by the coordinator|result dropped' |
            grep "job_id=$job " | grep " attempt=$attempt " | head -n1 || true)
        if [ -z "$spoiler" ]; then
            spoiler=$(head -c "$offset" "$wlog" | grep -E 'result reported' | grep "job_id=$job " |
                grep " attempt=$attempt " | head -n1 || true)
        fi
        if [ -n "$spoiler" ]; then
            log "try spoiled: $worker: ${spoiler##*] }"
            return 1
        fi
        sleep 0.2
    done
    log "try inconclusive: no refusal of job $job attempt $attempt within 60 s after the restore"
    return 1
}

if [ "$fallback" = 1 ]; then start_fallback; else start_gs_loadtest; fi

refused=""
for _ in $(seq 1 20); do
    set +e
    cut_try
    rc=$?
    set -e
    [ $rc -eq 0 ] && break
    refused=""
    [ $rc -eq 2 ] && break
done
touch "$work/cut.done"

# MARK: the verdicts

failures=0
log "waiting for the load to finish"
set +e
wait "$loadtest_pid"
load_status=$?
set -e
background=()

if [ "$fallback" = 1 ]; then
    landed=$(cat "$work/landed.count")
    deadline=$((SECONDS + ${GS_FALLBACK_TIMEOUT:-300}))
    while true; do
        counts=$(sql "SELECT count(*), count(*) FILTER (WHERE state IN ('succeeded','quarantined','duplicate')) FROM jobs")
        [ "$counts" = "$landed|$landed" ] && break
        [ $SECONDS -lt "$deadline" ] || break
        sleep 0.5
    done
    stuck=$(sql "SELECT count(*) FROM jobs WHERE state NOT IN ('succeeded','quarantined','duplicate')")
    jobs=$(sql "SELECT count(*) FROM jobs")
    succeeded=$(sql "SELECT count(*) FROM jobs WHERE state = 'succeeded'")
    readings=$(sql "SELECT count(*) FROM readings")
    expected=$((landed * fallback_meters * fallback_slots))
    log "fallback verification: $landed files landed, $jobs jobs, $succeeded succeeded, $stuck not ended;" \
        "readings $readings (expected $expected)"
    if [ "$jobs" != "$landed" ] || [ "$succeeded" != "$landed" ] || [ "$stuck" != 0 ] || [ "$readings" != "$expected" ]; then
        log "FAIL (1): the fallback load's verification"
        failures=$((failures + 1))
    else
        log "ok (1): every file one succeeded job, every reading stored once, nothing stuck"
    fi
else
    cat "$work/gs-loadtest.out" >&2
    verdict=$(grep -E '^verdict:' "$work/gs-loadtest.out" | tail -n1 || true)
    if [ $load_status -eq 0 ] && [ "$verdict" = "verdict: PASS" ]; then
        log "ok (1): gs-loadtest exit 0, $verdict"
    else
        log "FAIL (1): gs-loadtest exit $load_status, '${verdict:-no verdict line}' (stderr: $work/gs-loadtest.err)"
        tail -n 20 "$work/gs-loadtest.err" >&2 || true
        failures=$((failures + 1))
    fi
fi

if [ -z "$refused" ]; then
    log "FAIL (2): no cut produced a refused late result (tries in $work/cuts.txt)"
    failures=$((failures + 1))
else
    read -r worker job attempt <<<"$refused"
    line=$(grep 'result refused: stale attempt' "$logs_dir/coordinator.log" | grep "job_id=$job " | grep " attempt=$attempt " | head -n1)
    history=$(sql "SELECT attempt || ':' || worker_id || ':' || coalesce(outcome, 'running') || ':' || coalesce(error, '')
                   FROM job_attempts WHERE job_id = $job ORDER BY attempt")
    state=$(sql "SELECT state FROM jobs WHERE id = $job")
    log "job $job history: $(echo "$history" | tr '\n' ' ')(state $state)"
    log "coordinator: $line"
    lost=$(echo "$history" | grep -c "^$attempt:$worker:failed:worker_lost$" || true)
    later=$(echo "$history" | awk -F: -v a="$attempt" '$1 > a && $3 == "succeeded"' | wc -l)
    if [ "$lost" = 1 ] && [ "$later" -ge 1 ] && [ "$state" = succeeded ]; then
        log "ok (2): $worker's late result for job $job attempt $attempt refused (R-J-4); a later attempt succeeded"
    else
        log "FAIL (2): job $job's history does not show attempt $attempt lost and a later attempt succeeding"
        failures=$((failures + 1))
    fi
fi

if [ $failures -eq 0 ]; then
    log "PASS: multi-host load test with a cut link"
    exit 0
fi
log "FAIL: $failures check(s) failed; logs in $logs_dir"
exit 1

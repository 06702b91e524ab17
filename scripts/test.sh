#!/usr/bin/env bash
# The test command: installs what the suite needs, starts a throwaway PostgreSQL,
# and runs every test. Nothing is skipped: tests that need PostgreSQL read
# GS_PG_URL, the Parquet tests run GS_PYTHON (pyarrow + DuckDB).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
export GS_PYTHON="$PWD/.venv/bin/python"
export GS_PG_DIR=${GS_PG_DIR:-/tmp/greenstream-test-pg-$$}
eval "$(cluster/postgres.sh start)"
trap 'cluster/postgres.sh stop' EXIT
echo "test.sh: PostgreSQL at $GS_PG_URL" >&2

scripts/check-generated.sh
swift build --build-tests
if [ $# -gt 0 ]; then
    exec swift test --skip-build "$@"
fi
# One test target at a time: the RPC load tests, the pyarrow/DuckDB subprocesses and
# the PostgreSQL tests would otherwise fight over two cores and turn deadlines into
# flakes. Each target gets a generous wall-clock guard so a hang fails loudly.
# ClusterTests start a PostgreSQL, a coordinator and workers per test (debug builds): longer guard.
# Their clusters run detached (cluster/local.sh); a run killed by the guard would leave them behind,
# so whatever is left under /tmp/greenstream-cluster-tests is stopped afterwards.
sweep_clusters() {
    local d
    for d in /tmp/greenstream-cluster-tests/*/; do
        if [ -d "$d/run" ]; then cluster/local.sh down --dir "$d" >/dev/null 2>&1 || true; fi
    done
}
failed=()
for target in $(ls Tests); do  # one folder per test target
    echo "test.sh: $target" >&2
    limit=${GS_TEST_TIMEOUT:-900}
    if [ "$target" = ClusterTests ]; then limit=${GS_CLUSTER_TEST_TIMEOUT:-2400}; fi
    # GreenStreamCtlTests host admin stub servers in the test process and run gsctl against them both in
    # process and as child processes; run in parallel on two cores, one child gsctl now and then got no
    # answer from its stub within 5 s (1 run in 3 on merged issues 10-12; cause not found yet: docs/DECISIONS.md).
    # Serial, the target takes ~15 s and passed every run.
    parallel=()
    if [ "$target" = GreenStreamCtlTests ]; then parallel=(--no-parallel); fi
    timeout --kill-after=30 "$limit" swift test --skip-build "${parallel[@]}" --filter "^$target\." || failed+=("$target")
    # DashboardTests and LoadTestTests start clusters under the same root.
    case "$target" in ClusterTests | DashboardTests | LoadTestTests) sweep_clusters ;; esac
done
if [ ${#failed[@]} -gt 0 ]; then
    echo "test.sh: FAILED: ${failed[*]}" >&2
    exit 1
fi
echo "test.sh: all test targets passed" >&2

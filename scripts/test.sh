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
failed=()
for target in $(ls Tests); do  # one folder per test target
    echo "test.sh: $target" >&2
    timeout --kill-after=30 "${GS_TEST_TIMEOUT:-900}" swift test --skip-build --filter "^$target\." || failed+=("$target")
done
if [ ${#failed[@]} -gt 0 ]; then
    echo "test.sh: FAILED: ${failed[*]}" >&2
    exit 1
fi
echo "test.sh: all test targets passed" >&2

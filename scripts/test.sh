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
swift build --build-tests "$@"
swift test --skip-build "$@"

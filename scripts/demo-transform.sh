#!/usr/bin/env bash
# The transform demo (secondary; scripts/demo.sh runs the cluster): builds greenstream and
# transforms the bundled dirty samples twice — into readings/rejects CSVs (out/demo/csv) and
# into the Hive-partitioned snappy Parquet archive (out/demo/parquet) — then reads the archive back with DuckDB when it is
# installed (scripts/install-deps.sh, which the demo runs first, puts it in .venv).
# samples/wrong-delimiter.csv fails permanently on purpose (missing_column), so each
# transform exits 1 after writing the other files; the demo reports that and goes on.
set -euo pipefail
cd "$(dirname "$0")/.."
# The C libraries' headers (and DuckDB for the read-back) may be missing on a fresh machine;
# install-deps installs what is missing and returns at once when everything is there.
scripts/install-deps.sh
swift build --product greenstream
bin="$(swift build --show-bin-path)/greenstream"
rm -rf out/demo

status=0
"$bin" transform samples/*.csv --out out/demo/csv "$@" || status=$?
echo "demo: transform exit status $status (1 expected: one sample is a permanent failure)"
for dir in out/demo/csv/*/; do
    echo "== ${dir}readings.csv"; cat "${dir}readings.csv"
    echo "== ${dir}rejects.csv"; cat "${dir}rejects.csv"
done

echo
status=0
"$bin" transform samples/*.csv --out out/demo/parquet --format parquet "$@" || status=$?
echo "demo: transform --format parquet exit status $status"
find out/demo/parquet/archive -name '*.parquet' | sort

python=python3
[ -x .venv/bin/python ] && python=.venv/bin/python
if "$python" -c 'import duckdb' 2>/dev/null; then
    echo "== DuckDB over the archive (hive_partitioning=true)"
    "$python" - <<'PY'
import duckdb
q = """SELECT date, job_id, count(*) AS readings, sum((quality = 'interpolated')::int) AS interpolated,
              round(avg(kw), 3) AS mean_kw
       FROM read_parquet('out/demo/parquet/archive/readings/**/*.parquet', hive_partitioning=true)
       GROUP BY ALL ORDER BY ALL"""
print(duckdb.sql(q))
PY
else
    echo "demo: DuckDB not importable from $python; run scripts/install-deps.sh to read the archive back"
fi

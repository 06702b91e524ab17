#!/usr/bin/env bash
# The README's run command: a local cluster processing a day of a small dirty meter fleet.
#
#   scripts/demo.sh            # GS_DEMO_DIR (default out/demo-cluster) holds the cluster's state
#
# On a fresh Debian 12 machine it first installs what it needs (scripts/install-deps.sh: the C
# libraries, PostgreSQL, a .venv with DuckDB), then starts a cluster from scratch in GS_DEMO_DIR
# with cluster/local.sh (release build unless GS_BIN_DIR names built binaries: a PostgreSQL,
# a coordinator, two workers), lands samples/fleet/*.csv through `gsctl ingest`, waits until
# every job has ended, and shows the jobs, the stats, the peak hours, the Parquet archive (read
# with DuckDB) and how to query the SQL tables. The cluster keeps running; the last lines say
# how to stop it. samples/fleet/04-broken-export.csv fails permanently on purpose
# (missing_column:unit); the other files carry rows that are rejected or interpolated.
# The coordinator serves its live dashboard at http://127.0.0.1:8080/ (GS_HTTP_LISTEN=HOST:PORT
# for another address, GS_HTTP_LISTEN=auto for any free port); the script prints the URL before
# the files land, so a browser opened then watches them arrive.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh

dir=${GS_DEMO_DIR:-out/demo-cluster}
if [ -d "$dir" ]; then
    echo "demo: starting afresh: stopping and removing the previous demo cluster in $dir" >&2
    cluster/local.sh down --dir "$dir" >/dev/null 2>&1 || true
    rm -rf "$dir"
fi
export GS_HTTP_LISTEN=${GS_HTTP_LISTEN:-127.0.0.1:8080}
eval "$(cluster/local.sh up --workers 2 --dir "$dir")"
echo
echo "== the live dashboard: $GS_DASHBOARD_URL   (open it now: it updates as the files land)"
bin=${GS_BIN_DIR:-$(swift build -c release --show-bin-path)}
gsctl() { "$bin/gsctl" "$@"; }
python=.venv/bin/python

echo
echo "== gsctl ingest samples/fleet/*.csv"
gsctl ingest samples/fleet/*.csv
expected=$(find samples/fleet -maxdepth 1 -name '*.csv' | wc -l)

# Wait until every landed file has a job and every job has ended, with a deadline.
deadline=$((SECONDS + ${GS_DEMO_TIMEOUT:-300}))
while true; do
    summary=$(gsctl jobs list --json | "$python" -c '
import json, sys
jobs = json.load(sys.stdin)
done = sum(j["state"] in ("succeeded", "quarantined", "duplicate") for j in jobs)
print(len(jobs), done)')
    read -r total ended <<<"$summary"
    [ "$total" -ge "$expected" ] && [ "$ended" = "$total" ] && break
    if [ $SECONDS -ge "$deadline" ]; then
        echo "demo: after ${GS_DEMO_TIMEOUT:-300} s only $ended of $total jobs ($expected files) ended; see $dir/logs/" >&2
        gsctl jobs list >&2 || true
        exit 1
    fi
    sleep 0.2
done

echo
echo "== gsctl jobs list"
gsctl jobs list
echo
echo "== gsctl stats"
gsctl stats
echo
echo "== gsctl peak --day 2024-06-01 --top 5"
gsctl peak --day 2024-06-01 --top 5

echo
echo "== zones under GS_DATA_DIR=$GS_DATA_DIR"
(cd "$GS_DATA_DIR" && find processed quarantine archive -type f ! -name '.*' | sort)
echo
echo "== the Parquet archive, read with DuckDB ($python)"
GS_ARCHIVE="$GS_DATA_DIR/archive" "$python" - <<'PY'
import os, duckdb
files = os.path.join(os.environ["GS_ARCHIVE"], "readings", "**", "*.parquet")
print(f"SELECT … FROM read_parquet('{files}', hive_partitioning=true)")
print(duckdb.sql(f"""
    SELECT date, job_id, count(*) AS readings, sum((quality = 'interpolated')::int) AS interpolated,
           round(avg(kw), 3) AS mean_kw
    FROM read_parquet('{files}', hive_partitioning=true)
    GROUP BY ALL ORDER BY ALL"""))
PY

echo "== the hot store in PostgreSQL (tables readings, grid_hourly)"
query="SELECT hour_start, meters, round(load_kw::numeric, 2) AS load_kw FROM grid_hourly ORDER BY load_kw DESC LIMIT 3"
echo "psql \"\$GS_PG_URL\" -c \"$query\""
if command -v psql >/dev/null 2>&1; then
    psql "$GS_PG_URL" -c "$query"
fi

cat <<EOT
The cluster keeps running. To use it from this shell:
  eval "\$(cluster/local.sh up --dir $dir)"   # the export lines again (starts what is missing)
  $bin/gsctl jobs list       # also: workers list, jobs show ID, jobs retry ID, peak, ingest FILE…
  psql "\$GS_PG_URL" -c 'SELECT count(*) FROM readings'
Logs: $dir/logs/. Stop it (the data stays): cluster/local.sh down --dir $dir
The live dashboard: $GS_DASHBOARD_URL?day=2024-06-01 (the samples' day; without ?day= it shows today)
EOT

#!/usr/bin/env bash
# Makes docs/dashboard.png from a real run: a local cluster with the dashboard on lands the demo
# fleet (samples/fleet) and a generated day of 5,000 meters (scripts/gen-dashboard-fleet.py) for
# 2024-06-01, one file every GS_SHOT_PACE seconds (default 4: about four minutes in all, so the
# 10-minute throughput chart has a history), waits until every job has ended, and has headless
# Chromium screenshot /?day=2024-06-01. The cluster is stopped afterwards.
#
#   GS_BIN_DIR=.build/debug scripts/dashboard-screenshot.sh [OUT.png]   # default docs/dashboard.png
#
# GS_SHOT_SIZE (default 1600,1000) is the window; GS_SHOT_METERS (5000) the generated fleet.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-docs/dashboard.png}
dir=${GS_SHOT_DIR:-out/dashboard-shot}
day=2024-06-01
cluster/local.sh down --dir "$dir" >/dev/null 2>&1 || true
rm -rf "$dir"
export GS_HTTP_LISTEN=auto
eval "$(cluster/local.sh up --workers 2 --dir "$dir")"
trap 'cluster/local.sh down --dir "$dir" >/dev/null 2>&1 || true' EXIT

fleet="$dir/fleet"
python3 scripts/gen-dashboard-fleet.py "$fleet" --meters "${GS_SHOT_METERS:-5000}" --files 50 --day "$day"
land() { # write beside the zone, rename in (R-J-1)
    cp "$1" "$GS_DATA_DIR/.$(basename "$1").tmp"
    mv "$GS_DATA_DIR/.$(basename "$1").tmp" "$GS_DATA_DIR/landing/$(basename "$1")"
}
files=(samples/fleet/*.csv "$fleet"/*.csv)
for f in "${files[@]}"; do
    land "$f"
    sleep "${GS_SHOT_PACE:-4}"
done
deadline=$((SECONDS + 600))
ended="SELECT count(*) = ${#files[@]} AND bool_and(finished_at IS NOT NULL) FROM jobs"
until [ "$(psql "$GS_PG_URL" -Atc "$ended")" = t ]; do
    [ $SECONDS -lt $deadline ] || { echo "dashboard-screenshot: jobs did not end in 600 s" >&2; exit 1; }
    sleep 0.5
done
sleep 2 # one more poll of the page's snapshot cache, so every number is final
chromium --headless --no-sandbox --disable-gpu --no-first-run --hide-scrollbars \
    --user-data-dir="$dir/chromium" --window-size="${GS_SHOT_SIZE:-1600,1000}" \
    --virtual-time-budget=5000 --screenshot="$out" "${GS_DASHBOARD_URL}?day=$day" 2>/dev/null
echo "dashboard-screenshot: wrote $out from $GS_DASHBOARD_URL?day=$day" >&2

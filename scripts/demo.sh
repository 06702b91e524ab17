#!/usr/bin/env bash
# Demo: builds greenstream and transforms the bundled dirty samples into out/demo/.
# samples/wrong-delimiter.csv fails permanently on purpose (missing_column), so the
# transform exits 1 after writing the other files; the demo reports that and goes on.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --product greenstream
bin="$(swift build --show-bin-path)/greenstream"
rm -rf out/demo
status=0
"$bin" transform samples/*.csv --out out/demo "$@" || status=$?
echo "demo: transform exit status $status (1 expected: one sample is a permanent failure)"
for dir in out/demo/*/; do
    echo "== ${dir}readings.csv"; cat "${dir}readings.csv"
    echo "== ${dir}rejects.csv"; cat "${dir}rejects.csv"
done

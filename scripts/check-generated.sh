#!/usr/bin/env bash
# Fails when the committed protobuf-c code is not what scripts/gen-proto.sh makes from proto/.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x scripts/gen-proto.sh ] || exit 0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
GEN_OUT="$tmp" scripts/gen-proto.sh
if ! diff -r "$tmp" Sources/GreenStreamProto/generated >/dev/null 2>&1; then
    echo "check-generated: Sources/GreenStreamProto is stale; run scripts/gen-proto.sh and commit" >&2
    diff -r "$tmp" Sources/GreenStreamProto/generated | head -20 >&2
    exit 1
fi

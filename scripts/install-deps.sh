#!/usr/bin/env bash
# Installs what building and testing GreenStream needs on a fresh Debian 12 machine:
# the four C libraries' -dev packages, protoc-c, openssl (test certificates),
# PostgreSQL, chromium (headless, for the dashboard's browser test), and a Python venv (.venv)
# with pyarrow and DuckDB for the Parquet tests.
# Idempotent and quiet when everything is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

pkgs=(libnng-dev libprotobuf-c-dev protobuf-c-compiler libpq-dev libsnappy-dev pkg-config openssl postgresql chromium)
missing=()
for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    echo "install-deps: apt-get install ${missing[*]}" >&2
    # Wait for another apt run (a parallel build, unattended upgrades) instead of failing at once.
    $sudo apt-get -o DPkg::Lock::Timeout=300 update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get -o DPkg::Lock::Timeout=300 install -y -qq "${missing[@]}" >/dev/null
fi

if ! .venv/bin/python -c 'import pyarrow, duckdb' 2>/dev/null; then
    echo "install-deps: creating .venv with pyarrow and duckdb" >&2
    if ! python3 -m venv .venv 2>/dev/null; then
        # Debian's own python3 keeps venv in a separate package.
        sudo=""
        [ "$(id -u)" = 0 ] || sudo="sudo"
        DEBIAN_FRONTEND=noninteractive $sudo apt-get -o DPkg::Lock::Timeout=300 install -y -qq python3-venv >/dev/null
        rm -rf .venv
        python3 -m venv .venv
    fi
    .venv/bin/pip install -q --disable-pip-version-check pyarrow duckdb
fi

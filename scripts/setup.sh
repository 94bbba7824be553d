#!/usr/bin/env bash
# Installs what Tarn needs besides the Swift toolchain, only when missing:
# the C compression and SQLite libraries (Debian -dev packages) and, with --python, the Python
# peers the interop tests and benchmarks drive (boto3, the AWS CLI, pyarrow, DuckDB, pytest).
set -euo pipefail

packages=(libzstd-dev libsnappy-dev liblz4-dev zlib1g-dev libsqlite3-dev pkg-config)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if [ "${1:-}" = "--python" ]; then
  root=$(cd "$(dirname "$0")/.." && pwd)
  if ! python3 -c "import boto3, pyarrow, duckdb, pytest, requests, awscli, numpy" 2>/dev/null; then
    echo "setup: installing Python test peers" >&2
    python3 -m pip install -q -r "$root/Tests/interop/requirements.txt"
  fi
fi

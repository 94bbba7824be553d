#!/usr/bin/env bash
# Runs Tarn's whole test suite: Swift unit and integration tests, then the interop suite
# (boto3, the AWS CLI, pyarrow, DuckDB against a real `tarn server`). Installs missing system
# packages and Python peers first. This is exactly what CI runs (.ci/run calls this script).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh --python

echo "== swift build (debug, with tests)"
swift build --build-tests --explicit-target-dependency-import-check error
echo "== swift test"
swift test --skip-build

echo "== swift build (release tarn for the interop suite)"
swift build -c release --product tarn --explicit-target-dependency-import-check error
echo "== interop tests"
TARN_BIN="$PWD/.build/release/tarn" python3 -m pytest -q Tests/interop "$@"

#!/usr/bin/env bash
# The main job: builds Tarn (release) and runs `tarn demo` on the embedded local-disk default
# (a fresh ./tarn-demo). Installs missing system packages first. Extra arguments go to `tarn demo`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build -c release --product tarn
exec .build/release/tarn demo "$@"

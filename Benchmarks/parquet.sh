#!/usr/bin/env bash
# Parquet benchmark (docs/BENCHMARKS.md, "Parquet"): on the `sales` table of gen_retail.py,
#   1. CSV -> Parquet: Tarn's writer vs DuckDB COPY vs pyarrow (snappy, one thread each);
#   2. full decode of all columns: Tarn vs pyarrow read_table (and DuckDB), on the same files.
# Every measurement runs in its own process; wall time, CPU time (user+sys) and peak RSS are
# printed as one Markdown table.
#
# usage: Benchmarks/parquet.sh [SF] [WORKDIR]      (SF defaults to 1: ~10 M rows, ~1 GB CSV)
set -euo pipefail
SF="${1:-1}"
WORK="${2:-/tmp/tarn-parquet-bench-sf$SF}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
GEN="${GEN_RETAIL:-$ROOT/../shared/bench/gen_retail.py}"
[ -f "$GEN" ] || GEN=/work/shared/bench/gen_retail.py
PEER="$ROOT/Benchmarks/peers/parquet_bench.py"
mkdir -p "$WORK"
CSV="$WORK/csv/sales.csv"
if [ ! -f "$CSV" ]; then
  echo "generating sales at sf=$SF into $WORK" >&2
  python3 "$GEN" --out "$WORK" --sf "$SF" --tables sales >&2
fi
echo "building TarnBench (release)" >&2
(cd "$ROOT" && TARN_LIBRARY_ONLY=1 swift build -c release --product TarnBench >&2)
BENCH="$ROOT/.build/release/TarnBench"

# value NAME < RESULT-lines
value() { grep -o "RESULT $1=[^ ]*" | head -1 | cut -d= -f2; }
ROWS=()
row() {  # label, output-of-run, seconds-key, cpu-key, rss-key
  local wall cpu rss
  wall=$(printf '%s\n' "$2" | value "$3"); cpu=$(printf '%s\n' "$2" | value "$4"); rss=$(printf '%s\n' "$2" | value "$5")
  ROWS+=("$(printf '| %s | %.2f | %.2f | %.0f |' "$1" "$wall" "$cpu" "$(echo "$rss / 1048576" | bc -l)")")
}

echo "convert: tarn" >&2
out=$("$BENCH" parquet-convert "$CSV" "$WORK/sales-tarn.parquet" snappy); row "CSV→Parquet, Tarn writer" "$out" parquet_convert_seconds parquet_convert_cpu_seconds parquet_convert_peak_rss
echo "convert: duckdb" >&2
out=$(python3 "$PEER" convert-duckdb "$CSV" "$WORK/sales-duckdb.parquet"); row "CSV→Parquet, DuckDB COPY" "$out" duckdb_convert_seconds cpu_seconds peak_rss
echo "convert: pyarrow" >&2
out=$(python3 "$PEER" convert-pyarrow "$CSV" "$WORK/sales-pyarrow.parquet"); row "CSV→Parquet, pyarrow" "$out" pyarrow_convert_seconds cpu_seconds peak_rss

for writer in pyarrow duckdb tarn; do
  file="$WORK/sales-$writer.parquet"
  echo "decode: $writer-written file" >&2
  out=$("$BENCH" parquet-decode "$file" 3); row "decode $writer file, Tarn" "$out" parquet_decode_seconds parquet_decode_cpu_seconds parquet_decode_peak_rss
  out=$(python3 "$PEER" decode-pyarrow "$file"); row "decode $writer file, pyarrow read_table" "$out" pyarrow_decode_seconds cpu_seconds peak_rss
done

echo
echo "sales sf=$SF: $(($(wc -l < "$CSV") - 1)) rows, CSV $(du -h "$CSV" | cut -f1); Parquet: $(for w in tarn duckdb pyarrow; do printf '%s %s  ' "$w" "$(du -h "$WORK/sales-$w.parquet" | cut -f1)"; done)"
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| measurement | wall s | CPU s (user+sys) | peak RSS MiB |"
echo "|---|---:|---:|---:|"
printf '%s\n' "${ROWS[@]}"

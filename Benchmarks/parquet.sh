#!/usr/bin/env bash
# Parquet benchmark (docs/BENCHMARKS.md, "Parquet"): on the `sales` table of gen_retail.py,
#   1. CSV -> Parquet: `tarn convert` (schema inferred) and Tarn's writer behind a fixed-schema
#      parser (TarnBench) vs DuckDB COPY vs pyarrow (snappy, one thread each);
#   2. full decode of all columns: Tarn vs pyarrow read_table vs DuckDB, on the same files.
# Every measurement runs in its own process; wall time, CPU time (user+sys) and peak RSS are
# printed as one Markdown table, followed by the rows each reader got from each file and the
# column types `tarn convert` inferred.
#
# usage: Benchmarks/parquet.sh [SF] [WORKDIR]      (SF defaults to 1: ~10 M rows, ~1 GB CSV)
#   TARN=path/to/tarn            (default .build/release/tarn, built if missing)
#   TARNBENCH=path/to/TarnBench  (default: build .build/release/TarnBench)
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
BENCH="${TARNBENCH:-}"
if [ -z "$BENCH" ]; then
  echo "building TarnBench (release)" >&2
  (cd "$ROOT" && TARN_LIBRARY_ONLY=1 swift build -c release --product TarnBench >&2)
  BENCH="$ROOT/.build/release/TarnBench"
fi
TARN="${TARN:-$ROOT/.build/release/tarn}"
if [ ! -x "$TARN" ]; then
  echo "building tarn (release)" >&2
  (cd "$ROOT" && swift build -c release --product tarn >&2)
fi

# value NAME < RESULT-lines
value() { grep -o "RESULT $1=[^ ]*" | head -1 | cut -d= -f2; }
# DuckDB decode, measured like parquet_bench.py's peers (its decode-duckdb calls
# fetch_arrow_table, which DuckDB 2.0 no longer has; to_arrow_table is the 2.0 name).
duckdb_decode() {
  python3 - "$1" <<'PY'
import resource, sys, time
def cpu(): u = resource.getrusage(resource.RUSAGE_SELF); return u.ru_utime + u.ru_stime
cpu_start = cpu()
import duckdb
con = duckdb.connect()
con.execute("SET threads = 1")
start = time.perf_counter()
table = con.sql("SELECT * FROM read_parquet('%s')" % sys.argv[1]).to_arrow_table()
print("RESULT duckdb_decode_seconds=%s s" % (time.perf_counter() - start))
print("RESULT duckdb_decode_rows=%s rows" % table.num_rows)
print("RESULT cpu_seconds=%s s" % (cpu() - cpu_start))
print("RESULT peak_rss=%s bytes" % (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024))
PY
}
ROWS=()
row() {  # label, output-of-run, seconds-key, cpu-key, rss-key
  local wall cpu rss
  wall=$(printf '%s\n' "$2" | value "$3"); cpu=$(printf '%s\n' "$2" | value "$4"); rss=$(printf '%s\n' "$2" | value "$5")
  ROWS+=("$(printf '| %s | %.2f | %.2f | %.0f |' "$1" "$wall" "$cpu" "$(echo "$rss / 1048576" | bc -l)")")
}

# `tarn convert` prints no RESULT lines: GNU time measures the child (wall, user+sys, max RSS).
echo "convert: tarn convert" >&2
rm -f "$WORK/sales-tarn-convert.parquet" "$WORK/sales-tarn-convert.parquet.rejects.jsonl"
/usr/bin/time -o "$WORK/tarn-convert.time" -f '%e %U %S %M' \
  "$TARN" convert "$CSV" "$WORK/sales-tarn-convert.parquet" --compression snappy > "$WORK/tarn-convert.out" 2>&1
read -r t_wall t_user t_sys t_rss_kb < "$WORK/tarn-convert.time"
out="RESULT wall=$t_wall
RESULT cpu=$(echo "$t_user + $t_sys" | bc -l)
RESULT rss=$((t_rss_kb * 1024))"
row "CSV→Parquet, \`tarn convert\` (inferred schema)" "$out" wall cpu rss
echo "convert: tarn writer, fixed-schema parser (TarnBench)" >&2
out=$("$BENCH" parquet-convert "$CSV" "$WORK/sales-tarn.parquet" snappy); row "CSV→Parquet, Tarn writer + fixed-schema parser (TarnBench)" "$out" parquet_convert_seconds parquet_convert_cpu_seconds parquet_convert_peak_rss
echo "convert: duckdb" >&2
out=$(python3 "$PEER" convert-duckdb "$CSV" "$WORK/sales-duckdb.parquet"); row "CSV→Parquet, DuckDB COPY" "$out" duckdb_convert_seconds cpu_seconds peak_rss
echo "convert: pyarrow" >&2
out=$(python3 "$PEER" convert-pyarrow "$CSV" "$WORK/sales-pyarrow.parquet"); row "CSV→Parquet, pyarrow" "$out" pyarrow_convert_seconds cpu_seconds peak_rss

COUNTS=()
for writer in pyarrow duckdb tarn tarn-convert; do
  file="$WORK/sales-$writer.parquet"
  echo "decode: $writer-written file" >&2
  out=$("$BENCH" parquet-decode "$file" 3); row "decode $writer file, Tarn" "$out" parquet_decode_seconds parquet_decode_cpu_seconds parquet_decode_peak_rss
  out=$(python3 "$PEER" decode-pyarrow "$file"); row "decode $writer file, pyarrow read_table" "$out" pyarrow_decode_seconds cpu_seconds peak_rss
  pyarrow_rows=$(printf '%s\n' "$out" | value pyarrow_decode_rows)
  out=$(duckdb_decode "$file"); row "decode $writer file, DuckDB → Arrow" "$out" duckdb_decode_seconds cpu_seconds peak_rss
  COUNTS+=("$writer file: pyarrow $pyarrow_rows rows, DuckDB $(printf '%s\n' "$out" | value duckdb_decode_rows) rows")
done

echo
echo "sales sf=$SF: $(($(wc -l < "$CSV") - 1)) rows, CSV $(du -h "$CSV" | cut -f1); Parquet: $(for w in tarn-convert tarn duckdb pyarrow; do printf '%s %s  ' "$w" "$(du -h "$WORK/sales-$w.parquet" | cut -f1)"; done)"
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| measurement | wall s | CPU s (user+sys) | peak RSS MiB |"
echo "|---|---:|---:|---:|"
printf '%s\n' "${ROWS[@]}"
echo
printf '%s\n' "${COUNTS[@]}"
echo "tarn convert: $(cat "$WORK/tarn-convert.out")"
echo "tarn convert rejects: $(cat "$WORK/sales-tarn-convert.parquet.rejects.jsonl" 2>/dev/null | wc -l) rows"
python3 -c 'import sys, pyarrow.parquet as pq; print("tarn convert file, as pyarrow reads it:", ", ".join("%s %s" % (f.name, f.type) for f in pq.read_schema(sys.argv[1])))' "$WORK/sales-tarn-convert.parquet"
python3 -c 'import sys, duckdb; print("tarn convert file, as DuckDB reads it:", ", ".join("%s %s" % (r[0], r[1]) for r in duckdb.sql("DESCRIBE SELECT * FROM read_parquet(%r)" % sys.argv[1]).fetchall()))' "$WORK/sales-tarn-convert.parquet"

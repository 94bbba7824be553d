#!/usr/bin/env python3
"""Compares Tarn's answers (DATA/tarn.json) with DuckDB's (DATA/duckdb.json): rows must match in
order, numbers to 1e-9 relative. Prints per-query times, the ratio and the geometric mean."""
import json
import math
import sys


def same(a, b):
    if a == b:
        return True
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return abs(a - b) <= 1e-9 * max(abs(a), abs(b))
    return str(a) == str(b)


def main():
    data = sys.argv[1]
    tarn = json.load(open(f"{data}/tarn.json"))
    duck = json.load(open(f"{data}/duckdb.json"))
    ratios = []
    failures = 0
    for key in sorted(duck):
        d, t = duck[key], tarn.get(key)
        if t is None:
            print(f"{key}: missing in tarn.json")
            failures += 1
            continue
        ok = len(d["rows"]) == len(t["rows"]) and all(
            len(x) == len(y) and all(same(p, q) for p, q in zip(x, y)) for x, y in zip(t["rows"], d["rows"]))
        ratio = t["seconds"] / d["seconds"]
        ratios.append(ratio)
        print(f"{key}: tarn {t['seconds']*1000:8.1f} ms  duckdb {d['seconds']*1000:8.1f} ms  ratio {ratio:5.2f}  {'OK' if ok else 'MISMATCH'}")
        if not ok:
            failures += 1
            for x, y in list(zip(t["rows"], d["rows"]))[:5]:
                if x != y:
                    print("   tarn  ", x)
                    print("   duckdb", y)
    print(f"geometric mean ratio {math.exp(sum(map(math.log, ratios)) / len(ratios)):.2f}; {failures} mismatches")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()

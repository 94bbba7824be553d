#!/usr/bin/env python3
"""Peer side of the Parquet round-trip tests (Tests/ParquetTests/PeerRoundTripTests.swift).

  parquet_peers.py write DIR     write files with pyarrow and DuckDB (every codec, type, nulls,
                                 dictionary/plain, several row groups, v1/v2 pages) and, next to
                                 each NAME.parquet, NAME.json with the rows as pyarrow reads them
  parquet_peers.py read FILE...  print {"pyarrow": rows, "duckdb": rows} for each file as JSON

Rows are rendered in one canonical JSON form shared with the Swift side (OracleJSON): integers
exact, floats as numbers or "NaN"/"Infinity", decimals as exact strings, dates YYYY-MM-DD,
times and timestamps ISO-8601 from their integer value (fraction trailing zeros trimmed, "Z" when
UTC-adjusted), bytes as {"hex", "utf8"}, lists as arrays, structs as objects, maps as [key, value]
pairs.
"""
import datetime
import decimal
import json
import math
import os
import sys

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

UNITS = {"s": 1, "ms": 1000, "us": 1000_000, "ns": 1000_000_000}


def fraction(value, unit):
    digits = {"s": 0, "ms": 3, "us": 6, "ns": 9}[unit]
    if digits == 0 or value == 0:
        return ""
    return ("." + str(value).rjust(digits, "0")).rstrip("0")


def render_time(value, unit):
    per = UNITS[unit]
    seconds, frac = divmod(value, per)
    return "%02d:%02d:%02d%s" % (seconds // 3600, seconds // 60 % 60, seconds % 60, fraction(frac, unit))


def render_timestamp(value, unit, utc):
    per = UNITS[unit] * 86400
    days, within = divmod(value, per)
    date = datetime.date(1970, 1, 1) + datetime.timedelta(days=days)
    if date.year < 1 or date.year > 9999:
        return {"epoch": value, "unit": unit}
    return date.isoformat() + "T" + render_time(within, unit) + ("Z" if utc else "")


def render_bytes(raw):
    out = {"hex": raw.hex()}
    try:
        out["utf8"] = raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    return out


def render(array_type, value):
    """Renders one Python value (from Array.to_pylist on a storage-typed array) of `array_type`."""
    if value is None:
        return None
    t = array_type
    if isinstance(t, pa.BaseExtensionType):
        t = t.storage_type
    if pa.types.is_boolean(t) or pa.types.is_integer(t):
        return value
    if pa.types.is_floating(t):
        if isinstance(value, float) and math.isnan(value):
            return "NaN"
        if isinstance(value, float) and math.isinf(value):
            return "Infinity" if value > 0 else "-Infinity"
        return float(value)
    if pa.types.is_decimal(t):
        return str(value)
    if pa.types.is_date32(t) or pa.types.is_date64(t):
        return value.isoformat()
    if pa.types.is_time(t):
        return render_time(value, t.unit)
    if pa.types.is_timestamp(t):
        return render_timestamp(value, t.unit, t.tz is not None)
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        return value
    if pa.types.is_binary(t) or pa.types.is_large_binary(t) or pa.types.is_fixed_size_binary(t):
        return render_bytes(value)
    if pa.types.is_map(t):
        return [[render(t.key_type, k), render(t.item_type, v)] for k, v in value]
    if pa.types.is_list(t) or pa.types.is_large_list(t):
        return [render(t.value_type, v) for v in value]
    if pa.types.is_struct(t):
        return {t.field(i).name: render(t.field(i).type, value[t.field(i).name]) for i in range(t.num_fields)}
    if pa.types.is_dictionary(t):
        return render(t.value_type, value)
    raise TypeError("unhandled type %s" % t)


def raw_values(array):
    """Python values with temporal types as integers, so rendering is exact at every unit."""
    t = array.type
    if isinstance(t, pa.BaseExtensionType):
        array = array.storage
        t = array.type
    if pa.types.is_dictionary(t):
        array = array.dictionary_decode()
        t = array.type
    if pa.types.is_timestamp(t) or pa.types.is_time(t):
        return array.view(pa.int64() if t.bit_width == 64 else pa.int32()).to_pylist()
    if pa.types.is_list(t) or pa.types.is_large_list(t):
        values = raw_values(array.flatten())
        offsets = array.offsets.to_pylist()
        valid = array.is_valid().to_pylist()
        base = offsets[0]
        return [values[offsets[i] - base:offsets[i + 1] - base] if valid[i] else None for i in range(len(array))]
    if pa.types.is_map(t):
        keys, items = raw_values(array.keys), raw_values(array.items)
        offsets = array.offsets.to_pylist()
        valid = array.is_valid().to_pylist()
        base = offsets[0]
        return [list(zip(keys[offsets[i] - base:offsets[i + 1] - base], items[offsets[i] - base:offsets[i + 1] - base]))
                if valid[i] else None for i in range(len(array))]
    if pa.types.is_struct(t):
        children = {t.field(i).name: raw_values(array.field(i)) for i in range(t.num_fields)}
        valid = array.is_valid().to_pylist()
        return [{name: values[i] for name, values in children.items()} if valid[i] else None for i in range(len(array))]
    return array.to_pylist()


def render_type(t):
    """The type used for rendering raw values (temporal kept, extension unwrapped)."""
    return t.storage_type if isinstance(t, pa.BaseExtensionType) else t


def rows(table):
    table = table.combine_chunks()
    columns = []
    for name, column in zip(table.column_names, table.columns):
        array = column.chunk(0) if column.num_chunks else pa.array([], column.type)
        columns.append((name, render_type(array.type), raw_values(array)))
    out = []
    for i in range(table.num_rows):
        out.append({name: render_raw(t, values[i]) for name, t, values in columns})
    return out


def render_raw(t, value):
    if value is None:
        return None
    if pa.types.is_dictionary(t):
        t = t.value_type
    if pa.types.is_timestamp(t):
        return render_timestamp(value, t.unit, t.tz is not None)
    if pa.types.is_time(t):
        return render_time(value, t.unit)
    if pa.types.is_list(t) or pa.types.is_large_list(t):
        return [render_raw(t.value_type, v) for v in value]
    if pa.types.is_map(t):
        return [[render_raw(t.key_type, k), render_raw(t.item_type, v)] for k, v in value]
    if pa.types.is_struct(t):
        return {t.field(i).name: render_raw(render_type(t.field(i).type), value[t.field(i).name]) for i in range(t.num_fields)}
    return render(t, value)


# ----------------------------------------------------------------------------------------- data

def sample_table(n=1200):
    """Every type the reader must handle, with nulls in every nullable column."""
    def nulls(values, every=7):
        return [None if i % every == 3 else v for i, v in enumerate(values)]
    r = range(n)
    cities = ["Boston", "Chicago", "Denver", "", "Zürich", "東京", "a,b", 'quote"d', "line\nbreak"]
    data = {
        "b": nulls([i % 3 == 0 for i in r]),
        "i8": pa.array(nulls([(i % 250) - 125 for i in r]), pa.int8()),
        "i16": pa.array(nulls([(i * 37) % 60000 - 30000 for i in r]), pa.int16()),
        "i32": pa.array([i * 1000 - 7 for i in r], pa.int32()),
        "i64": pa.array(nulls([(i - 1000) * 10**12 + i for i in r]), pa.int64()),
        "u8": pa.array(nulls([i % 256 for i in r]), pa.uint8()),
        "u16": pa.array(nulls([(i * 31) % 65536 for i in r]), pa.uint16()),
        "u32": pa.array(nulls([(i * 2654435761) % 2**32 for i in r]), pa.uint32()),
        "u64": pa.array(nulls([(i * 11400714819323198485) % 2**64 for i in r]), pa.uint64()),
        "f32": pa.array(nulls([float("nan") if i == 5 else i / 8 - 100 for i in r]), pa.float32()),
        "f64": pa.array(nulls([float("inf") if i == 9 else (i * 1.1 - 3) for i in r]), pa.float64()),
        "dec9": pa.array(nulls([decimal.Decimal(i * 7 - 5000).scaleb(-2) for i in r]), pa.decimal128(9, 2)),
        "dec18": pa.array(nulls([decimal.Decimal(i * 123456789 - 10**12).scaleb(-4) for i in r]), pa.decimal128(18, 4)),
        "dec38": pa.array(nulls([decimal.Decimal(i * 10**20 + 17).scaleb(-6) for i in r]), pa.decimal128(38, 6)),
        "d": pa.array(nulls([datetime.date(2024, 1, 1) + datetime.timedelta(days=i % 400 - 200) for i in r]), pa.date32()),
        "t_ms": pa.array(nulls([(i * 3_600_123) % 86_400_000 for i in r]), pa.time32("ms")),
        "t_us": pa.array(nulls([(i * 3_600_123_457) % 86_400_000_000 for i in r]), pa.time64("us")),
        "ts_ms": pa.array(nulls([1_704_067_200_000 + i * 61_001 for i in r]), pa.timestamp("ms")),
        "ts_us_utc": pa.array(nulls([1_704_067_200_000_000 + i * 3_600_000_001 for i in r]), pa.timestamp("us", tz="UTC")),
        "ts_ns": pa.array(nulls([1_704_067_200_000_000_000 + i * 1_000_000_007 for i in r]), pa.timestamp("ns")),
        "s": pa.array(nulls([cities[i % len(cities)] + str(i % 50) for i in r]), pa.string()),
        "s_unique": pa.array(["order-%08d" % i for i in r], pa.string()),
        "bin": pa.array(nulls([bytes([i % 256, 0, 255, i % 7]) for i in r]), pa.binary()),
        "fixed": pa.array(nulls([(i * 2654435761).to_bytes(8, "little") for i in r]), pa.binary(8)),
        "li": pa.array([None if i % 11 == 0 else [] if i % 11 == 1 else [j if j % 5 else None for j in range(i % 6)] for i in r],
                       pa.list_(pa.int32())),
        "ls": pa.array([None if i % 13 == 0 else ["x" * (j % 3) + str(j) for j in range(i % 4)] for i in r], pa.list_(pa.string())),
        "st": pa.array([None if i % 9 == 0 else {"a": None if i % 5 == 0 else i, "b": "v%d" % (i % 10)} for i in r],
                       pa.struct([("a", pa.int64()), ("b", pa.string())])),
        "m": pa.array([None if i % 8 == 0 else [("k%d" % j, None if j == 2 else j * i) for j in range(i % 4)] for i in r],
                      pa.map_(pa.string(), pa.int32())),
        "lli": pa.array([None if i % 10 == 0 else [[k for k in range(j)] for j in range(i % 3)] for i in r], pa.list_(pa.list_(pa.int16()))),
    }
    return pa.table(data)


def write(directory):
    os.makedirs(directory, exist_ok=True)
    table = sample_table()
    files = {}
    for codec in ["none", "snappy", "gzip", "zstd", "lz4"]:
        for dictionary in [True, False]:
            for version in ["1.0", "2.0"]:
                name = "pyarrow-%s-%s-v%s" % (codec, "dict" if dictionary else "plain", version[0])
                pq.write_table(table, os.path.join(directory, name + ".parquet"), compression=codec,
                               use_dictionary=dictionary, data_page_version=version, row_group_size=500,
                               data_page_size=4096)
                files[name] = table
    # Delta and byte-stream-split encodings, which pyarrow only writes on request.
    flat = table.select(["i32", "i64", "f32", "f64", "s", "s_unique", "bin", "fixed", "dec9", "d"])
    pq.write_table(flat, os.path.join(directory, "pyarrow-delta.parquet"), use_dictionary=False,
                   column_encoding={"i32": "DELTA_BINARY_PACKED", "i64": "DELTA_BINARY_PACKED", "s": "DELTA_BYTE_ARRAY",
                                    "s_unique": "DELTA_LENGTH_BYTE_ARRAY", "bin": "DELTA_BYTE_ARRAY",
                                    "f32": "BYTE_STREAM_SPLIT", "f64": "BYTE_STREAM_SPLIT", "fixed": "BYTE_STREAM_SPLIT",
                                    "dec9": "BYTE_STREAM_SPLIT", "d": "DELTA_BINARY_PACKED"},
                   data_page_version="2.0", row_group_size=700, compression="zstd")
    files["pyarrow-delta"] = flat
    # DuckDB, from the same data, with each of its codecs.
    con = duckdb.connect()
    con.register("t", table)
    for codec in ["uncompressed", "snappy", "gzip", "zstd", "lz4"]:
        name = "duckdb-%s" % codec
        path = os.path.join(directory, name + ".parquet")
        con.execute("COPY (SELECT * FROM t) TO '%s' (FORMAT parquet, COMPRESSION %s, ROW_GROUP_SIZE 512)" % (path, codec))
        files[name] = pq.read_table(path)
    con.execute("CREATE TYPE mood AS ENUM ('calm', 'busy', 'late')")
    extra = os.path.join(directory, "duckdb-extra.parquet")
    con.execute("COPY (SELECT range AS id, ('00000000-0000-4000-8000-' || lpad(range::VARCHAR, 12, '0'))::UUID AS u, "
                "('{\"a\": ' || range || '}')::JSON AS j, make_timestamptz(range * 86400000000) AS tz, "
                "(['calm', 'busy', 'late'][range % 3 + 1])::mood AS e, range::HUGEINT * 1000000000000 AS h, "
                "(range % 5)::UTINYINT AS ut FROM range(100)) TO '" + extra + "' (FORMAT parquet)")
    files["duckdb-extra"] = pq.read_table(os.path.join(directory, "duckdb-extra.parquet"))
    for name, written in files.items():
        with open(os.path.join(directory, name + ".json"), "w") as out:
            json.dump({"rows": rows(written), "num_rows": written.num_rows}, out)


def read(paths):
    result = {}
    for path in paths:
        entry = {}
        try:
            table = pq.read_table(path)
            entry["pyarrow"] = rows(table)
            entry["pyarrow_schema"] = [str(f.type) for f in table.schema]
        except Exception as error:  # reported to the Swift test, which fails on it
            entry["pyarrow_error"] = str(error)
        try:
            result_set = duckdb.sql("SELECT * FROM read_parquet('%s')" % path).arrow()
            if isinstance(result_set, pa.RecordBatchReader):
                result_set = result_set.read_all()
            entry["duckdb"] = rows(result_set)
        except Exception as error:
            entry["duckdb_error"] = str(error)
        result[path] = entry
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    if sys.argv[1] == "write":
        write(sys.argv[2])
    elif sys.argv[1] == "read":
        read(sys.argv[2:])
    else:
        sys.exit(__doc__)

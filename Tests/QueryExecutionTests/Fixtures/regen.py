#!/usr/bin/env python3
"""Regenerates the expected rows of the golden .slt files with DuckDB.

Usage: python3 regen.py [file.slt ...]   (default: every slt/*.slt)

Loads tables/*.csv (header `name:type,...`, empty field = NULL) into an in-memory DuckDB with
the declared types, runs every `query` case and rewrites its expected rows. Cases marked
`trino` (Trino and DuckDB semantics differ: integer division, decimal averages, Trino-only
functions) and `error` cases are left as written. Cells print as the Swift runner renders them:
NULL, true/false, ISO dates, `(empty)` for the empty string.
"""
import datetime
import decimal
import glob
import os
import re
import sys

import duckdb

HERE = os.path.dirname(os.path.abspath(__file__))


def split_header(header):
    parts, current, depth = [], "", 0
    for c in header:
        if c == "(":
            depth += 1
        if c == ")":
            depth -= 1
        if c == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += c
    parts.append(current)
    return parts


def load(con):
    for path in sorted(glob.glob(os.path.join(HERE, "tables", "*.csv"))):
        name = os.path.splitext(os.path.basename(path))[0]
        with open(path) as f:
            header = f.readline().strip()
        cols = [c.split(":", 1) for c in split_header(header)]
        ddl = ", ".join(f'"{n}" {t}' for n, t in cols)
        con.execute(f"CREATE TABLE {name} ({ddl})")
        types = "{" + ", ".join(f"'{n}': '{t}'" for n, t in cols) + "}"
        con.execute(f"INSERT INTO {name} SELECT * FROM read_csv('{path}', header=false, skip=1, delim=',', quote='\"', columns={types}, nullstr='', auto_detect=false)")


def render(value):
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if value == int(value) and abs(value) < 1e15:
            return repr(value)
        return repr(value)
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, datetime.datetime):
        text = value.strftime("%Y-%m-%d %H:%M:%S")
        if value.microsecond:
            text += ".%06d" % value.microsecond
        return text
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, str):
        return value if value != "" else "(empty)"
    return str(value)


def regen(path, con):
    lines = open(path).read().split("\n")
    out, i = [], 0
    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        if not stripped.startswith("query"):
            out.append(line)
            i += 1
            continue
        header = stripped
        out.append(line)
        i += 1
        sql = []
        while i < len(lines) and lines[i] != "----" and lines[i].strip():
            sql.append(lines[i])
            i += 1
        out.extend(sql)
        old = []
        if i < len(lines) and lines[i] == "----":
            i += 1
            while i < len(lines) and lines[i].strip():
                old.append(lines[i])
                i += 1
        if "trino" in header.split():
            out.append("----")
            out.extend(old)
            continue
        try:
            rows = con.execute("\n".join(sql)).fetchall()
        except duckdb.Error as error:
            print(f"{os.path.basename(path)}: DuckDB cannot run this case, keeping it as written: {error}".splitlines()[0])
            out.append("----")
            out.extend(old)
            continue
        out.append("----")
        out.extend("|".join(render(v) for v in row) for row in rows)
    open(path, "w").write("\n".join(out))


def main():
    con = duckdb.connect()
    load(con)
    files = sys.argv[1:] or sorted(glob.glob(os.path.join(HERE, "slt", "*.slt")))
    for path in files:
        regen(path, con)
        print("regenerated", os.path.relpath(path, HERE))


if __name__ == "__main__":
    main()

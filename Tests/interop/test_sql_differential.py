"""Differential SQL suite: the same questions asked of Tarn and of DuckDB, answers compared.

The retail data set (gen_retail.py, scale 0.01) is uploaded with boto3 to a real `tarn server`
(sales as two CSV parts, one gzipped; clickstream as JSON Lines; inventory, products and stores
as CSV). The server is stopped and everything else goes through embedded `tarn query`:
CREATE DATABASE / CREATE EXTERNAL TABLE over the raw files, CTAS into hive-partitioned Snappy
Parquet (sales and clickstream by year/month/day), MSCK REPAIR, ALTER TABLE … ADD/DROP
PARTITION, INSERT INTO, and read_parquet/read_csv/read_json over the lake and over local files.
DuckDB builds the same tables from the same raw files (cleaning as Benchmarks/sql/prepare.py
does) and writes its own hive-partitioned Parquet with COPY … PARTITION_BY.

Every query in QUERIES — the ten public ones plus ours — runs in both and the rows must match:
exactly, except doubles (1e-9 relative) and row order unless the query has a top-level ORDER BY.

Decimal literals: Tarn follows Trino (`1.0 * x / n` stays DECIMAL), DuckDB computes such
expressions in doubles. The comparison runs Tarn with `--decimal-literals-as-double` (Trino's
`parse_decimal_literals_as_double`); the queries marked `trino=True` run with Tarn's default
Trino semantics against DuckDB SQL written to reproduce Trino's decimal rules (explicit ROUND to
the scale Trino's rules give) or against constant, hand-checked expectations.
"""
import datetime
import gzip
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest

duckdb = pytest.importorskip("duckdb")
pytest.importorskip("numpy")

from conftest import TarnProcess, make_s3_client, tarn_binary  # noqa: E402

HERE = Path(__file__).resolve().parent
GENERATOR = HERE / "data" / "gen_retail.py"
PUBLIC_QUERIES = HERE / "data" / "queries"
SCALE = os.environ.get("TARN_SQL_DIFF_SF", "0.01")
REL_TOLERANCE = 1e-9


SALES_COLUMNS = ["order_id", "line_no", "store_id", "region", "product_id", "category", "quantity", "unit_price", "discount", "total",
                 "payment_type", "customer_id", "sold_at"]


@dataclass
class Q:
    """One comparison. `sql` runs in both engines unless `duck` gives DuckDB its own spelling;
    `expected` (rows) replaces DuckDB for hand-checked Trino-only cases."""
    name: str
    sql: str
    duck: str = None
    trino: bool = False
    expected: list = None
    ordered: bool = None


# ---------------------------------------------------------------------------------------------
# The queries. {{name}} placeholders are table references, filled per engine (see NAMES).

QUERIES = [
    # Scans and partition pruning over the CTAS-written Parquet lake.
    Q("s01_count", "SELECT count(*) FROM {{sales}}"),
    Q("s02_month", "SELECT count(*), sum(quantity), round(sum(total), 2) FROM {{sales}} WHERE year = 2024 AND month = 2"),
    Q("s03_days_in", "SELECT day, count(*) FROM {{sales}} WHERE month = 3 AND day IN (1, 15, 31) GROUP BY day ORDER BY day"),
    Q("s04_between", "SELECT month, count(*) FROM {{sales}} WHERE day BETWEEN 10 AND 12 GROUP BY month ORDER BY month"),
    Q("s05_not_equal", "SELECT count(*) FROM {{sales}} WHERE month <> 1 AND day > 28"),
    Q("s06_derived_date", """
        SELECT count(*), round(sum(total), 2) FROM {{sales}}
        WHERE CAST(CAST(year AS varchar) || '-' || lpad(CAST(month AS varchar), 2, '0') || '-' || lpad(CAST(day AS varchar), 2, '0') AS date)
              BETWEEN DATE '2024-02-10' AND DATE '2024-02-20'"""),
    Q("s07_point", "SELECT order_id, line_no, total FROM {{sales}} WHERE order_id = 'O000000100' ORDER BY line_no"),
    Q("s08_ts_range", "SELECT count(*) FROM {{sales}} WHERE sold_at >= TIMESTAMP '2024-03-30 12:00:00'"),
    Q("s09_big_totals", "SELECT count(*) FROM {{sales}} WHERE total > 1000"),
    Q("s10_min_max_ts", "SELECT min(sold_at), max(sold_at) FROM {{sales}}"),
    Q("s11_star", "SELECT * FROM {{sales}} WHERE order_id = 'O000000007' ORDER BY line_no",
      duck=f"SELECT {', '.join(SALES_COLUMNS)}, year, month, day FROM {{{{sales}}}} WHERE order_id = 'O000000007' ORDER BY line_no"),
    Q("s12_limit", "SELECT order_id, line_no FROM {{sales}} WHERE month = 1 AND day = 5 ORDER BY order_id, line_no LIMIT 10"),
    Q("s13_offset", "SELECT order_id, line_no FROM {{sales}} WHERE month = 1 AND day = 5 ORDER BY order_id, line_no LIMIT 5 OFFSET 10"),
    Q("s14_distinct_customers", "SELECT count(DISTINCT customer_id), count(customer_id), count(*) FROM {{sales}}"),
    Q("s15_anonymous", "SELECT payment_type, count(*) FROM {{sales}} WHERE customer_id IS NULL GROUP BY payment_type ORDER BY payment_type"),
    Q("s16_clicks_day", "SELECT count(*), count(DISTINCT session_id) FROM {{clickstream}} WHERE year = 2024 AND month = 2 AND day = 14"),
    Q("s17_clicks_ts", "SELECT count(*) FROM {{clickstream}} WHERE ts < TIMESTAMP '2024-01-01 06:00:00'"),
    # Aggregates.
    Q("a01_region", "SELECT region, count(*), sum(quantity), round(avg(total), 6), min(total), max(total) FROM {{sales}} GROUP BY region ORDER BY region"),
    Q("a02_spread", "SELECT category, round(stddev_samp(total), 6), round(var_pop(quantity), 6) FROM {{sales}} GROUP BY category ORDER BY category"),
    Q("a03_distinct", "SELECT store_id, count(DISTINCT order_id), count(DISTINCT customer_id) FROM {{sales}} GROUP BY store_id ORDER BY store_id"),
    Q("a04_bool_aggs", """
        SELECT payment_type, count_if(discount > 0), bool_or(discount > 0.2), bool_and(quantity > 0)
        FROM {{sales}} GROUP BY payment_type ORDER BY payment_type"""),
    Q("a05_having", """
        SELECT region, category, sum(quantity) AS units FROM {{sales}} GROUP BY region, category
        HAVING sum(quantity) > 500 ORDER BY units DESC, region, category"""),
    Q("a06_by_quantity", "SELECT quantity, count(*) FROM {{sales}} GROUP BY quantity ORDER BY quantity"),
    Q("a07_avg_order", "SELECT month, round(sum(total) / count(DISTINCT order_id), 4) AS avg_order FROM {{sales}} GROUP BY month ORDER BY month"),
    Q("a08_conditional_sum", "SELECT round(sum(CASE WHEN discount > 0 THEN total ELSE 0 END), 2), round(sum(total), 2) FROM {{sales}}"),
    Q("a09_distinct_pairs", "SELECT count(*) FROM (SELECT DISTINCT region, payment_type FROM {{sales}}) t"),
    Q("a10_string_extremes", "SELECT min(order_id), max(order_id), min(category), max(region) FROM {{sales}}"),
    Q("a11_decimal_sum", "SELECT sum(CAST(total AS DECIMAL(12,2))) FROM {{sales}}"),
    Q("a12_decimal_by_region", "SELECT region, sum(CAST(total AS DECIMAL(12,2))) AS revenue FROM {{sales}} GROUP BY region ORDER BY revenue DESC"),
    Q("a13_modulo", "SELECT day % 7 AS d, count(*) FROM {{sales}} GROUP BY day % 7 ORDER BY d"),
    Q("a14_clicks_months", "SELECT year, month, count(*) FROM {{clickstream}} GROUP BY year, month ORDER BY 1, 2"),
    Q("a15_event_types", "SELECT event_type, count(*), count(DISTINCT session_id), count(product_id) FROM {{clickstream}} GROUP BY event_type ORDER BY event_type"),
    Q("a16_device_referrer", "SELECT device, referrer, count(*) FROM {{clickstream}} GROUP BY device, referrer ORDER BY device, referrer NULLS FIRST"),
    Q("a17_null_referrer", "SELECT count(*) FROM {{clickstream}} WHERE referrer IS NULL"),
    Q("a18_inventory_day", "SELECT store_id, sum(on_hand), max(on_order) FROM {{inventory}} WHERE snapshot_date = DATE '2024-02-29' GROUP BY store_id ORDER BY store_id"),
    Q("a19_inventory_dates", "SELECT snapshot_date, count(*) FROM {{inventory}} WHERE snapshot_date >= DATE '2024-03-25' GROUP BY 1 ORDER BY 1"),
    Q("a20_brand_margin", "SELECT brand, count(*), round(avg(list_price - unit_cost), 4) FROM {{products}} GROUP BY brand ORDER BY brand"),
    # Expressions and functions.
    Q("e01_strings", "SELECT category, upper(category), length(category), substr(category, 2, 3), reverse(category) FROM {{products}} GROUP BY category ORDER BY category"),
    Q("e02_split_part", "SELECT split_part(product_name, ' ', 2) AS w, count(*) FROM {{products}} GROUP BY 1 ORDER BY 1"),
    Q("e03_string_funcs", """
        SELECT product_id, strpos(product_name, 'o'), replace(product_name, ' ', '_'), lpad(product_id, 10, '#')
        FROM {{products}} WHERE product_id < 'P000011' ORDER BY product_id"""),
    Q("e04_like", "SELECT count(*) FROM {{products}} WHERE product_name LIKE '%Pro%' AND product_name NOT LIKE 'A%'"),
    Q("e05_like_prefix", "SELECT url, count(*) FROM {{clickstream}} WHERE url LIKE '/c/%' GROUP BY url ORDER BY url"),
    Q("e06_regexp_extract", "SELECT count(DISTINCT regexp_extract(url, '/p/(P[0-9]+)', 1)) FROM {{clickstream}} WHERE url LIKE '/p/%'"),
    Q("e07_regexp_like", "SELECT count(*) FROM {{clickstream}} WHERE regexp_like(url, '^/c/(toys|books)$')",
      duck="SELECT count(*) FROM {{clickstream}} WHERE regexp_matches(url, '^/c/(toys|books)$')"),
    Q("e08_concat", "SELECT concat(region, '-', payment_type) AS k, count(*) FROM {{sales}} GROUP BY 1 ORDER BY 1"),
    Q("e09_constants", "SELECT trim('  x  '), ltrim('  x'), rtrim('x  '), lower('ABC'), 'a' || 'b', length('')"),
    Q("e10_case", """
        SELECT CASE WHEN total < 10 THEN 'small' WHEN total < 100 THEN 'medium' ELSE 'large' END AS size, count(*)
        FROM {{sales}} GROUP BY 1 ORDER BY 1"""),
    Q("e11_coalesce", "SELECT coalesce(referrer, 'direct') AS r, count(*) FROM {{clickstream}} GROUP BY 1 ORDER BY 1"),
    Q("e12_nullif", "SELECT count(nullif(discount, 0)), count(*) FROM {{sales}}"),
    Q("e13_greatest_least", "SELECT greatest(quantity, 3), least(quantity, 3), count(*) FROM {{sales}} GROUP BY 1, 2 ORDER BY 1, 2"),
    Q("e14_math", """
        SELECT round(sum(abs(total - unit_price * quantity)), 4), round(sum(sqrt(total)), 4), round(sum(ln(total + 1)), 4),
               max(floor(total)), max(ceil(total)), round(sum(power(discount, 2)), 6)
        FROM {{sales}}"""),
    Q("e15_round", "SELECT round(unit_price, 0) AS r, count(*) FROM {{sales}} WHERE unit_price < 20 GROUP BY 1 ORDER BY 1"),
    Q("e16_integer_division", "SELECT quantity / 2 AS half, count(*) FROM {{sales}} GROUP BY 1 ORDER BY 1",
      duck="SELECT quantity // 2 AS half, count(*) FROM {{sales}} GROUP BY 1 ORDER BY 1"),
    Q("e17_cast_varchar", "SELECT CAST(quantity AS varchar) || 'x' AS q, count(*) FROM {{sales}} GROUP BY 1 ORDER BY 1"),
    Q("e18_casts", "SELECT CAST('2024-02-29' AS date) + INTERVAL '1' DAY, CAST('12.5' AS double) * 2, CAST(7 AS double) / 2, CAST(3.99 AS integer)"),
    Q("e19_hour", "SELECT hour(ts) AS h, count(*) FROM {{clickstream}} WHERE month = 1 AND day = 1 GROUP BY 1 ORDER BY 1"),
    Q("e20_day_of_week", "SELECT day_of_week(sold_at) AS dow, count(*) FROM {{sales}} GROUP BY 1 ORDER BY 1",
      duck="SELECT isodow(sold_at) AS dow, count(*) FROM {{sales}} GROUP BY 1 ORDER BY 1"),
    Q("e21_week", "SELECT date_trunc('week', sold_at) AS wk, count(*) FROM {{sales}} GROUP BY 1 ORDER BY 1"),
    Q("e22_month_users", "SELECT date_trunc('month', ts) AS m, count(DISTINCT user_id) FROM {{clickstream}} GROUP BY 1 ORDER BY 1"),
    Q("e23_date_diff", "SELECT date_diff('day', DATE '2024-01-01', CAST(sold_at AS date)) AS d, count(*) FROM {{sales}} WHERE month = 1 GROUP BY 1 ORDER BY 1"),
    Q("e24_extract", "SELECT extract(minute FROM sold_at) AS m, count(*) FROM {{sales}} WHERE month = 2 GROUP BY 1 ORDER BY 1"),
    Q("e25_quarter_doy", "SELECT quarter(sold_at), min(day_of_year(sold_at)), max(day_of_year(sold_at)) FROM {{sales}} GROUP BY 1 ORDER BY 1",
      duck="SELECT quarter(sold_at), min(dayofyear(sold_at)), max(dayofyear(sold_at)) FROM {{sales}} GROUP BY 1 ORDER BY 1"),
    Q("e26_date_format", "SELECT count(DISTINCT date_format(sold_at, '%Y-%m-%d %H')) FROM {{sales}}",
      duck="SELECT count(DISTINCT strftime(sold_at, '%Y-%m-%d %H')) FROM {{sales}}"),
    Q("e27_ts_arithmetic", "SELECT count(*) FROM {{sales}} WHERE sold_at + INTERVAL '2' HOUR < TIMESTAMP '2024-01-02 00:00:00'"),
    Q("e28_cast_date", "SELECT CAST(sold_at AS date) AS d, round(sum(total), 2) FROM {{sales}} WHERE month = 2 AND day < 4 GROUP BY 1 ORDER BY 1"),
    Q("e29_in_lists", "SELECT count(*) FROM {{sales}} WHERE payment_type NOT IN ('cash', 'credit_card') AND region IN ('west', 'midwest')"),
    Q("e30_distinct_from", "SELECT count(*) FROM {{clickstream}} WHERE referrer IS DISTINCT FROM 'https://partner.example.net/deals'"),
    Q("e31_string_between", "SELECT count(*) FROM {{sales}} WHERE store_id BETWEEN 'S0003' AND 'S0006'"),
    Q("e32_boolean_key", "SELECT quantity > 2 AS big, count(*) FROM {{sales}} GROUP BY 1 ORDER BY 1"),
    Q("e33_if", "SELECT if(discount > 0, 'disc', 'full') AS k, count(*) FROM {{sales}} GROUP BY 1 ORDER BY 1"),
    Q("e34_sign", "SELECT sign(discount - 0.1) AS s, count(*) FROM {{sales}} GROUP BY 1 ORDER BY 1"),
    Q("e35_date_literal", "SELECT count(*), min(opened_on) FROM {{stores}} WHERE opened_on < DATE '2015-01-01'"),
    Q("e36_starts_with", "SELECT count(*) FROM {{clickstream}} WHERE starts_with(url, '/p/')"),
    # Joins.
    Q("j01_inner", "SELECT s.region, st.city, count(*) FROM {{sales}} s JOIN {{stores}} st ON s.store_id = st.store_id GROUP BY 1, 2 ORDER BY 1, 2"),
    Q("j02_left", """
        SELECT p.category, count(s.order_id) FROM {{products}} p
        LEFT JOIN {{sales}} s ON s.product_id = p.product_id AND s.month = 3 AND s.day = 31 GROUP BY 1 ORDER BY 1"""),
    Q("j03_right", "SELECT count(*), count(p.product_id), count(s.order_id) FROM {{sales}} s RIGHT JOIN {{products}} p ON p.product_id = s.product_id AND s.day = 1 AND s.month = 1"),
    Q("j04_full", """
        SELECT count(*), count(a.store_id), count(b.store_id)
        FROM (SELECT DISTINCT store_id FROM {{inventory}} WHERE on_hand > 40) a
        FULL OUTER JOIN (SELECT DISTINCT store_id FROM {{sales}} WHERE total > 900) b ON a.store_id = b.store_id"""),
    Q("j05_semi", "SELECT count(*) FROM {{products}} WHERE product_id IN (SELECT product_id FROM {{sales}} WHERE month = 1 AND day = 1)"),
    Q("j06_anti", "SELECT count(*) FROM {{products}} p WHERE NOT EXISTS (SELECT 1 FROM {{sales}} s WHERE s.product_id = p.product_id AND s.month = 2)"),
    Q("j07_not_in", "SELECT count(*) FROM {{products}} WHERE product_id NOT IN (SELECT product_id FROM {{clickstream}} WHERE product_id IS NOT NULL AND month = 1 AND day < 3)"),
    Q("j08_three_way", """
        SELECT st.region, p.brand, round(sum(s.total), 2) AS rev
        FROM {{sales}} s JOIN {{products}} p ON p.product_id = s.product_id JOIN {{stores}} st ON st.store_id = s.store_id
        WHERE s.month = 2 GROUP BY 1, 2 ORDER BY rev DESC, 1, 2 LIMIT 15"""),
    Q("j09_using", "SELECT store_id, count(*) FROM {{sales}} JOIN {{stores}} USING (store_id) WHERE day = 7 GROUP BY store_id ORDER BY store_id"),
    Q("j10_residual", "SELECT count(*) FROM {{sales}} s JOIN {{products}} p ON s.product_id = p.product_id AND s.unit_price < p.list_price * 0.9"),
    Q("j11_self", "SELECT count(*) FROM {{stores}} a JOIN {{stores}} b ON a.region = b.region AND a.store_id < b.store_id"),
    Q("j12_cross", "SELECT count(*) FROM {{stores}} CROSS JOIN (SELECT DISTINCT device FROM {{clickstream}}) d"),
    Q("j13_clicks_to_sales", """
        SELECT c.device, count(DISTINCT s.order_id) FROM {{clickstream}} c
        JOIN {{sales}} s ON s.product_id = c.product_id AND s.month = c.month AND s.day = c.day
        WHERE c.event_type = 'purchase' AND c.month = 3 GROUP BY 1 ORDER BY 1"""),
    Q("j14_inventory_stores", """
        SELECT st.store_name, sum(i.on_hand) FROM {{inventory}} i JOIN {{stores}} st ON st.store_id = i.store_id
        WHERE i.snapshot_date = DATE '2024-01-15' GROUP BY 1 ORDER BY 1"""),
    Q("j15_left_anti", """
        SELECT count(*) FROM {{stores}} st
        LEFT JOIN (SELECT DISTINCT store_id FROM {{sales}} WHERE month = 3 AND day = 31 AND payment_type = 'cash') s ON s.store_id = st.store_id
        WHERE s.store_id IS NULL"""),
    # Subqueries and CTEs.
    Q("q01_scalar", "SELECT count(*) FROM {{sales}} WHERE total > (SELECT avg(total) FROM {{sales}})"),
    Q("q02_correlated", """
        SELECT p.category, p.product_id, p.list_price FROM {{products}} p
        WHERE p.list_price = (SELECT max(p2.list_price) FROM {{products}} p2 WHERE p2.category = p.category)
        ORDER BY p.category, p.product_id"""),
    Q("q03_exists", "SELECT count(*) FROM {{stores}} st WHERE EXISTS (SELECT 1 FROM {{sales}} s WHERE s.store_id = st.store_id AND s.total > 1500)"),
    Q("q04_cte_chain", """
        WITH daily AS (SELECT month, day, sum(CAST(total AS DECIMAL(12,2))) AS rev FROM {{sales}} GROUP BY month, day),
             best AS (SELECT month, max(rev) AS top FROM daily GROUP BY month)
        SELECT d.month, d.day, d.rev FROM daily d JOIN best b ON b.month = d.month AND b.top = d.rev ORDER BY d.month"""),
    Q("q05_nested_agg", "SELECT round(avg(n), 4), max(n) FROM (SELECT order_id, count(*) AS n FROM {{sales}} GROUP BY order_id) t"),
    Q("q06_in_having", """
        SELECT region, count(*) FROM {{sales}}
        WHERE customer_id IN (SELECT customer_id FROM {{sales}} GROUP BY customer_id HAVING count(DISTINCT order_id) >= 8)
        GROUP BY region ORDER BY region"""),
    # Exact sums: a CTE used twice is computed twice, and parallel double sums may differ in the last bit.
    Q("q07_cte_twice", "WITH s AS (SELECT store_id, sum(CAST(total AS DECIMAL(12,2))) AS rev FROM {{sales}} GROUP BY store_id) SELECT count(*) FROM s a JOIN s b ON a.rev < b.rev"),
    Q("q08_share", "SELECT region, round(sum(total) / (SELECT sum(total) FROM {{sales}}) * 100, 4) AS pct FROM {{sales}} GROUP BY region ORDER BY region"),
    Q("q09_buckets", """
        SELECT bucket, count(*) FROM (
            SELECT CASE WHEN n >= 5 THEN '5+' ELSE CAST(n AS varchar) END AS bucket
            FROM (SELECT order_id, count(*) AS n FROM {{sales}} GROUP BY 1) a) b
        GROUP BY bucket ORDER BY bucket"""),
    Q("q10_funnel", """
        WITH s AS (SELECT session_id, max(CASE WHEN event_type = 'add_to_cart' THEN 1 ELSE 0 END) AS cart,
                          max(CASE WHEN event_type = 'purchase' THEN 1 ELSE 0 END) AS buy
                   FROM {{clickstream}} GROUP BY session_id)
        SELECT cart, buy, count(*) FROM s GROUP BY cart, buy ORDER BY cart, buy"""),
    # Window functions.
    Q("w01_top3_days", """
        SELECT * FROM (
            SELECT store_id, day, rev, row_number() OVER (PARTITION BY store_id ORDER BY rev DESC, day) AS rn
            FROM (SELECT store_id, day, round(sum(total), 2) AS rev FROM {{sales}} WHERE month = 1 GROUP BY 1, 2) t) u
        WHERE rn <= 3 ORDER BY store_id, rn"""),
    Q("w02_ranks", """
        SELECT category, units, rank() OVER (ORDER BY units DESC), dense_rank() OVER (ORDER BY units DESC)
        FROM (SELECT category, sum(quantity) AS units FROM {{sales}} GROUP BY 1) t ORDER BY units DESC, category"""),
    Q("w03_lag_lead", """
        SELECT day, rev, lag(rev) OVER (ORDER BY day), lead(rev, 2) OVER (ORDER BY day), lag(rev, 1, 0) OVER (ORDER BY day)
        FROM (SELECT day, round(sum(total), 2) AS rev FROM {{sales}} WHERE month = 2 GROUP BY day) t ORDER BY day"""),
    Q("w04_moving_avg", """
        SELECT day, round(avg(rev) OVER (ORDER BY day ROWS BETWEEN 2 PRECEDING AND CURRENT ROW), 4)
        FROM (SELECT day, sum(total) AS rev FROM {{sales}} WHERE month = 3 GROUP BY day) t ORDER BY day"""),
    Q("w05_ntile", "SELECT store_id, ntile(3) OVER (ORDER BY rev DESC, store_id) FROM (SELECT store_id, sum(total) AS rev FROM {{sales}} GROUP BY 1) t ORDER BY store_id"),
    Q("w06_first_last", """
        SELECT DISTINCT region,
               first_value(store_id) OVER (PARTITION BY region ORDER BY store_id ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING),
               last_value(store_id) OVER (PARTITION BY region ORDER BY store_id ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
        FROM {{stores}} ORDER BY region"""),
    Q("w07_percent_rank", """
        SELECT brand, round(percent_rank() OVER (ORDER BY n, brand), 6), round(cume_dist() OVER (ORDER BY n), 6)
        FROM (SELECT brand, count(*) AS n FROM {{products}} GROUP BY brand) t ORDER BY brand"""),
    Q("w08_running_range", """
        SELECT payment_type, quantity, sum(cnt) OVER (PARTITION BY payment_type ORDER BY quantity)
        FROM (SELECT payment_type, quantity, count(*) AS cnt FROM {{sales}} GROUP BY 1, 2) t ORDER BY 1, 2"""),
    Q("w09_share_of_region", """
        SELECT region, category, round(100.0 * sum(total) / sum(sum(total)) OVER (PARTITION BY region), 4)
        FROM {{sales}} GROUP BY region, category ORDER BY region, category"""),
    Q("w10_partition_count", """
        SELECT n, count(*) FROM (SELECT count(*) OVER (PARTITION BY session_id) AS n FROM {{clickstream}} WHERE month = 1) t
        GROUP BY n ORDER BY n"""),
    Q("w11_nth_value", """
        SELECT region, nth_value(store_id, 2) OVER (PARTITION BY region ORDER BY store_id ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS second
        FROM {{stores}} ORDER BY region, second NULLS FIRST"""),
    # Set operations and VALUES.
    Q("u01_union", "SELECT store_id FROM {{stores}} WHERE region = 'west' UNION SELECT store_id FROM {{sales}} WHERE total > 1500 ORDER BY 1"),
    Q("u02_union_all", "SELECT region FROM {{stores}} UNION ALL SELECT region FROM {{stores}}"),
    Q("u03_intersect", "SELECT product_id FROM {{products}} WHERE category = 'toys' INTERSECT SELECT product_id FROM {{sales}} WHERE month = 1 AND day < 10 ORDER BY 1"),
    Q("u04_except", "SELECT product_id FROM {{products}} WHERE category = 'toys' EXCEPT SELECT product_id FROM {{sales}} WHERE month = 1 ORDER BY 1"),
    Q("u05_values", "SELECT * FROM (VALUES (1, 'a'), (2, 'b'), (3, NULL)) AS t(x, y) ORDER BY x"),
    # The raw text tables (two CSV parts, one gzipped; JSON Lines).
    Q("r01_raw_count", "SELECT count(*) FROM {{sales_raw}}"),
    Q("r02_raw_nulls", "SELECT count(*), count(quantity), count(sold_at), sum(quantity) FROM {{sales_raw}}"),
    Q("r03_raw_empty_ids", "SELECT count(*) FROM {{sales_raw}} WHERE order_id = '' OR store_id = '' OR product_id = ''"),
    Q("r04_raw_region", "SELECT region, round(sum(total), 2) FROM {{sales_raw}} WHERE quantity IS NOT NULL GROUP BY 1 ORDER BY 1"),
    Q("r05_raw_events", "SELECT event_type, count(*) FROM {{clickstream_raw}} GROUP BY 1 ORDER BY 1"),
    Q("r06_raw_ts", "SELECT count(*), min(ts), max(ts) FROM {{clickstream_raw}}"),
    Q("r07_raw_null_product", "SELECT count(*) FROM {{clickstream_raw}} WHERE product_id IS NULL"),
    Q("r08_csv_products", "SELECT category, max(list_price), min(unit_cost) FROM {{products}} GROUP BY 1 ORDER BY 1"),
    Q("r09_csv_stores", "SELECT count(*), min(opened_on), max(sq_ft), sum(sq_ft) FROM {{stores}}"),
    Q("r10_raw_dirty_timestamps", "SELECT count(*) FROM {{sales_raw}} WHERE sold_at IS NULL"),
    # Table functions: over the lake, over DuckDB's files, over local CSV / JSON.
    Q("f01_read_parquet_lake", "SELECT count(*), round(sum(total), 2) FROM {{tf_sales}} WHERE month = 2"),
    Q("f02_read_duckdb_files", "SELECT day, count(*), round(sum(total), 2) FROM {{tf_duck_sales}} WHERE month = 3 GROUP BY day ORDER BY day"),
    Q("f03_read_csv", "SELECT category, count(*), round(sum(list_price), 2) FROM read_csv('{{raw}}/csv/products.csv') GROUP BY 1 ORDER BY 1"),
    Q("f04_read_json", "SELECT event_type, count(*) FROM read_json('{{raw}}/json/clickstream.jsonl') GROUP BY 1 ORDER BY 1"),
    Q("f05_read_csv_columns",
      "SELECT region, sum(sq_ft) FROM read_csv('{{raw}}/csv/stores.csv', header => true, columns => 'store_id varchar, store_name varchar, region varchar, city varchar, opened_on date, sq_ft bigint') GROUP BY 1 ORDER BY 1",
      duck="SELECT region, sum(sq_ft) FROM read_csv('{{raw}}/csv/stores.csv', header = true, columns = {'store_id': 'VARCHAR', 'store_name': 'VARCHAR', 'region': 'VARCHAR', 'city': 'VARCHAR', 'opened_on': 'DATE', 'sq_ft': 'BIGINT'}) GROUP BY 1 ORDER BY 1"),
    Q("f06_glob", "SELECT day, count(*) FROM {{tf_sales_jan_glob}} GROUP BY day ORDER BY day"),
    # Tables made by DDL in the setup script: MSCK REPAIR, ADD/DROP PARTITION, CTAS + INSERT INTO.
    Q("d01_msck_table", "SELECT count(*), round(sum(total), 2) FROM {{sales_ext}} WHERE month = 3"),
    Q("d02_ctas_insert", "SELECT month, count(*), round(sum(total), 2) FROM {{sales_copy}} GROUP BY 1 ORDER BY 1"),
    Q("d03_added_partitions", "SELECT count(*), min(day), max(day) FROM {{sales_feb}}"),
    Q("d04_ctas_from_duckdb_files", "SELECT month, region, round(sum(total), 2) FROM {{sales_from_duck}} GROUP BY 1, 2 ORDER BY 1, 2"),
    # Trino decimal and integer semantics (Tarn's default), hand-checked or Trino-emulating DuckDB SQL.
    Q("t01_integer_division", "SELECT 10 / 4, 10 % 4, -7 / 2", trino=True, expected=[[2, 2, -3]]),
    Q("t02_decimal_literal", "SELECT 1.0 * 7 / 3", trino=True, expected=[[Decimal("2.3")]]),
    Q("t03_decimal_division", "SELECT CAST(2.5 AS DECIMAL(3,1)) / 2", trino=True, expected=[[Decimal("1.3")]]),
    Q("t04_decimal_add", "SELECT 1.5 + 1, 0.1 + 0.2", trino=True, expected=[[Decimal("2.5"), Decimal("0.3")]]),
    Q("t05_integer_then_decimal", "SELECT 7 / 2 * 2.0", trino=True, expected=[[Decimal("6.0")]]),
    Q("t06_bigint_by_decimal", "SELECT category, sum(quantity) / 14.0 FROM {{sales}} WHERE month = 3 AND day >= 18 GROUP BY category ORDER BY category",
      trino=True, duck="SELECT category, round(sum(quantity) / 14, 1) FROM {{sales}} WHERE month = 3 AND day >= 18 GROUP BY category ORDER BY category"),
    Q("t07_decimal_avg", "SELECT avg(CAST(total AS DECIMAL(12,2))) FROM {{sales}} WHERE month = 1 AND day = 1",
      trino=True, duck="SELECT round(avg(CAST(total AS DECIMAL(12,2))), 2) FROM {{sales}} WHERE month = 1 AND day = 1"),
    Q("t08_ratio", "SELECT round(1.0 * count_if(discount > 0) / count(*), 4) FROM {{sales}}",
      trino=True, duck="SELECT round(round(count_if(discount > 0) / count(*), 1), 4) FROM {{sales}}"),
]


def public_queries():
    """The ten public queries; P05 and P07 use decimal literals, compared with the double option."""
    out = []
    for path in sorted(PUBLIC_QUERIES.glob("*.sql")):
        text = "\n".join(line for line in path.read_text().splitlines() if not line.lstrip().startswith("--"))
        out.append(Q(path.stem, text.strip().rstrip(";")))
    return out


ALL_QUERIES = public_queries() + QUERIES


# ---------------------------------------------------------------------------------------------
# Setup: data, the Tarn lake, the DuckDB side.

TARN_SETUP = """
CREATE DATABASE retail;
CREATE EXTERNAL TABLE retail.sales_raw (
  order_id string, line_no bigint, store_id string, region string, product_id string, category string,
  quantity bigint, unit_price double, discount double, total double, payment_type string, customer_id string, sold_at timestamp)
ROW FORMAT DELIMITED FIELDS TERMINATED BY ','
LOCATION 's3://raw/sales/'
TBLPROPERTIES ('skip.header.line.count'='1');
CREATE EXTERNAL TABLE retail.clickstream_raw (
  event_id string, session_id string, user_id string, event_type string, url string, product_id string,
  ts timestamp, device string, referrer string, region string)
ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe'
LOCATION 's3://raw/clickstream/';
CREATE EXTERNAL TABLE retail.inventory_raw (snapshot_date date, store_id string, product_id string, on_hand bigint, on_order bigint)
ROW FORMAT DELIMITED FIELDS TERMINATED BY ',' LOCATION 's3://raw/inventory/' TBLPROPERTIES ('skip.header.line.count'='1');
CREATE EXTERNAL TABLE retail.products (product_id string, product_name string, category string, brand string, list_price double, unit_cost double)
ROW FORMAT SERDE 'org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe' WITH SERDEPROPERTIES ('field.delim'=',')
LOCATION 's3://raw/products/' TBLPROPERTIES ('skip.header.line.count'='1');
CREATE EXTERNAL TABLE retail.stores (store_id string, store_name string, region string, city string, opened_on date, sq_ft bigint)
ROW FORMAT DELIMITED FIELDS TERMINATED BY ',' LOCATION 's3://raw/stores/' TBLPROPERTIES ('skip.header.line.count'='1');

CREATE TABLE retail.sales WITH (format = 'PARQUET', external_location = 's3://lake/retail/sales/',
                                partitioned_by = ARRAY['year', 'month', 'day']) AS
SELECT DISTINCT order_id, line_no, store_id, region, product_id, category, quantity, unit_price, discount, total, payment_type,
       nullif(customer_id, '') AS customer_id, sold_at, year(sold_at) AS year, month(sold_at) AS month, day(sold_at) AS day
FROM retail.sales_raw
WHERE order_id <> '' AND store_id <> '' AND product_id <> '' AND quantity IS NOT NULL AND sold_at IS NOT NULL;

CREATE TABLE retail.clickstream WITH (format = 'PARQUET', external_location = 's3://lake/retail/clickstream/',
                                      partitioned_by = ARRAY['year', 'month', 'day']) AS
SELECT event_id, session_id, user_id, event_type, url, product_id, ts, device, referrer, region,
       year(ts) AS year, month(ts) AS month, day(ts) AS day
FROM retail.clickstream_raw;

CREATE TABLE retail.inventory WITH (external_location = 's3://lake/retail/inventory/') AS SELECT * FROM retail.inventory_raw;

CREATE EXTERNAL TABLE retail.sales_ext (
  order_id string, line_no bigint, store_id string, region string, product_id string, category string,
  quantity bigint, unit_price double, discount double, total double, payment_type string, customer_id string, sold_at timestamp)
PARTITIONED BY (year bigint, month bigint, day bigint)
STORED AS PARQUET LOCATION 's3://lake/retail/sales/';
MSCK REPAIR TABLE retail.sales_ext;

CREATE EXTERNAL TABLE retail.sales_feb (order_id string, total double)
PARTITIONED BY (year bigint, month bigint, day bigint)
STORED AS PARQUET LOCATION 's3://lake/retail/sales/';
ALTER TABLE retail.sales_feb ADD {feb_partitions};
ALTER TABLE retail.sales_feb DROP PARTITION (year = 2024, month = 2, day = 29);

CREATE TABLE retail.sales_copy WITH (external_location = 's3://lake/retail/sales_copy/', partitioned_by = ARRAY['month']) AS
SELECT order_id, total, month FROM retail.sales WHERE month = 1;
INSERT INTO retail.sales_copy SELECT order_id, total, month FROM retail.sales WHERE month = 2;

CREATE TABLE retail.sales_from_duck WITH (external_location = 's3://lake/retail/sales_from_duck/', partitioned_by = ARRAY['month']) AS
SELECT region, total, month FROM read_parquet('{duck}/sales/') WHERE day = 1;
"""


def tarn_names(raw, duck_dir):
    return {
        "sales": "retail.sales", "clickstream": "retail.clickstream", "inventory": "retail.inventory",
        "products": "retail.products", "stores": "retail.stores", "sales_raw": "retail.sales_raw",
        "clickstream_raw": "retail.clickstream_raw", "tf_sales": "read_parquet('s3://lake/retail/sales/')",
        "tf_duck_sales": f"read_parquet('{duck_dir}/sales/')", "raw": raw,
        "tf_sales_jan_glob": "read_parquet('s3://lake/retail/sales/year=2024/month=1/*/*.parquet')",
        "sales_ext": "retail.sales_ext", "sales_copy": "retail.sales_copy", "sales_feb": "retail.sales_feb",
        "sales_from_duck": "retail.sales_from_duck",
    }


def duck_names(raw, duck_dir):
    sales_files = f"read_parquet('{duck_dir}/sales/*/*/*/*.parquet', hive_partitioning = true)"
    return {
        "sales": "sales", "clickstream": "clickstream", "inventory": "inventory", "products": "products", "stores": "stores",
        "sales_raw": "sales_raw", "clickstream_raw": "clickstream_raw", "tf_sales": sales_files, "tf_duck_sales": sales_files,
        "raw": raw, "tf_sales_jan_glob": f"(SELECT * FROM {sales_files} WHERE month = 1)",
        "sales_ext": "sales", "sales_copy": "(SELECT order_id, total, month FROM sales WHERE month <= 2)",
        "sales_feb": "(SELECT * FROM sales WHERE month = 2 AND day < 29)",
        "sales_from_duck": "(SELECT region, total, month FROM sales WHERE day = 1)",
    }


def fill(sql, names):
    def replace(match):
        return names[match.group(1)]
    return re.sub(r"\{\{(\w+)\}\}", replace, sql)


def build_duckdb(con, raw, duck_dir):
    """DuckDB's side: the tables cleaned as Benchmarks/sql/prepare.py cleans them, hive-partitioned
    Parquet written with COPY … PARTITION_BY and read back through read_parquet."""
    con.execute("SET threads = 2")
    # Materialized as text first: DuckDB pushes TRY_CAST over read_csv down into the reader,
    # which then fails on the dirty values instead of producing NULL.
    con.execute(f"""CREATE TABLE sales_text AS SELECT * FROM read_csv('{raw}/csv/sales.csv', header = true, auto_detect = false,
        delim = ',', nullstr = '\\N', quote = '', escape = '', columns = {{{", ".join(f"'{c}': 'VARCHAR'" for c in SALES_COLUMNS)}}})""")
    con.execute("""CREATE TABLE sales_raw AS
        SELECT order_id, TRY_CAST(line_no AS BIGINT) line_no, store_id, region, product_id, category,
               TRY_CAST(quantity AS BIGINT) quantity, TRY_CAST(unit_price AS DOUBLE) unit_price, TRY_CAST(discount AS DOUBLE) discount,
               TRY_CAST(total AS DOUBLE) total, payment_type, customer_id, TRY_CAST(sold_at AS TIMESTAMP) sold_at
        FROM sales_text""")
    con.execute("""CREATE TABLE sales_clean AS
        SELECT DISTINCT order_id, line_no, store_id, region, product_id, category, quantity, unit_price, discount, total, payment_type,
               NULLIF(customer_id, '') customer_id, sold_at, year(sold_at) AS "year", month(sold_at) AS "month", day(sold_at) AS "day"
        FROM sales_raw
        WHERE order_id <> '' AND store_id <> '' AND product_id <> '' AND quantity IS NOT NULL AND sold_at IS NOT NULL""")
    con.execute(f"""CREATE TABLE clickstream_raw AS
        SELECT event_id, session_id, user_id, event_type, url, product_id,
               CAST(replace(replace(ts, 'T', ' '), 'Z', '') AS TIMESTAMP) ts, device, referrer, region
        FROM read_json('{raw}/json/clickstream.jsonl', format = 'newline_delimited',
             columns = {{event_id: 'VARCHAR', session_id: 'VARCHAR', user_id: 'VARCHAR', event_type: 'VARCHAR', url: 'VARCHAR',
                        product_id: 'VARCHAR', ts: 'VARCHAR', device: 'VARCHAR', referrer: 'VARCHAR', region: 'VARCHAR'}})""")
    con.execute("""CREATE TABLE clickstream_clean AS
        SELECT *, year(ts) AS "year", month(ts) AS "month", day(ts) AS "day" FROM clickstream_raw""")
    con.execute(f"""CREATE TABLE inventory AS SELECT * FROM read_csv('{raw}/csv/inventory.csv', header = true,
        columns = {{'snapshot_date': 'DATE', 'store_id': 'VARCHAR', 'product_id': 'VARCHAR', 'on_hand': 'BIGINT', 'on_order': 'BIGINT'}})""")
    con.execute(f"""CREATE TABLE products AS SELECT * FROM read_csv('{raw}/csv/products.csv', header = true,
        columns = {{'product_id': 'VARCHAR', 'product_name': 'VARCHAR', 'category': 'VARCHAR', 'brand': 'VARCHAR',
                    'list_price': 'DOUBLE', 'unit_cost': 'DOUBLE'}})""")
    con.execute(f"""CREATE TABLE stores AS SELECT * FROM read_csv('{raw}/csv/stores.csv', header = true,
        columns = {{'store_id': 'VARCHAR', 'store_name': 'VARCHAR', 'region': 'VARCHAR', 'city': 'VARCHAR', 'opened_on': 'DATE',
                    'sq_ft': 'BIGINT'}})""")
    os.makedirs(duck_dir, exist_ok=True)
    for table in ("sales", "clickstream"):
        con.execute(f"COPY {table}_clean TO '{duck_dir}/{table}' (FORMAT parquet, COMPRESSION snappy, PARTITION_BY (year, month, day))")
        con.execute(f"CREATE VIEW {table} AS SELECT * FROM read_parquet('{duck_dir}/{table}/*/*/*/*.parquet', hive_partitioning = true)")


class TarnCLI:
    """Runs statements through embedded `tarn query` on one data directory."""

    SUMMARY = re.compile(r"rows=(\d+) bytes_scanned=(\d+) .*files=(\d+) read/(\d+) skipped row_groups=(\d+) read/(\d+) skipped")

    def __init__(self, data):
        self.data = data

    def run(self, sql, decimal_as_double=True, format="json", database="retail"):
        command = [tarn_binary(), "query", "--data", self.data, "--database", database, "--format", format]
        if decimal_as_double:
            command.append("--decimal-literals-as-double")
        done = subprocess.run(command + [sql], capture_output=True, text=True, timeout=600)
        if done.returncode != 0:
            raise AssertionError(f"tarn query failed ({done.returncode}):\n{sql}\n{done.stderr}")
        return done

    def query(self, sql, decimal_as_double=True):
        done = self.run(sql, decimal_as_double)
        document = json.loads(done.stdout)
        types = [c["type"] for c in document["columns"]]
        rows = [[tarn_value(v, t) for v, t in zip(row, types)] for row in document["rows"]]
        match = self.SUMMARY.search(done.stderr)
        stats = dict(zip(["rows", "bytes", "files_read", "files_skipped", "row_groups_read", "row_groups_skipped"],
                         map(int, match.groups()))) if match else {}
        return rows, stats

    def script(self, text):
        path = os.path.join(self.data, "..", "setup.sql")
        with open(path, "w") as f:
            f.write(text)
        command = [tarn_binary(), "query", "--data", self.data, "--format", "csv", "--file", path]
        done = subprocess.run(command, capture_output=True, text=True, timeout=900)
        if done.returncode != 0:
            raise AssertionError(f"tarn setup script failed:\n{done.stderr}")
        return done


def tarn_value(value, type_name):
    if value is None:
        return None
    if type_name.startswith("decimal"):
        return Decimal(value)
    if type_name == "date":
        return datetime.datetime.fromisoformat(value)
    if type_name.startswith("timestamp"):
        return datetime.datetime.fromisoformat(value.replace(" UTC", ""))
    if isinstance(value, list):
        return tuple(value)
    return value


def normalize(value):
    if isinstance(value, datetime.datetime):
        return value
    if isinstance(value, datetime.date):
        return datetime.datetime(value.year, value.month, value.day)
    if isinstance(value, (list, tuple)):
        return tuple(normalize(v) for v in value)
    return value


def is_number(value):
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)


def same(a, b):
    if a is None or b is None:
        return a is None and b is None
    if is_number(a) and is_number(b):
        if isinstance(a, float) or isinstance(b, float):
            x, y = float(a), float(b)
            return x == y or abs(x - y) <= REL_TOLERANCE * max(abs(x), abs(y))
        return Decimal(a) == Decimal(b)
    if isinstance(a, tuple) and isinstance(b, tuple):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return a == b


def sort_key(row):
    def key(v):
        if v is None:
            return (0, "")
        if is_number(v):
            return (1, float(f"{float(v):.6g}"))
        return (2, str(v))
    return tuple(key(v) for v in row)


def has_top_level_order_by(sql):
    depth = 0
    text = re.sub(r"'[^']*'", "''", sql)
    for match in re.finditer(r"[()]|\bORDER\s+BY\b", text, re.IGNORECASE):
        token = match.group(0)
        if token == "(":
            depth += 1
        elif token == ")":
            depth -= 1
        elif depth == 0:
            return True
    return False


def compare(name, sql, tarn_rows, duck_rows, ordered):
    tarn_rows = [tuple(normalize(v) for v in row) for row in tarn_rows]
    duck_rows = [tuple(normalize(v) for v in row) for row in duck_rows]
    assert len(tarn_rows) == len(duck_rows), f"{name}: Tarn returned {len(tarn_rows)} rows, DuckDB {len(duck_rows)}\n{sql}\n" \
        f"Tarn: {tarn_rows[:5]}\nDuckDB: {duck_rows[:5]}"
    if not ordered:
        tarn_rows = sorted(tarn_rows, key=sort_key)
        duck_rows = sorted(duck_rows, key=sort_key)
    for index, (t, d) in enumerate(zip(tarn_rows, duck_rows)):
        assert len(t) == len(d) and all(same(x, y) for x, y in zip(t, d)), \
            f"{name}: row {index} differs\n{sql}\nTarn:   {t}\nDuckDB: {d}"


@pytest.fixture(scope="module")
def lake(tmp_path_factory):
    """Generates the data, loads it into a real Tarn (server + boto3, then embedded DDL and CTAS)
    and into DuckDB. Yields (tarn, duckdb connection, names for Tarn, names for DuckDB)."""
    base = tmp_path_factory.mktemp("sql-diff")
    raw = str(base / "raw")
    subprocess.run([sys.executable, str(GENERATOR), "--out", raw, "--sf", SCALE], check=True, capture_output=True, timeout=600)
    data = str(base / "tarn-data")

    server = TarnProcess(data).start()
    try:
        s3 = make_s3_client(server.endpoint)
        for bucket in ("raw", "lake"):
            s3.create_bucket(Bucket=bucket)
        with open(f"{raw}/csv/sales.csv", "rb") as f:
            lines = f.read().splitlines(keepends=True)
        header, rows = lines[0], lines[1:]
        half = len(rows) // 2
        s3.put_object(Bucket="raw", Key="sales/part-0.csv", Body=b"".join([header] + rows[:half]))
        s3.put_object(Bucket="raw", Key="sales/part-1.csv.gz", Body=gzip.compress(b"".join([header] + rows[half:])))
        s3.upload_file(f"{raw}/json/clickstream.jsonl", "raw", "clickstream/clickstream.jsonl")
        for table in ("inventory", "products", "stores"):
            s3.upload_file(f"{raw}/csv/{table}.csv", "raw", f"{table}/{table}.csv")
        s3.put_object(Bucket="raw", Key="sales/_SUCCESS", Body=b"")
    finally:
        server.stop()

    duck_dir = str(base / "duck-lake")
    con = duckdb.connect()
    build_duckdb(con, raw, duck_dir)

    tarn = TarnCLI(data)
    feb = " ".join(f"PARTITION (year = 2024, month = 2, day = {d})" for d in range(1, 30))
    tarn.script(TARN_SETUP.replace("{feb_partitions}", feb).replace("{duck}", duck_dir))
    yield tarn, con, tarn_names(raw, duck_dir), duck_names(raw, duck_dir)
    con.close()
    if os.environ.get("TARN_KEEP_DATA") is None:
        shutil.rmtree(base, ignore_errors=True)


def test_differential_queries(lake):
    """Every query, Tarn against DuckDB (one test, so the expensive setup runs once and a
    failure report lists every mismatch)."""
    tarn, con, t_names, d_names = lake
    assert len(ALL_QUERIES) >= 100
    failures = []
    for q in ALL_QUERIES:
        tarn_sql = fill(q.sql, t_names)
        try:
            tarn_rows, _ = tarn.query(tarn_sql, decimal_as_double=not q.trino)
            if q.expected is not None:
                duck_rows = q.expected
            else:
                duck_rows = con.execute(fill(q.duck or q.sql, d_names)).fetchall()
            ordered = q.ordered if q.ordered is not None else has_top_level_order_by(q.sql)
            compare(q.name, tarn_sql, tarn_rows, duck_rows, ordered)
        except AssertionError as error:
            failures.append(str(error))
    assert not failures, f"{len(failures)} of {len(ALL_QUERIES)} queries differ:\n\n" + "\n\n".join(failures)


def test_pruning_and_accounting(lake):
    """Partition pruning, row-group skipping, column pruning and LIMIT show in the figures."""
    tarn, _, names, _ = lake
    _, full = tarn.query("SELECT sum(total), sum(quantity), count(DISTINCT order_id) FROM retail.sales")
    assert full["files_read"] == 91 and full["files_skipped"] == 0
    _, one_day = tarn.query("SELECT sum(total) FROM retail.sales WHERE year = 2024 AND month = 2 AND day = 14")
    assert one_day["files_read"] == 1 and one_day["files_skipped"] == 90
    assert one_day["bytes"] * 20 < full["bytes"]
    _, one_column = tarn.query("SELECT sum(total) FROM retail.sales")
    assert one_column["bytes"] < full["bytes"]
    _, limited = tarn.query("SELECT order_id FROM retail.sales LIMIT 3")
    assert limited["files_read"] < 91
    # The CTAS files are sorted by nothing in particular; a predicate no row group can meet
    # reads footers only.
    _, nothing = tarn.query("SELECT count(*) FROM retail.sales WHERE total > 1e9")
    assert nothing["row_groups_read"] == 0 and nothing["row_groups_skipped"] >= 91
    # Text: bytes scanned is the object bytes (the gzip part counted compressed).
    _, text = tarn.query("SELECT count(*) FROM retail.sales_raw")
    assert 0 < text["bytes"]


def test_catalog_statements(lake):
    """SHOW / DESCRIBE / EXPLAIN through the CLI, in every output format."""
    tarn, con, _, _ = lake
    partitions = tarn.run("SHOW PARTITIONS retail.sales", format="csv").stdout.splitlines()
    days = con.execute("SELECT count(DISTINCT (year, month, day)) FROM sales").fetchone()[0]
    assert partitions[0] == "partition" and len(partitions) - 1 == days == 91
    assert "year=2024/month=1/day=1" in partitions
    tables = tarn.run("SHOW TABLES IN retail", format="csv").stdout.split()
    assert {"sales", "clickstream", "sales_raw", "sales_ext", "sales_copy", "sales_feb"} <= set(tables)
    describe = tarn.run("DESCRIBE retail.sales", format="csv").stdout
    assert "sold_at,timestamp," in describe and "# Partition Information" in describe
    explain = tarn.run("EXPLAIN ANALYZE SELECT region, count(*) FROM retail.sales WHERE month = 1 GROUP BY region", format="csv").stdout
    assert "bytes_scanned=" in explain and "files=31 read/60 skipped" in explain
    table = tarn.run("SELECT region, count(*) AS n FROM retail.stores GROUP BY region ORDER BY region", format="table").stdout
    assert table.splitlines()[0].split("|")[0].strip() == "region"
    failed = subprocess.run([tarn_binary(), "query", "--data", tarn.data, "SELECT nope FROM retail.sales"], capture_output=True, text=True)
    assert failed.returncode != 0 and "nope" in failed.stderr

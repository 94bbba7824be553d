import Testing
import TarnCore
@testable import SQLParser

@Suite struct ParserTests {
    /// Parsing the printed form of a statement gives the same tree.
    @Test(arguments: [
        "SELECT a, b AS c FROM t WHERE a > 1 AND NOT b IS NULL ORDER BY a DESC NULLS FIRST, 2 LIMIT 10",
        "SELECT DISTINCT x FROM db.t AS y",
        "SELECT count(*), count(DISTINCT a), sum(b) FILTER (WHERE c) FROM t GROUP BY 1, lower(d) HAVING count(*) > 2",
        "WITH a AS (SELECT 1 AS x), b (y) AS (SELECT x FROM a) SELECT * FROM b",
        "SELECT * FROM a LEFT JOIN b ON a.k = b.k RIGHT JOIN c USING (k) FULL OUTER JOIN d ON TRUE CROSS JOIN e",
        "SELECT * FROM (SELECT 1) AS s (a), t",
        "SELECT a FROM t WHERE a IN (1, 2, 3) AND b NOT IN (SELECT b FROM u) OR EXISTS (SELECT 1 FROM v WHERE v.a = t.a)",
        "SELECT (SELECT max(x) FROM u), CASE WHEN a THEN 1 WHEN b THEN 2 ELSE 3 END, CASE a WHEN 1 THEN 'x' END FROM t",
        "SELECT a LIKE 'x%' ESCAPE '!', a NOT LIKE '_', a BETWEEN 1 AND 2, a NOT BETWEEN b AND c FROM t",
        "SELECT CAST(a AS decimal(10, 2)), TRY_CAST(b AS varchar), DATE '2024-01-01', TIMESTAMP '2024-01-01 10:00:00'",
        "SELECT a + INTERVAL '1' DAY, a - INTERVAL - '2' HOUR FROM t",
        "SELECT row_number() OVER (PARTITION BY a ORDER BY b DESC), sum(c) OVER (ORDER BY d ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) FROM t",
        "SELECT lag(a, 1, 0) OVER (ORDER BY b RANGE BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) FROM t",
        "SELECT a FROM t UNION ALL SELECT b FROM u EXCEPT SELECT c FROM v INTERSECT SELECT d FROM w",
        "SELECT -a, - -b, a - -1, (a + b) * c, a - (b - c), a || b || c, NOT NOT a FROM t",
        "SELECT a IS DISTINCT FROM b, a IS NOT DISTINCT FROM NULL, a IS NOT NULL FROM t",
        "SELECT * FROM read_parquet('s3://b/p/', hive_partitioning => true) AS r",
        "SELECT \"select\", \"Mixed Case\" FROM \"from\"",
        "VALUES (1, 'a'), (2, 'b')",
        "SELECT EXTRACT(YEAR FROM d), ARRAY['a', 'b'] FROM t",
        "SELECT a FROM t ORDER BY a OFFSET 5 LIMIT 10",
        "EXPLAIN ANALYZE SELECT 1",
        "CREATE DATABASE IF NOT EXISTS sales COMMENT 'x' LOCATION 's3://b/sales/'",
        "CREATE EXTERNAL TABLE IF NOT EXISTS db.t (a bigint, b varchar COMMENT 'b', c decimal(10, 2)) PARTITIONED BY (year int, month int) ROW FORMAT DELIMITED FIELDS TERMINATED BY ',' STORED AS TEXTFILE LOCATION 's3://b/t/' TBLPROPERTIES ('skip.header.line.count' = '1')",
        "CREATE EXTERNAL TABLE j (a string) ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe' STORED AS TEXTFILE LOCATION 's3://b/j/'",
        "CREATE TABLE m WITH (format = 'PARQUET', partitioned_by = ARRAY['year'], external_location = 's3://b/m/') AS SELECT a, year FROM t",
        "INSERT INTO t (a, b) SELECT a, b FROM u",
        "INSERT INTO t SELECT * FROM u",
        "DROP TABLE IF EXISTS db.t",
        "DROP DATABASE IF EXISTS db CASCADE",
        "MSCK REPAIR TABLE t",
        "ALTER TABLE t ADD IF NOT EXISTS PARTITION (year = 2024, month = '01') LOCATION 's3://b/t/2024/01/' PARTITION (year = 2024, month = '02')",
        "ALTER TABLE t DROP IF EXISTS PARTITION (year = 2024), PARTITION (year = 2025)",
        "SHOW DATABASES LIKE 'a%'", "SHOW TABLES IN db LIKE 't%'", "SHOW PARTITIONS db.t", "SHOW COLUMNS FROM t",
        "SHOW CREATE TABLE t", "DESCRIBE db.t", "USE db",
    ])
    func roundTrip(_ sql: String) throws {
        let statement = try SQLParser.parse(sql)
        let printed = statement.sql
        let reparsed = try SQLParser.parse(printed)
        #expect(reparsed == statement, "printed: \(printed)")
        #expect(reparsed.sql == printed)
    }

    @Test func precedenceFollowsTrino() throws {
        let e = try SQLParser.parseExpression("a OR b AND NOT c = d + e * f || g")
        guard case .binary(.or, _, let right) = e.kind, case .binary(.and, _, let notC) = right.kind,
            case .unary(.not, let comparison) = notC.kind, case .binary(.equal, _, let concat) = comparison.kind,
            case .binary(.concat, let sum, _) = concat.kind, case .binary(.add, _, let product) = sum.kind,
            case .binary(.multiply, _, _) = product.kind
        else {
            Issue.record("unexpected tree \(e)")
            return
        }
    }

    @Test func literalsKeepTheirKinds() throws {
        #expect(try SQLParser.parseExpression("12").kind == .literal(.integer("12")))
        #expect(try SQLParser.parseExpression("12.50").kind == .literal(.decimal("12.50")))
        #expect(try SQLParser.parseExpression("1e3").kind == .literal(.double("1e3")))
        #expect(try SQLParser.parseExpression("DATE '2024-01-01'").kind == .literal(.typed(type: "DATE", value: "2024-01-01")))
        #expect(try SQLParser.parseExpression("INTERVAL '3' DAYS").kind == .literal(.interval(value: "3", negative: false, unit: .day, to: nil)))
    }

    @Test func nonReservedWordsAreColumnNames() throws {
        guard case .query(let q) = try SQLParser.parse("SELECT year, month, day, date FROM t WHERE day BETWEEN 1 AND 2"),
            case .select(let s) = q.body
        else {
            Issue.record("not a select")
            return
        }
        #expect(s.items.count == 4)
    }

    @Test func aliasesWithoutAs() throws {
        guard case .query(let q) = try SQLParser.parse("SELECT a x, b FROM t s JOIN u ON s.a = u.a"), case .select(let s) = q.body else {
            Issue.record("not a select")
            return
        }
        #expect(s.items[0] == .expression(Expression(.identifier([Identifier("a")])), alias: Identifier("x")))
    }

    @Test(arguments: [
        ("SELECT a, b FROM t WHERE", "line 1:25: mismatched input '<EOF>'. Expecting: <expression>"),
        ("SELECT a FROM t x y", "line 1:19: mismatched input 'y'. Expecting: ','"),
        ("SELEC a FROM t", "line 1:1: mismatched input 'SELEC'. Expecting: 'SELECT'"),
        ("SELECT * FROM t GROUP a", "line 1:23: mismatched input 'a'. Expecting: 'BY'"),
        ("SELECT CASE WHEN a THEN 1 FROM t", "line 1:27: mismatched input 'FROM'. Expecting: 'WHEN', 'ELSE', 'END'"),
        ("SELECT (1 + 2", "line 1:14: mismatched input '<EOF>'. Expecting: ')'"),
        ("SELECT a FROM t\nWHERE a = = 1", "line 2:11: mismatched input '='. Expecting: <expression>"),
        ("SELECT 1 FROM t LEFT JOIN u", "line 1:28: mismatched input '<EOF>'. Expecting: 'ON', 'USING'"),
    ])
    func syntaxErrors(_ sql: String, _ message: String) throws {
        do {
            _ = try SQLParser.parse(sql)
            Issue.record("expected a syntax error for \(sql)")
        } catch let error as TarnError {
            #expect(error.code == .syntaxError)
            #expect(error.message.hasPrefix(message), "got: \(error.message)")
        }
    }

    @Test func caretRendering() throws {
        let sql = "SELECT a\nFROM t\nWHERE a = = 1"
        do {
            _ = try SQLParser.parse(sql)
            Issue.record("expected an error")
        } catch let error as TarnError {
            let rendered = SQLDiagnostics.render(error, sql: sql)
            let lines = rendered.split(separator: "\n", omittingEmptySubsequences: false)
            #expect(lines.count == 3)
            #expect(lines[1] == "WHERE a = = 1")
            #expect(lines[2] == "          ^")
        }
    }

    @Test func ctasPropertiesKeepArrays() throws {
        guard case .createTableAsSelect(let ctas) = try SQLParser.parse(
            "CREATE TABLE m WITH (format='PARQUET', partitioned_by=ARRAY['year','month']) AS SELECT 1") else {
            Issue.record("not CTAS")
            return
        }
        #expect(ctas.properties.map(\.key) == ["format", "partitioned_by"])
        #expect(ctas.properties[1].value.kind == .array([Expression(.literal(.string("year"))), Expression(.literal(.string("month")))]))
    }
}

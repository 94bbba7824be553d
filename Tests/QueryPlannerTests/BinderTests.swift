import Columnar
import QueryPlanner
import SQLParser
import TarnCore
import Testing

@Suite struct BinderTests {
    @Test(arguments: [
        ("SELECT nope FROM sales", "line 1:8: Column 'nope' cannot be resolved"),
        ("SELECT *\nFROM missing", "line 2:6: Table 'default.missing' does not exist"),
        ("SELECT qty, frobnicate(qty) FROM sales", "line 1:13: Function 'frobnicate' not registered"),
        ("SELECT store_id FROM sales s JOIN stores t ON s.store_id = t.store_id", "line 1:8: Column 'store_id' is ambiguous"),
        ("SELECT store_id, sum(qty) FROM sales", "line 1:8: 'store_id' must be an aggregate expression or appear in GROUP BY clause"),
        ("SELECT qty FROM sales WHERE qty", "line 1:29: WHERE clause must evaluate to a boolean: actual type bigint"),
        ("SELECT qty + order_id FROM sales", "line 1:8: Cannot apply operator: bigint + varchar"),
        ("SELECT sum(qty) FROM sales GROUP BY 3", "line 1:37: GROUP BY position 3 is not in select list"),
        ("SELECT s.nope FROM sales s", "line 1:8: Column 's.nope' cannot be resolved"),
        ("SELECT abs(order_id) FROM sales", "line 1:8: Unexpected parameters (varchar) for function abs"),
        ("SELECT row_number() FROM sales", "line 1:8: Window function row_number requires an OVER clause"),
        ("SELECT qty FROM sales GROUP BY sum(qty)", "GROUP BY clause cannot contain aggregations"),
        ("SELECT DATE '2024-02-30'", "line 1:8: '2024-02-30' is not a valid DATE literal"),
    ])
    func errorsNameThePosition(_ sql: String, _ message: String) throws {
        do {
            _ = try Planner.bind(sql)
            Issue.record("expected an error")
        } catch let error as TarnError {
            #expect(error.message.contains(message), "got: \(error.message)")
        }
    }

    @Test func literalTypes() throws {
        #expect(try Planner.type("1") == .int32)
        #expect(try Planner.type("3000000000") == .int64)
        #expect(try Planner.type("12.50") == .decimal(precision: 4, scale: 2))
        #expect(try Planner.type("1e3") == .float64)
        #expect(try Planner.type("'x'") == .string)
        #expect(try Planner.type("DATE '2024-01-01'") == .date)
        #expect(try Planner.type("TIMESTAMP '2024-01-01 10:00:00'") == SQLTypes.timestamp)
        let asDouble = try Planner.bind("SELECT 12.5", options: BinderOptions(parseDecimalLiteralsAsDouble: true))
        #expect(asDouble.plan.outputs[0].type == .float64)
    }

    @Test func arithmeticFollowsTrino() throws {
        #expect(try Planner.type("store_id + 1") == .int32)
        #expect(try Planner.type("store_id + qty") == .int64)
        #expect(try Planner.type("small * small") == .int16)
        #expect(try Planner.type("qty / 2") == .int64)
        #expect(try Planner.type("qty * 1.5") == .decimal(precision: 21, scale: 1))
        #expect(try Planner.type("price + price") == .decimal(precision: 11, scale: 2))
        #expect(try Planner.type("price * price") == .decimal(precision: 20, scale: 4))
        #expect(try Planner.type("price / 3") == .decimal(precision: 10, scale: 2))
        #expect(try Planner.type("price / 0.5") == .decimal(precision: 11, scale: 2))
        #expect(try Planner.type("price % 7") == .decimal(precision: 10, scale: 2))
        #expect(try Planner.type("total + qty") == .float64)
        #expect(try Planner.type("price * total") == .float64)
    }

    @Test func aggregateResultTypes() throws {
        #expect(try Planner.type("sum(store_id)") == .int64)
        #expect(try Planner.type("sum(price)") == .decimal(precision: 38, scale: 2))
        #expect(try Planner.type("avg(qty)") == .float64)
        #expect(try Planner.type("avg(price)") == .decimal(precision: 10, scale: 2))
        #expect(try Planner.type("count(DISTINCT order_id)") == .int64)
        #expect(try Planner.type("max(sold_at)") == SQLTypes.timestamp)
        #expect(try Planner.type("approx_distinct(order_id)") == .int64)
        #expect(try Planner.type("stddev(qty)") == .float64)
    }

    @Test func timestampsAreNormalizedToMicroseconds() throws {
        #expect(try Planner.type("sold_at") == .timestamp(.microseconds, utc: false))
        #expect(try Planner.type("hour(sold_at)") == .int64)
        #expect(try Planner.type("date_trunc('day', sold_at)") == SQLTypes.timestamp)
        #expect(try Planner.type("sold_at + INTERVAL '1' DAY") == SQLTypes.timestamp)
    }

    @Test func stringLiteralsCoerceToDates() throws {
        let plan = try Planner.bind("SELECT name FROM stores WHERE opened >= '2024-01-01'").plan
        let filter = Planner.nodes(plan).compactMap { node -> Expr? in if case .filter(let f) = node { f.predicate } else { nil } }.first
        guard case .compare(.greaterOrEqual, _, .cast(.literal(.string("2024-01-01"), .string), .date, _))? = filter else {
            Issue.record("expected a cast of the literal to date, got \(String(describing: filter))")
            return
        }
    }

    @Test func groupByOrdinalsNamesAndExpressions() throws {
        let names = try Planner.bind("SELECT year, month, sum(qty) AS units FROM sales GROUP BY year, 2 ORDER BY units DESC").names
        #expect(names == ["year", "month", "units"])
        _ = try Planner.bind("SELECT hour(sold_at) AS h, count(*) FROM sales GROUP BY hour(sold_at)")
        _ = try Planner.bind("SELECT hour(sold_at) AS h, count(*) FROM sales GROUP BY h")
        _ = try Planner.bind("SELECT store_id + 1, count(*) FROM sales GROUP BY store_id + 1")
    }

    @Test func usingJoinMergesTheColumn() throws {
        let bound = try Planner.bind("SELECT * FROM sales JOIN stores USING (store_id)")
        #expect(bound.names.first == "store_id")
        #expect(bound.names.filter { $0 == "store_id" }.count == 1)
    }

    @Test func ctesAndSubqueriesBind() throws {
        _ = try Planner.bind(
            """
            WITH s AS (SELECT store_id, sum(total) AS revenue FROM sales GROUP BY store_id)
            SELECT t.name, s.revenue FROM s JOIN stores t ON t.store_id = s.store_id
            WHERE s.revenue > (SELECT avg(revenue) FROM s) AND t.store_id IN (SELECT store_id FROM stores WHERE name LIKE 'A%')
            ORDER BY 2 DESC LIMIT 5
            """)
    }

    @Test func windowOverAggregate() throws {
        let bound = try Planner.bind(
            "SELECT day, sum(total), sum(sum(total)) OVER (ORDER BY day ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) FROM sales GROUP BY day")
        let windows = Planner.nodes(bound.plan).compactMap { if case .window(let w) = $0 { w } else { nil } }
        #expect(windows.count == 1)
        #expect(windows.first?.functions.first?.call.frame == Frame(rows: true, start: .unboundedPreceding, end: .currentRow))
    }
}

import Columnar
import QueryPlanner
import SQLParser
import TarnCore

/// A table known only by its schema and size.
struct TestTable: TableProvider {
    var displayName: String
    var columns: [Field]
    var partitionColumns: [Field] = []
    var estimatedRowCount: Int?
}

enum Planner {
    static let catalog = StaticCatalog(tables: [
        "sales": TestTable(
            displayName: "default.sales",
            columns: [
                Field("order_id", .string), Field("store_id", .int32), Field("qty", .int64), Field("price", .decimal(precision: 10, scale: 2)),
                Field("total", .float64), Field("sold_at", .timestamp(.milliseconds, utc: false)), Field("small", .int16),
            ],
            partitionColumns: [Field("year", .int32), Field("month", .int32), Field("day", .int32)], estimatedRowCount: 10_000_000),
        "stores": TestTable(
            displayName: "default.stores", columns: [Field("store_id", .int32), Field("name", .string), Field("opened", .date)],
            estimatedRowCount: 200),
    ])

    static func bind(_ sql: String, options: BinderOptions = BinderOptions()) throws -> BoundQuery {
        guard case .query(let query) = try SQLParser.parse(sql) else { throw TarnError(.invalidArgument, "not a query") }
        return try Binder(catalog: catalog, options: options).bind(query)
    }

    static func optimize(_ sql: String, disabled: Set<String> = []) throws -> LogicalPlan {
        try Optimizer(disabled: disabled).optimize(try bind(sql).plan)
    }

    /// The type of the single select item of `SELECT <expr> FROM sales`.
    static func type(_ expression: String) throws -> DataType {
        try bind("SELECT \(expression) FROM sales").plan.outputs[0].type
    }

    /// All nodes of a plan, depth first.
    static func nodes(_ plan: LogicalPlan) -> [LogicalPlan] {
        [plan] + plan.inputs.flatMap(nodes)
    }

    static func scans(_ plan: LogicalPlan) -> [ScanNode] {
        nodes(plan).compactMap { if case .scan(let s) = $0 { s } else { nil } }
    }
}

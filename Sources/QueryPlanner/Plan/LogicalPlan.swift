import Columnar

/// A logical query plan: what to compute, not how. Every node lists the columns it outputs as
/// `ColumnRef`s; parents refer to them by id.
public indirect enum LogicalPlan: Hashable, Sendable {
    /// Reads a table (pushed filters and limit are hints the source may use to prune).
    case scan(ScanNode)
    /// Literal rows (`VALUES`, `SELECT` without FROM).
    case values(ValuesNode)
    /// Keeps rows where the predicate is true.
    case filter(FilterNode)
    /// Computes new columns.
    case project(ProjectNode)
    /// Groups and aggregates (no groups: one row).
    case aggregate(AggregateNode)
    /// Joins two inputs.
    case join(JoinNode)
    /// Orders rows.
    case sort(SortNode)
    /// Skips `offset` rows and keeps at most `limit`.
    case limit(LimitNode)
    /// Adds window function columns.
    case window(WindowNode)
    /// Concatenates inputs (UNION ALL).
    case union(UnionNode)

    /// The output columns.
    public var outputs: [ColumnRef] {
        switch self {
        case .scan(let n): n.columns.map(\.ref)
        case .values(let n): n.columns
        case .filter(let n): n.input.outputs
        case .project(let n): n.items.map(\.ref)
        case .aggregate(let n): n.groups.map(\.ref) + n.aggregates.map(\.ref)
        case .join(let n):
            switch n.kind {
            case .semi, .anti: n.left.outputs
            default: n.left.outputs + n.right.outputs
            }
        case .sort(let n): n.input.outputs
        case .limit(let n): n.input.outputs
        case .window(let n): n.input.outputs + n.functions.map(\.ref)
        case .union(let n): n.columns
        }
    }

    /// The inputs.
    public var inputs: [LogicalPlan] {
        switch self {
        case .scan, .values: []
        case .filter(let n): [n.input]
        case .project(let n): [n.input]
        case .aggregate(let n): [n.input]
        case .join(let n): [n.left, n.right]
        case .sort(let n): [n.input]
        case .limit(let n): [n.input]
        case .window(let n): [n.input]
        case .union(let n): n.inputs
        }
    }

    /// The node with its inputs replaced (same count and order as `inputs`).
    public func withInputs(_ new: [LogicalPlan]) -> LogicalPlan {
        switch self {
        case .scan, .values: return self
        case .filter(var n): n.input = new[0]; return .filter(n)
        case .project(var n): n.input = new[0]; return .project(n)
        case .aggregate(var n): n.input = new[0]; return .aggregate(n)
        case .join(var n): n.left = new[0]; n.right = new[1]; return .join(n)
        case .sort(var n): n.input = new[0]; return .sort(n)
        case .limit(var n): n.input = new[0]; return .limit(n)
        case .window(var n): n.input = new[0]; return .window(n)
        case .union(var n): n.inputs = new; return .union(n)
        }
    }

    /// Rewrites bottom-up.
    public func transformUp(_ rewrite: (LogicalPlan) throws -> LogicalPlan) rethrows -> LogicalPlan {
        let kids = inputs
        let node = kids.isEmpty ? self : withInputs(try kids.map { try $0.transformUp(rewrite) })
        return try rewrite(node)
    }

    /// All expressions held by this node (not its inputs).
    public var expressions: [Expr] {
        switch self {
        case .scan(let n): n.filters
        case .values(let n): n.rows.flatMap { $0 }
        case .filter(let n): [n.predicate]
        case .project(let n): n.items.map(\.expr)
        case .aggregate(let n): n.groups.map(\.expr) + n.aggregates.flatMap { $0.call.arguments + ($0.call.filter.map { [$0] } ?? []) }
        case .join(let n): n.leftKeys + n.rightKeys + (n.residual.map { [$0] } ?? [])
        case .sort(let n): n.keys.map(\.expr)
        case .limit: []
        case .window(let n): n.functions.flatMap { $0.call.arguments + $0.call.partitionBy + $0.call.orderBy.map(\.expr) }
        case .union: []
        }
    }

    /// Estimated output rows (nil when unknown), for join side selection.
    public var estimatedRows: Double? {
        switch self {
        case .scan(let n):
            guard let rows = n.table.provider.estimatedRowCount else { return nil }
            var estimate = Double(rows)
            if !n.filters.isEmpty { estimate *= 0.25 }
            if let limit = n.limit { estimate = min(estimate, Double(limit)) }
            return estimate
        case .values(let n): return Double(n.rows.count)
        case .filter(let n): return n.input.estimatedRows.map { $0 * 0.25 }
        case .project(let n): return n.input.estimatedRows
        case .aggregate(let n):
            if n.groups.isEmpty { return 1 }
            return n.input.estimatedRows.map { max(1, $0 / 10) }
        case .join(let n):
            guard let l = n.left.estimatedRows, let r = n.right.estimatedRows else { return nil }
            switch n.kind {
            case .semi, .anti: return l
            case .cross: return l * r
            default: return max(l, r)
            }
        case .sort(let n): return n.input.estimatedRows
        case .limit(let n):
            let input = n.input.estimatedRows
            guard let limit = n.limit else { return input }
            return min(input ?? Double(limit), Double(limit))
        case .window(let n): return n.input.estimatedRows
        case .union(let n):
            var total = 0.0
            for input in n.inputs {
                guard let rows = input.estimatedRows else { return nil }
                total += rows
            }
            return total
        }
    }
}

/// A scan of one table.
public struct ScanNode: Hashable, Sendable {
    /// One column read from the table.
    public struct Column: Hashable, Sendable {
        /// The column as the plan refers to it.
        public var ref: ColumnRef
        /// The table's name for it.
        public var sourceName: String
        /// Whether it is a partition column.
        public var isPartition: Bool

        /// Creates a scan column.
        public init(ref: ColumnRef, sourceName: String, isPartition: Bool) {
            self.ref = ref
            self.sourceName = sourceName
            self.isPartition = isPartition
        }
    }
    /// The table.
    public var table: TableReference
    /// The columns read (after projection pruning: only those used).
    public var columns: [Column]
    /// Conjuncts over scan columns the source can use to skip partitions, files and row groups.
    /// They are hints: the plan keeps a Filter above that enforces them.
    public var filters: [Expr]
    /// At most this many rows are needed (no filter above the scan).
    public var limit: Int?

    /// Creates a scan.
    public init(table: TableReference, columns: [Column], filters: [Expr] = [], limit: Int? = nil) {
        self.table = table
        self.columns = columns
        self.filters = filters
        self.limit = limit
    }
}

/// Literal rows.
public struct ValuesNode: Hashable, Sendable {
    /// Output columns.
    public var columns: [ColumnRef]
    /// Constant expressions, one array per row.
    public var rows: [[Expr]]

    /// Creates the node.
    public init(columns: [ColumnRef], rows: [[Expr]]) {
        self.columns = columns
        self.rows = rows
    }
}

/// A filter.
public struct FilterNode: Hashable, Sendable {
    /// The input.
    public var input: LogicalPlan
    /// The boolean predicate (NULL counts as false).
    public var predicate: Expr

    /// Creates the node.
    public init(input: LogicalPlan, predicate: Expr) {
        self.input = input
        self.predicate = predicate
    }
}

/// An output column with the expression that computes it.
public struct NamedExpr: Hashable, Sendable {
    /// The output column.
    public var ref: ColumnRef
    /// Its definition over the input columns.
    public var expr: Expr

    /// Creates the pair.
    public init(_ ref: ColumnRef, _ expr: Expr) {
        self.ref = ref
        self.expr = expr
    }
}

/// A projection.
public struct ProjectNode: Hashable, Sendable {
    /// The input.
    public var input: LogicalPlan
    /// Output columns.
    public var items: [NamedExpr]

    /// Creates the node.
    public init(input: LogicalPlan, items: [NamedExpr]) {
        self.input = input
        self.items = items
    }
}

/// Aggregate functions.
public enum AggregateFunction: String, Hashable, Sendable, CaseIterable {
    case count, countStar = "count_star", sum, avg, min, max
    case approxDistinct = "approx_distinct"
    case stddevSamp = "stddev_samp", stddevPop = "stddev_pop", varianceSamp = "var_samp", variancePop = "var_pop"
    case boolAnd = "bool_and", boolOr = "bool_or", arbitrary
    case countIf = "count_if"
}

/// One aggregate computation.
public struct AggregateCall: Hashable, Sendable {
    /// The function.
    public var function: AggregateFunction
    /// Arguments over the input columns.
    public var arguments: [Expr]
    /// `DISTINCT`.
    public var distinct: Bool
    /// `FILTER (WHERE …)`.
    public var filter: Expr?
    /// The result type.
    public var type: DataType

    /// Creates a call.
    public init(function: AggregateFunction, arguments: [Expr], distinct: Bool = false, filter: Expr? = nil, type: DataType) {
        self.function = function
        self.arguments = arguments
        self.distinct = distinct
        self.filter = filter
        self.type = type
    }
}

/// An aggregate output.
public struct NamedAggregate: Hashable, Sendable {
    /// The output column.
    public var ref: ColumnRef
    /// The computation.
    public var call: AggregateCall

    /// Creates the pair.
    public init(_ ref: ColumnRef, _ call: AggregateCall) {
        self.ref = ref
        self.call = call
    }
}

/// Grouping and aggregation.
public struct AggregateNode: Hashable, Sendable {
    /// The input.
    public var input: LogicalPlan
    /// Group keys.
    public var groups: [NamedExpr]
    /// Aggregates.
    public var aggregates: [NamedAggregate]

    /// Creates the node.
    public init(input: LogicalPlan, groups: [NamedExpr], aggregates: [NamedAggregate]) {
        self.input = input
        self.groups = groups
        self.aggregates = aggregates
    }
}

/// Join kinds, including the semi and anti joins subqueries decorrelate into.
public enum JoinKind: String, Hashable, Sendable {
    case inner = "INNER", left = "LEFT", right = "RIGHT", full = "FULL", cross = "CROSS"
    /// Left rows with at least one match.
    case semi = "SEMI"
    /// Left rows with no match.
    case anti = "ANTI"
}

/// A join on equal keys plus an optional residual condition.
public struct JoinNode: Hashable, Sendable {
    /// The left input (the probe side, by convention).
    public var left: LogicalPlan
    /// The right input (the build side).
    public var right: LogicalPlan
    /// The kind.
    public var kind: JoinKind
    /// Equi-join keys over the left input, pairwise with `rightKeys`.
    public var leftKeys: [Expr]
    /// Equi-join keys over the right input.
    public var rightKeys: [Expr]
    /// Any other condition, over both inputs' columns.
    public var residual: Expr?
    /// Keys compare NULL-safely (`IS NOT DISTINCT FROM`; INTERSECT and EXCEPT).
    public var nullsEqual: Bool
    /// `NOT IN` semantics for anti joins: a NULL on either side makes the row not qualify.
    public var nullAware: Bool
    /// The right side is a scalar subquery: more than one row is an error.
    public var enforceSingleRow: Bool

    /// Creates the node.
    public init(
        left: LogicalPlan, right: LogicalPlan, kind: JoinKind, leftKeys: [Expr] = [], rightKeys: [Expr] = [],
        residual: Expr? = nil, nullsEqual: Bool = false, nullAware: Bool = false, enforceSingleRow: Bool = false
    ) {
        self.enforceSingleRow = enforceSingleRow
        self.left = left
        self.right = right
        self.kind = kind
        self.leftKeys = leftKeys
        self.rightKeys = rightKeys
        self.residual = residual
        self.nullsEqual = nullsEqual
        self.nullAware = nullAware
    }
}

/// A sort key.
public struct SortKey: Hashable, Sendable {
    /// The key.
    public var expr: Expr
    /// Ascending order.
    public var ascending: Bool
    /// NULLs before non-NULLs.
    public var nullsFirst: Bool

    /// Creates a key; Trino's default puts NULLs last for both directions.
    public init(_ expr: Expr, ascending: Bool = true, nullsFirst: Bool = false) {
        self.expr = expr
        self.ascending = ascending
        self.nullsFirst = nullsFirst
    }
}

/// Ordering.
public struct SortNode: Hashable, Sendable {
    /// The input.
    public var input: LogicalPlan
    /// Keys, most significant first.
    public var keys: [SortKey]
    /// When set, only the first `limit` rows are needed (top-N).
    public var limit: Int?

    /// Creates the node.
    public init(input: LogicalPlan, keys: [SortKey], limit: Int? = nil) {
        self.input = input
        self.keys = keys
        self.limit = limit
    }
}

/// OFFSET / LIMIT.
public struct LimitNode: Hashable, Sendable {
    /// The input.
    public var input: LogicalPlan
    /// Rows kept (nil: all).
    public var limit: Int?
    /// Rows skipped first.
    public var offset: Int

    /// Creates the node.
    public init(input: LogicalPlan, limit: Int?, offset: Int = 0) {
        self.input = input
        self.limit = limit
        self.offset = offset
    }
}

/// Window functions.
public enum WindowFunction: Hashable, Sendable {
    case rowNumber, rank, denseRank, percentRank, cumeDist, ntile
    case lag, lead, firstValue, lastValue, nthValue
    /// An aggregate over the frame.
    case aggregate(AggregateFunction)

    /// The SQL name.
    public var name: String {
        switch self {
        case .rowNumber: "row_number"
        case .rank: "rank"
        case .denseRank: "dense_rank"
        case .percentRank: "percent_rank"
        case .cumeDist: "cume_dist"
        case .ntile: "ntile"
        case .lag: "lag"
        case .lead: "lead"
        case .firstValue: "first_value"
        case .lastValue: "last_value"
        case .nthValue: "nth_value"
        case .aggregate(let f): f == .countStar ? "count" : f.rawValue
        }
    }
}

/// A frame bound in rows relative to the current row.
public enum FrameBound: Hashable, Sendable {
    case unboundedPreceding
    case preceding(Int)
    case currentRow
    case following(Int)
    case unboundedFollowing
}

/// A window frame. `rows == false` means RANGE: peers (equal ORDER BY keys) share the frame end.
public struct Frame: Hashable, Sendable {
    /// ROWS (true) or RANGE (false).
    public var rows: Bool
    /// Start bound.
    public var start: FrameBound
    /// End bound.
    public var end: FrameBound

    /// Creates a frame.
    public init(rows: Bool, start: FrameBound, end: FrameBound) {
        self.rows = rows
        self.start = start
        self.end = end
    }

    /// SQL's default: with ORDER BY, RANGE UNBOUNDED PRECEDING to CURRENT ROW; without, the whole partition.
    public static func defaultFrame(ordered: Bool) -> Frame {
        ordered ? Frame(rows: false, start: .unboundedPreceding, end: .currentRow)
            : Frame(rows: true, start: .unboundedPreceding, end: .unboundedFollowing)
    }
}

/// One window function call.
public struct WindowCall: Hashable, Sendable {
    /// The function.
    public var function: WindowFunction
    /// Its arguments.
    public var arguments: [Expr]
    /// PARTITION BY.
    public var partitionBy: [Expr]
    /// ORDER BY.
    public var orderBy: [SortKey]
    /// The frame.
    public var frame: Frame
    /// `IGNORE NULLS`.
    public var ignoreNulls: Bool
    /// Result type.
    public var type: DataType

    /// Creates a call.
    public init(
        function: WindowFunction, arguments: [Expr], partitionBy: [Expr], orderBy: [SortKey], frame: Frame,
        ignoreNulls: Bool = false, type: DataType
    ) {
        self.function = function
        self.arguments = arguments
        self.partitionBy = partitionBy
        self.orderBy = orderBy
        self.frame = frame
        self.ignoreNulls = ignoreNulls
        self.type = type
    }
}

/// A window function output.
public struct NamedWindow: Hashable, Sendable {
    /// The output column.
    public var ref: ColumnRef
    /// The computation.
    public var call: WindowCall

    /// Creates the pair.
    public init(_ ref: ColumnRef, _ call: WindowCall) {
        self.ref = ref
        self.call = call
    }
}

/// Window evaluation: input columns plus one column per function.
public struct WindowNode: Hashable, Sendable {
    /// The input.
    public var input: LogicalPlan
    /// The functions.
    public var functions: [NamedWindow]

    /// Creates the node.
    public init(input: LogicalPlan, functions: [NamedWindow]) {
        self.input = input
        self.functions = functions
    }
}

/// UNION ALL of inputs with the same column types.
public struct UnionNode: Hashable, Sendable {
    /// The inputs.
    public var inputs: [LogicalPlan]
    /// Output columns.
    public var columns: [ColumnRef]

    /// Creates the node; input `i`'s outputs map positionally onto `columns`.
    public init(inputs: [LogicalPlan], columns: [ColumnRef]) {
        self.inputs = inputs
        self.columns = columns
    }
}

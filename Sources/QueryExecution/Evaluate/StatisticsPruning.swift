import Columnar
import QueryPlanner
import TarnCore

/// Min/max statistics of one column in a file or row group (Parquet footer statistics, or
/// any source's summaries), in the column's engine type.
public struct ColumnStatistics: Sendable {
    /// Smallest non-null value, when known.
    public var min: Value?
    /// Largest non-null value, when known.
    public var max: Value?
    /// Number of nulls, when known.
    public var nullCount: Int?
    /// Number of values (rows), when known.
    public var valueCount: Int?

    /// Creates statistics.
    public init(min: Value? = nil, max: Value? = nil, nullCount: Int? = nil, valueCount: Int? = nil) {
        self.min = min
        self.max = max
        self.nullCount = nullCount
        self.valueCount = valueCount
    }
}

/// Decides from min/max statistics whether a file or row group can hold rows that pass the
/// scan's pushed filters, so sources skip it without reading its pages.
///
/// Understood conjuncts: `column <op> constant` (either side), `column IN (constants)`,
/// `column IS NULL`, `NOT column IS NULL`; anything else is assumed to match. A conjunct rules
/// the unit out only when no value in `[min, max]` can satisfy it.
public enum StatisticsPruning {
    /// Whether a unit with `statistics` (by source column name) may hold matching rows.
    public static func mayMatch(_ request: ScanRequest, statistics: [String: ColumnStatistics]) -> Bool {
        var names: [ColumnRef: String] = [:]
        for (name, ref) in zip(request.columns, request.columnRefs) { names[ref] = name }
        for filter in request.filters {
            if !conjunctMayMatch(filter, names, statistics) { return false }
        }
        return true
    }

    static func conjunctMayMatch(_ e: Expr, _ names: [ColumnRef: String], _ stats: [String: ColumnStatistics]) -> Bool {
        func column(_ x: Expr) -> (ColumnRef, ColumnStatistics)? {
            guard case .column(let ref) = x, let name = names[ref], let s = stats[name] else { return nil }
            return (ref, s)
        }
        func constant(_ x: Expr) -> Value? {
            switch x {
            case .literal(let v, _): return v.isNull ? nil : v
            default: return nil
            }
        }
        switch e {
        case .and(let items):
            return items.allSatisfy { conjunctMayMatch($0, names, stats) }
        case .compare(let op, let a, let b):
            if let (ref, s) = column(a), let v = constant(b) { return rangeMayMatch(op, s, v, ref.type) }
            if let (ref, s) = column(b), let v = constant(a) { return rangeMayMatch(op.flipped, s, v, ref.type) }
            return true
        case .inList(let a, let items):
            guard let (ref, s) = column(a) else { return true }
            let values = items.compactMap(constant)
            guard values.count == items.count else { return true }
            return values.contains { rangeMayMatch(.equal, s, $0, ref.type) }
        case .isNull(let a):
            guard let (_, s) = column(a), let nulls = s.nullCount else { return true }
            return nulls > 0
        case .not(.isNull(let a)):
            guard let (_, s) = column(a), let nulls = s.nullCount, let count = s.valueCount else { return true }
            return nulls < count
        default:
            return true
        }
    }

    /// Compares two non-null values of one engine type: negative, zero, positive; nil when they
    /// cannot be compared.
    static func compare(_ a: Value, _ b: Value, _ type: DataType) -> Int? {
        let ca = ConstantColumn.make(a, type: type, count: 1), cb = ConstantColumn.make(b, type: type, count: 1)
        let x = SortColumn(Column.concatenate([ca, cb]), ascending: true, nullsFirst: false)
        return x.compare(0, 1)
    }

    static func rangeMayMatch(_ op: CompareOperator, _ s: ColumnStatistics, _ v: Value, _ type: DataType) -> Bool {
        if let count = s.valueCount, let nulls = s.nullCount, count == nulls { return false }  // all NULL: no comparison holds
        let vsMin = s.min.flatMap { compare(v, $0, type) }  // v ? min
        let vsMax = s.max.flatMap { compare(v, $0, type) }  // v ? max
        switch op {
        case .equal: return !((vsMin.map { $0 < 0 } ?? false) || (vsMax.map { $0 > 0 } ?? false))
        case .notEqual:
            // Only a unit whose every value equals v can be skipped.
            if let lo = vsMin, let hi = vsMax, lo == 0, hi == 0, (s.nullCount ?? 1) == 0 { return false }
            return true
        case .less: return !(vsMin.map { $0 <= 0 } ?? false)  // col < v needs min < v
        case .lessOrEqual: return !(vsMin.map { $0 < 0 } ?? false)
        case .greater: return !(vsMax.map { $0 >= 0 } ?? false)  // col > v needs max > v
        case .greaterOrEqual: return !(vsMax.map { $0 > 0 } ?? false)
        }
    }
}

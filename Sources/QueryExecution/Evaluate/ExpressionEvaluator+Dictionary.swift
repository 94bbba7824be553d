import Columnar
import QueryPlanner

/// Expressions of one dictionary-encoded column (`s IN ('a', 'b')`, `s LIKE '%x%'`,
/// `CASE WHEN s = 'purchase' THEN 1 ELSE 0 END`) are evaluated once per distinct value of the
/// batch and spread to the rows by index.
///
/// Why: on the lake such predicates run over Parquet string columns with a handful of distinct
/// values per row group; evaluating them row by row compared the same few strings tens of
/// thousands of times (a tenth of p10).
///
/// Exactly the row-wise answer: the expression is evaluated on real rows of the batch (the first
/// row of each distinct value), so it sees no dictionary entry that no row holds (an unused
/// entry could make a CAST fail that the rows would not), and it is used only when the
/// expression is deterministic per row (no `random()`, no subquery) and reads no other column.
extension ExpressionEvaluator {
    /// Smallest batch for which the check is worth its cost.
    static let dictionaryMinimumRows = 256

    /// `expr` over `batch` through the dictionary of its only column, or nil when that does not
    /// apply (the caller evaluates row by row).
    func evaluateViaDictionary(_ expr: Expr, _ batch: RecordBatch) throws -> Column? {
        let n = batch.rowCount
        guard n >= Self.dictionaryMinimumRows else { return nil }
        switch expr {
        case .column, .literal: return nil
        default: break
        }
        let refs = expr.columns
        guard refs.count == 1, let ref = refs.first, let index = layout[ref.id] else { return nil }
        let column = batch.columns[index]
        guard column.dictionary != nil else { return nil }
        let perRow = expr.contains {
            switch $0 {
            case .subquery: true
            case .call(let function, _, _): !function.isDeterministic
            default: false
            }
        }
        guard !perRow, let (codes, space) = DictionaryKeys.codes([column], constant: [false], count: n) else { return nil }
        let (rows, slots) = DictionaryKeys.distinct(codes, space: space)
        // Mostly distinct values: the row-wise kernels are as good.
        guard rows.count * 4 <= n else { return nil }
        let sample = RecordBatch(schema: batch.schema, columns: batch.columns.map { $0.take(rows) }, rowCount: rows.count)
        return try evaluate(expr, sample).column(count: rows.count).take(slots)
    }
}

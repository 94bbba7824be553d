import Columnar
import QueryPlanner
import TarnCore

/// Decides from a partition's values whether any of its rows could pass the scan's pushed
/// filters. Sources (hive-partitioned files, in-memory partitions) call it per partition; a
/// `false` means the partition is skipped without being read.
public enum PartitionPruning {
    /// The pushed conjuncts that refer only to partition columns.
    /// - Parameters:
    ///   - request: the scan request.
    ///   - partitionNames: the source's partition column names.
    public static func filtersOnPartitions(_ request: ScanRequest, partitionNames: [String]) -> [Expr] {
        let names = Set(partitionNames)
        let partitionRefs = Set(zip(request.columns, request.columnRefs).filter { names.contains($0.0) }.map(\.1))
        if partitionRefs.isEmpty { return [] }
        return request.filters.filter { filter in
            let columns = filter.columns
            return !columns.isEmpty && columns.isSubset(of: partitionRefs)
        }
    }

    /// Whether a partition with `values` (by source column name) may hold matching rows.
    /// - Parameters:
    ///   - filters: conjuncts from `filtersOnPartitions`.
    ///   - request: the scan request (maps filter columns to names).
    ///   - values: the partition's values by column name; values may be `.string` and are cast
    ///     to the column type (hive paths carry text).
    /// - Returns: false only when some conjunct is FALSE or NULL for these values.
    public static func mayMatch(_ filters: [Expr], request: ScanRequest, values: [String: Value]) throws -> Bool {
        if filters.isEmpty { return true }
        var refs: [ColumnRef] = []
        var columns: [Column] = []
        for (name, ref) in zip(request.columns, request.columnRefs) {
            guard let value = values[name] else { continue }
            var column: Column
            if case .string(let text) = value, ref.type != .string {
                column = ConstantColumn.make(.string(text), type: .string, count: 1)
                guard let cast = try? CastKernels.cast(column, to: ref.type, safe: true) else { return true }
                column = cast
            } else {
                column = ConstantColumn.make(value, type: ref.type, count: 1)
            }
            refs.append(ref)
            columns.append(column)
        }
        let batch = RecordBatch(schema: Schema(refs.map { Field($0.name, $0.type) }), columns: columns, rowCount: 1)
        let evaluator = ExpressionEvaluator(inputs: refs)
        for filter in filters where filter.columns.isSubset(of: Set(refs)) {
            guard let keep = try? evaluator.selection(filter, batch) else { continue }
            if keep.first == false { return false }
        }
        return true
    }
}

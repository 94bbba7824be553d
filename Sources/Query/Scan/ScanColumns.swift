import Columnar
import QueryExecution
import TarnCore

/// How one scan's requested columns map onto a table's data and partition columns — the part
/// every source (Parquet, CSV, JSON) shares.
struct ScanColumns: Sendable {
    /// One entry per requested column, in request order.
    enum Kind: Sendable {
        /// A data column: its index in the table's data columns.
        case data(Int)
        /// A partition column: its index in the partition values.
        case partition(Int)
    }

    /// The request.
    let request: ScanRequest
    /// The declared field of each requested column.
    let fields: [Field]
    /// Where each requested column comes from.
    let kinds: [Kind]
    /// The partition columns.
    let partitionColumns: [Field]

    /// Resolves the requested names (case-insensitively) against the table.
    /// - Throws: `TarnError(.notFound)` for a name the table does not have.
    init(_ request: ScanRequest, dataColumns: [Field], partitionColumns: [Field], table: String) throws {
        self.request = request
        self.partitionColumns = partitionColumns
        var fields: [Field] = []
        var kinds: [Kind] = []
        for name in request.columns {
            let lower = name.lowercased()
            if let index = dataColumns.firstIndex(where: { $0.name.lowercased() == lower }) {
                fields.append(dataColumns[index])
                kinds.append(.data(index))
            } else if let index = partitionColumns.firstIndex(where: { $0.name.lowercased() == lower }) {
                fields.append(partitionColumns[index])
                kinds.append(.partition(index))
            } else {
                throw TarnError(.notFound, "table \(table) has no column \(name)")
            }
        }
        self.fields = fields
        self.kinds = kinds
    }

    /// The requested data columns' indices in the table, without repeats, in request order.
    var dataIndices: [Int] {
        var seen = Set<Int>()
        return kinds.compactMap { if case .data(let i) = $0, seen.insert(i).inserted { i } else { nil } }
    }

    /// Keeps the files whose partition values may satisfy the pushed filters.
    /// - Returns: the files to read and how many were skipped.
    func prunePartitions(_ files: [ScanFile]) throws -> (kept: [ScanFile], skipped: Int) {
        guard !partitionColumns.isEmpty else { return (files, 0) }
        let filters = PartitionPruning.filtersOnPartitions(request, partitionNames: partitionColumns.map(\.name))
        guard !filters.isEmpty else { return (files, 0) }
        var kept: [ScanFile] = []
        var skipped = 0
        // Files of one partition share their values: decide once per distinct value tuple.
        var decided: [[Value]: Bool] = [:]
        for file in files {
            let keep: Bool
            if let known = decided[file.partitionValues] {
                keep = known
            } else {
                var values: [String: Value] = [:]
                for (column, value) in zip(partitionColumns, file.partitionValues) { values[column.name] = value }
                keep = try PartitionPruning.mayMatch(filters, request: request, values: values)
                decided[file.partitionValues] = keep
            }
            if keep { kept.append(file) } else { skipped += 1 }
        }
        return (kept, skipped)
    }

    /// Assembles an output batch: data columns from `data` (by table data-column index),
    /// partition columns as constants, in request order.
    func assemble(rowCount: Int, partitionValues: [Value], data: (Int) throws -> Column) rethrows -> RecordBatch {
        var columns: [Column] = []
        columns.reserveCapacity(kinds.count)
        for (kind, field) in zip(kinds, fields) {
            switch kind {
            case .data(let index): columns.append(try data(index))
            case .partition(let index): columns.append(ConstantColumn.make(partitionValues[index], type: field.type, count: rowCount))
            }
        }
        return RecordBatch(schema: Schema(fields), columns: columns, rowCount: rowCount)
    }
}

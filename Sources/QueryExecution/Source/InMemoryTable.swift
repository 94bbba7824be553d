import Columnar
import QueryPlanner
import TarnCore

/// A table held in memory as record batches, optionally split into partitions with constant
/// partition values (to test partition pruning). Each batch is a split.
public struct InMemoryTable: TableSource {
    /// A partition: its partition column values and its batches.
    public struct Partition: Sendable {
        /// One value per partition column.
        public var values: [Value]
        /// Batches of the data columns.
        public var batches: [RecordBatch]

        /// Creates a partition.
        public init(values: [Value], batches: [RecordBatch]) {
            self.values = values
            self.batches = batches
        }
    }

    /// The name EXPLAIN shows.
    public var displayName: String
    /// Data columns.
    public var columns: [Field]
    /// Partition columns.
    public var partitionColumns: [Field]
    /// The partitions (a non-partitioned table has one with no values).
    public var partitions: [Partition]

    /// Creates a non-partitioned table.
    public init(name: String, schema: Schema, batches: [RecordBatch]) {
        displayName = name
        columns = schema.fields
        partitionColumns = []
        partitions = [Partition(values: [], batches: batches)]
    }

    /// Creates a partitioned table.
    public init(name: String, columns: [Field], partitionColumns: [Field], partitions: [Partition]) {
        displayName = name
        self.columns = columns
        self.partitionColumns = partitionColumns
        self.partitions = partitions
    }

    /// Rows in all partitions.
    public var estimatedRowCount: Int? { partitions.reduce(0) { $0 + $1.batches.reduce(0) { $0 + $1.rowCount } } }

    /// Splits per batch; partitions whose values contradict a pushed filter are skipped and
    /// counted as skipped files.
    public func scan(_ request: ScanRequest) throws -> ScanPlan {
        var splits: [any ScanSplit] = []
        var pruned = ScanStatistics()
        let partitionFilters = PartitionPruning.filtersOnPartitions(request, partitionNames: partitionColumns.map(\.name))
        for partition in partitions {
            let known = Dictionary(uniqueKeysWithValues: zip(partitionColumns.map(\.name), partition.values))
            if try !PartitionPruning.mayMatch(partitionFilters, request: request, values: known) {
                pruned.filesSkipped += partition.batches.count
                continue
            }
            for batch in partition.batches {
                var columns: [Column] = []
                var fields: [Field] = []
                for name in request.columns {
                    if let index = self.columns.firstIndex(where: { $0.name == name }) {
                        columns.append(batch.columns[index])
                        fields.append(self.columns[index])
                    } else if let index = partitionColumns.firstIndex(where: { $0.name == name }) {
                        let field = partitionColumns[index]
                        columns.append(ConstantColumn.make(partition.values[index], type: field.type, count: batch.rowCount))
                        fields.append(field)
                    } else {
                        throw TarnError(.notFound, "table \(displayName) has no column \(name)")
                    }
                }
                splits.append(InMemorySplit(batch: RecordBatch(schema: Schema(fields), columns: columns, rowCount: batch.rowCount)))
            }
        }
        return ScanPlan(splits: splits, pruned: pruned)
    }
}

/// One in-memory batch as a split; its "bytes scanned" is the batch's in-memory size.
struct InMemorySplit: ScanSplit {
    let batch: RecordBatch
    func open() throws -> any BatchStream { InMemoryStream(batch: batch) }
}

final class InMemoryStream: BatchStream {
    private var batch: RecordBatch?
    private(set) var statistics = ScanStatistics()

    init(batch: RecordBatch) { self.batch = batch }

    func next() throws -> RecordBatch? {
        guard let current = batch else { return nil }
        batch = nil
        statistics.filesRead = 1
        statistics.rowGroupsRead = 1
        statistics.rowsRead = Int64(current.rowCount)
        statistics.bytesScanned = Int64(current.columns.reduce(0) { $0 + ColumnSize.bytes($1) })
        return current
    }
}

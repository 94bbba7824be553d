import Columnar
import Parquet
import QueryExecution
import QueryPlanner
import TarnCore

/// What the splits of one Parquet scan share.
struct ParquetScanContext: Sendable {
    let store: FileStore
    let table: String
    let ledger: ScanLedger?
    let columns: ScanColumns
    let dataColumns: [Field]

    /// The row groups of a file that min/max statistics cannot rule out.
    func candidateRowGroups(_ metadata: ParquetMetadata) -> [Int] {
        let fileFields = fieldIndex(metadata)
        return (0..<metadata.rowGroupCount).filter { group in
            if columns.request.filters.isEmpty { return true }
            let rows = Int(metadata.fileMetaData.rowGroups[group].numRows)
            var statistics: [String: QueryExecution.ColumnStatistics] = [:]
            for (name, kind) in zip(columns.request.columns, columns.kinds) {
                guard case .data(let index) = kind else { continue }
                let declared = SQLTypes.normalized(dataColumns[index].type)
                guard let fileField = fileFields[index] else {
                    // Not in this file: every value is NULL.
                    statistics[name] = QueryExecution.ColumnStatistics(nullCount: rows, valueCount: rows)
                    continue
                }
                guard let stored = metadata.statistics(rowGroup: group, column: metadata.schema.fields[fileField].name) else { continue }
                statistics[name] = QueryExecution.ColumnStatistics(
                    min: stored.min.flatMap { Self.engineValue($0, as: declared) },
                    max: stored.max.flatMap { Self.engineValue($0, as: declared) },
                    nullCount: stored.nullCount.map { Int($0) }, valueCount: rows)
            }
            return StatisticsPruning.mayMatch(columns.request, statistics: statistics)
        }
    }

    /// For each table data column, the index of the file's top-level field with that name
    /// (case-insensitive), or nil.
    func fieldIndex(_ metadata: ParquetMetadata) -> [Int?] {
        let names = metadata.schema.fields.map { $0.name.lowercased() }
        return dataColumns.map { column in names.firstIndex(of: column.name.lowercased()) }
    }

    /// A statistics bound as a value of the column's engine type, or nil when the file's type
    /// does not line up with the declared one (then the bound is not used).
    static func engineValue(_ value: Value, as type: DataType) -> Value? {
        switch (value, type) {
        case (.timestamp(let t, let unit), .timestamp):
            switch unit {
            case .seconds: return .timestamp(t &* 1_000_000, .microseconds)
            case .milliseconds: return .timestamp(t &* 1000, .microseconds)
            case .microseconds: return value
            case .nanoseconds: return .timestamp(CivilTime.floorDiv(t, 1000), .microseconds)
            }
        case (.date, .date), (.string, .string), (.bool, .boolean):
            return value
        case (.int, _) where type.isInteger:
            return value
        case (.uint(let u), _) where type.isInteger:
            return u <= UInt64(Int64.max) ? .int(Int64(u)) : nil
        case (.double, .float32), (.double, .float64):
            return value
        case (.int(let i), .float64), (.int(let i), .float32):
            return .double(Double(i))
        case (.decimal(let v, let scale), .decimal(_, let target)):
            if scale == target { return value }
            if scale < target {
                var scaled = v
                for _ in scale..<target {
                    let (product, overflow) = scaled.multipliedReportingOverflow(by: 10)
                    if overflow { return nil }
                    scaled = product
                }
                return .decimal(scaled, scale: target)
            }
            return nil
        default:
            return nil
        }
    }
}

/// One Parquet file, or chosen row groups of it.
struct ParquetSplit: ScanSplit {
    let context: ParquetScanContext
    let file: ScanFile
    /// The footer when it was read while planning.
    let metadata: ParquetMetadata?
    /// The row groups to read (already pruned); nil: all that statistics allow.
    let rowGroups: [Int]?
    /// Whether this split counts the file as read (the first split of a file).
    let countsFile: Bool

    func open() throws -> any BatchStream { ParquetStream(split: self) }
}

/// Reads a split's row groups one at a time, fetching only the selected column chunks.
final class ParquetStream: BatchStream {
    private let split: ParquetScanContext
    private let file: ScanFile
    private let countsFile: Bool
    private var reader: (any RandomAccessFile)?
    private var metadata: ParquetMetadata?
    private var pending: [Int]?
    private var selection: ColumnSelection?
    /// For each table data column: its position in the decoded batch, or nil (NULLs).
    private var decodedPosition: [Int?] = []
    private(set) var statistics = ScanStatistics()

    init(split: ParquetSplit) {
        self.split = split.context
        self.file = split.file
        self.countsFile = split.countsFile
        self.metadata = split.metadata
        self.pending = split.rowGroups
    }

    private var name: String { file.file.location.description }

    func next() throws -> RecordBatch? {
        if reader == nil { try start() }
        guard let metadata, var queue = pending, !queue.isEmpty, let reader, let selection else { return nil }
        let group = queue.removeFirst()
        pending = queue
        var chunks: [Int: [UInt8]] = [:]
        for (leaf, range) in try metadata.byteRanges(rowGroup: group, selection: selection) {
            chunks[leaf] = try reader.read(range, name: name)
            try charge(Int64(range.count))
        }
        let decoded = try metadata.decodeRowGroup(group, selection: selection, chunks: chunks)
        statistics.rowGroupsRead += 1
        statistics.rowsRead += Int64(decoded.rowCount)
        let rows = decoded.rowCount
        return split.columns.assemble(rowCount: rows, partitionValues: file.partitionValues) { index in
            if let position = decodedPosition[index] { return decoded.columns[position] }
            return ConstantColumn.make(.null, type: split.dataColumns[index].type, count: rows)
        }
    }

    /// Opens the file, reads the footer if planning did not, and picks the row groups.
    private func start() throws {
        let reader = try split.store.open(file.file.location)
        self.reader = reader
        let metadata: ParquetMetadata
        if let known = self.metadata {
            metadata = known
        } else {
            let (read, bytes) = try ParquetFooter.read(reader, name: name)
            metadata = read
            self.metadata = read
            try charge(bytes)
        }
        if pending == nil {
            let groups = split.candidateRowGroups(metadata)
            statistics.rowGroupsSkipped += metadata.rowGroupCount - groups.count
            pending = groups
        }
        if countsFile {
            if pending?.isEmpty ?? true { statistics.filesSkipped += 1 } else { statistics.filesRead += 1 }
        }
        let fileFields = split.fieldIndex(metadata)
        let wanted = split.columns.dataIndices.filter { fileFields[$0] != nil }
        let names = wanted.map { metadata.schema.fields[fileFields[$0]!].name }
        let selection = try ColumnSelection(names, schema: metadata.schema)
        self.selection = selection
        decodedPosition = [Int?](repeating: nil, count: split.dataColumns.count)
        for (position, index) in wanted.enumerated() { decodedPosition[index] = position }
    }

    private func charge(_ bytes: Int64) throws {
        statistics.bytesScanned += bytes
        try split.ledger?.add(split.table, bytes)
    }
}

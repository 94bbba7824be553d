import Columnar
import Parquet
import QueryExecution
import QueryPlanner
import Synchronization
import TarnCore

/// A table of Parquet files: a catalog table `STORED AS PARQUET` or `read_parquet(…)`.
///
/// Planning a scan lists the files (once per query), drops the files of partitions the pushed
/// filters rule out, and makes splits the engine's workers share:
/// - with many files, one split per file; the worker reads the footer, skips row groups whose
///   min/max statistics rule them out, and reads only the requested column chunks;
/// - with few files (fewer than `rowGroupSplitThreshold`), the footers are read while planning
///   and every surviving row group becomes its own split, so two workers can share one file.
///
/// Columns are matched to the file by name, case-insensitively (Athena's default for
/// Parquet); a column the file lacks reads as NULL.
final class ParquetSource: TableSource {
    let displayName: String
    let columns: [Field]
    let partitionColumns: [Field]
    let files: TableFiles
    let ledger: ScanLedger?
    /// Footers already read while binding (a table function's schema), reused by the scan.
    let knownFooters: Mutex<[FileLocation: ParquetMetadata]>
    /// Bytes of `knownFooters`, charged to the first scan.
    private let unchargedFooterBytes: Mutex<Int64>

    /// Below this many files, splits are row groups instead of files.
    static let rowGroupSplitThreshold = 8

    init(
        displayName: String, columns: [Field], partitionColumns: [Field], files: TableFiles, ledger: ScanLedger?,
        knownFooters: [FileLocation: ParquetMetadata] = [:], footerBytes: Int64 = 0
    ) {
        self.displayName = displayName
        self.columns = columns
        self.partitionColumns = partitionColumns
        self.files = files
        self.ledger = ledger
        self.knownFooters = Mutex(knownFooters)
        self.unchargedFooterBytes = Mutex(footerBytes)
    }

    /// Compressed Parquet averages a few bytes per value; a rough count is enough to pick the
    /// build side of a join.
    var estimatedRowCount: Int? {
        guard let bytes = try? files.totalBytes() else { return nil }
        return Int(bytes / Int64(max(1, columns.count) * 4)) + 1
    }

    func scan(_ request: ScanRequest) throws -> ScanPlan {
        let scanColumns = try ScanColumns(request, dataColumns: columns, partitionColumns: partitionColumns, table: displayName)
        let (kept, skipped) = try scanColumns.prunePartitions(try files.files())
        var pruned = ScanStatistics()
        pruned.filesSkipped = skipped
        let charged = unchargedFooterBytes.withLock { bytes in defer { bytes = 0 }; return bytes }
        pruned.bytesScanned += charged
        try ledger?.add(displayName, charged)
        ledger?.touch(displayName)
        let context = ParquetScanContext(
            store: files.store, table: displayName, ledger: ledger, columns: scanColumns, dataColumns: columns)
        var splits: [any ScanSplit] = []
        if kept.count >= Self.rowGroupSplitThreshold {
            let footers = knownFooters.withLock { $0 }
            for file in kept {
                splits.append(ParquetSplit(context: context, file: file, metadata: footers[file.file.location], rowGroups: nil, countsFile: true))
            }
            return ScanPlan(splits: splits, pruned: pruned)
        }
        for file in kept {
            let metadata: ParquetMetadata
            if let known = knownFooters.withLock({ $0[file.file.location] }) {
                metadata = known
            } else {
                let reader = try files.store.open(file.file.location)
                let (read, bytes) = try ParquetFooter.read(reader, name: file.file.location.description)
                metadata = read
                pruned.bytesScanned += bytes
                try ledger?.add(displayName, bytes)
            }
            let groups = context.candidateRowGroups(metadata)
            pruned.rowGroupsSkipped += metadata.rowGroupCount - groups.count
            if groups.isEmpty {
                pruned.filesSkipped += 1
                continue
            }
            for (position, group) in groups.enumerated() {
                splits.append(ParquetSplit(context: context, file: file, metadata: metadata, rowGroups: [group], countsFile: position == 0))
            }
        }
        return ScanPlan(splits: splits, pruned: pruned)
    }
}

import Columnar
import Synchronization
import QueryExecution
import TextFormats
import TarnCore

/// How a text table's files are laid out.
enum TextLayout: Sendable {
    /// Delimited text. `splittable` when records never span lines (no quote character, as with
    /// Hive's LazySimpleSerDe), so a large file can be cut at line ends into several splits.
    case csv(CSVOptions, splittable: Bool)
    /// JSON Lines (one object per line: always splittable). `ignoreMalformed` is the OpenX
    /// SerDe's `ignore.malformed.json`: a line that is not JSON reads as a row of NULLs instead
    /// of failing the query.
    case json(JSONOptions, ignoreMalformed: Bool)

    var splittable: Bool {
        switch self {
        case .csv(_, let splittable): splittable
        case .json: true
        }
    }
}

/// A table of delimited-text or JSON Lines files (`STORED AS TEXTFILE`, the OpenX JSON SerDe,
/// `read_csv`, `read_json`), optionally gzip-compressed (by `.gz` extension or gzip magic).
///
/// Values that do not fit their column type read as NULL, as Hive's SerDes read them: the
/// typed fast path is TextFormats' reader; a row it rejects is parsed again with the offending
/// fields as NULL. Bytes scanned are the (compressed) bytes read from the files.
final class TextSource: TableSource {
    let displayName: String
    let columns: [Field]
    let partitionColumns: [Field]
    let files: TableFiles
    let ledger: ScanLedger?
    let layout: TextLayout
    /// The first bytes of a file, read while binding to infer the schema: the first scan reads
    /// them from here instead of reading (and charging) them again.
    private let sample: Mutex<(location: FileLocation, bytes: [UInt8])?>

    /// Uncompressed files above this size are split at line ends (when the layout allows).
    static let splitBytes: Int64 = 32 << 20

    init(displayName: String, columns: [Field], partitionColumns: [Field], files: TableFiles, ledger: ScanLedger?, layout: TextLayout,
        sample: (location: FileLocation, bytes: [UInt8])? = nil
    ) {
        self.displayName = displayName
        self.columns = columns
        self.partitionColumns = partitionColumns
        self.files = files
        self.ledger = ledger
        self.layout = layout
        self.sample = Mutex(sample)
    }

    /// Text rows take tens of bytes each; a rough count is enough to pick join sides.
    var estimatedRowCount: Int? {
        guard let bytes = try? files.totalBytes() else { return nil }
        let perRow: Int64
        switch layout {
        case .csv: perRow = Int64(max(1, columns.count) * 8)
        case .json: perRow = Int64(max(1, columns.count) * 24)
        }
        return Int(bytes / perRow) + 1
    }

    func scan(_ request: ScanRequest) throws -> ScanPlan {
        let scanColumns = try ScanColumns(request, dataColumns: columns, partitionColumns: partitionColumns, table: displayName)
        let (kept, skipped) = try scanColumns.prunePartitions(try files.files())
        var pruned = ScanStatistics()
        pruned.filesSkipped = skipped
        ledger?.touch(displayName)
        var sample = self.sample.withLock { value in defer { value = nil }; return value }
        if let unused = sample, !kept.contains(where: { $0.file.location == unused.location }) {
            // Read for the schema but not scanned: still bytes read from storage.
            pruned.bytesScanned += Int64(unused.bytes.count)
            try ledger?.add(displayName, Int64(unused.bytes.count))
            sample = nil
        }
        let context = TextScanContext(store: files.store, table: displayName, ledger: ledger, columns: scanColumns, dataColumns: columns, layout: layout)
        var splits: [any ScanSplit] = []
        for file in kept {
            let size = file.file.size
            var pieces = 1
            if layout.splittable, size > Self.splitBytes, !TextStream.hasGzipExtension(file.file.location) {
                // A file without the extension may still be gzip: look at its first two bytes.
                let reader = try files.store.open(file.file.location)
                let magic = try reader.read(0..<2, name: file.file.location.description)
                pruned.bytesScanned += 2
                try ledger?.add(displayName, 2)
                if magic != TextStream.gzipMagic { pieces = Int((size + Self.splitBytes - 1) / Self.splitBytes) }
            }
            let step = size / Int64(pieces)
            for piece in 0..<pieces {
                let start = Int64(piece) * step
                let end = piece == pieces - 1 ? size : Int64(piece + 1) * step
                var prefix: [UInt8]? = nil
                if piece == 0, let taken = sample, taken.location == file.file.location {
                    prefix = taken.bytes
                    sample = nil
                }
                splits.append(
                    TextSplit(context: context, file: file, range: pieces == 1 ? nil : start..<end, countsFile: piece == 0, prefetched: prefix))
            }
        }
        return ScanPlan(splits: splits, pruned: pruned)
    }
}

/// What the splits of one text scan share.
struct TextScanContext: Sendable {
    let store: FileStore
    let table: String
    let ledger: ScanLedger?
    let columns: ScanColumns
    let dataColumns: [Field]
    let layout: TextLayout
}

/// A whole text file, or the lines that start inside a byte range of it.
struct TextSplit: ScanSplit {
    let context: TextScanContext
    let file: ScanFile
    /// nil: the whole file; otherwise the lines whose first byte lies in `(start, end]` (and the
    /// first line of the file for the split starting at 0) — Hadoop's rule, so that every
    /// line belongs to exactly one split.
    let range: Range<Int64>?
    let countsFile: Bool
    /// The file's first bytes, already read (schema inference); used as the first chunk.
    var prefetched: [UInt8]? = nil

    func open() throws -> any BatchStream { try TextStream(split: self) }
}

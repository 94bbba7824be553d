import Columnar
import TarnCore

/// Reads a local Parquet file with positioned reads: the footer once, then only the column
/// chunks of the requested row groups and columns.
///
/// Immutable after opening (a `PosixFile` reads with `pread`), so several threads may read
/// different row groups at once.
public final class ParquetFileReader: Sendable {
    /// The parsed footer.
    public let metadata: ParquetMetadata
    private let file: PosixFile

    /// Opens `path` and reads its footer.
    /// - Throws: `TarnError(.notFound)` when missing, `.corrupt` when not a valid Parquet file.
    public init(path: String, options: ReadOptions = ReadOptions()) throws {
        let file = try PosixFile(path: path, mode: .read)
        let size = try file.size()
        guard size >= 12 else { throw TarnError(.corrupt, "\(path): \(size) bytes is too small for a Parquet file (needs at least 12)") }
        let head = try file.read(count: 4, at: 0)
        guard head == ParquetMetadata.magic || head == ParquetMetadata.encryptedMagic else {
            throw TarnError(.corrupt, "\(path): not a Parquet file (leading magic is not PAR1)")
        }
        let guess = ParquetMetadata.tailRange(fileSize: size)
        var result = try ParquetMetadata.decode(tail: file.read(count: Int(guess.count), at: guess.lowerBound), fileSize: size, name: path, options: options)
        if case .needMore(let range) = result {
            result = try ParquetMetadata.decode(tail: file.read(count: Int(range.count), at: range.lowerBound), fileSize: size, name: path, options: options)
        }
        guard let metadata = result.metadata else { throw TarnError(.internal, "\(path): footer still incomplete after reading it whole") }
        self.metadata = metadata
        self.file = file
    }

    /// The Columnar schema.
    public var schema: Schema { metadata.columnarSchema }

    /// Reads row group `index`, only the named top-level columns (nil: all).
    /// - Returns: the batch and the number of column chunk bytes read from disk.
    public func read(rowGroup index: Int, columns: [String]? = nil) throws -> (batch: RecordBatch, bytesRead: Int) {
        let selection = try ColumnSelection(columns, schema: metadata.schema)
        return try read(rowGroup: index, selection: selection)
    }

    /// Reads row group `index` for a resolved selection.
    public func read(rowGroup index: Int, selection: ColumnSelection) throws -> (batch: RecordBatch, bytesRead: Int) {
        guard index >= 0 && index < metadata.rowGroupCount else {
            throw TarnError(.invalidArgument, "\(metadata.name): row group \(index) out of range (file has \(metadata.rowGroupCount))")
        }
        var chunks: [Int: [UInt8]] = [:]
        var total = 0
        for (leaf, range) in try metadata.byteRanges(rowGroup: index, selection: selection) {
            chunks[leaf] = try file.read(count: Int(range.count), at: range.lowerBound)
            total += Int(range.count)
        }
        return (try metadata.decodeRowGroup(index, selection: selection, chunks: chunks), total)
    }

    /// Reads row group `index` (all columns or the named ones).
    public func readRowGroup(_ index: Int, columns: [String]? = nil) throws -> RecordBatch {
        try read(rowGroup: index, columns: columns).batch
    }

    /// Reads row group `index` as batches of at most `maxRows` rows, for operators that work in
    /// small vectors. The row group is decoded once; the batches are slices of it.
    public func readBatches(rowGroup index: Int, columns: [String]? = nil, maxRows: Int = 65_536) throws -> [RecordBatch] {
        precondition(maxRows > 0, "maxRows must be positive")  // Programmer error: an empty batch size.
        let batch = try read(rowGroup: index, columns: columns).batch
        if batch.rowCount <= maxRows { return [batch] }
        return stride(from: 0, to: batch.rowCount, by: maxRows).map { batch.slice($0..<Swift.min(batch.rowCount, $0 + maxRows)) }
    }

    /// Reads the whole file into one batch (tests and small files; large files should go row
    /// group by row group).
    public func readAll(columns: [String]? = nil) throws -> RecordBatch {
        let selection = try ColumnSelection(columns, schema: metadata.schema)
        let fields = selection.fields.map { metadata.schema.fields[$0] }
        let batches = try (0..<metadata.rowGroupCount).map { try read(rowGroup: $0, selection: selection).batch }
        return RecordBatch.concatenate(batches, schema: Schema(fields))
    }
}

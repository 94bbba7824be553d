import Columnar
import Keys
import Parquet
import Storage
import TarnCore

/// Reads a Parquet object from the store row group by row group with ranged reads: the footer
/// first, then only each row group's column chunks (the Parquet module does no I/O itself).
struct ParquetObjectReader {
    let metadata: ParquetMetadata
    private let reader: ObjectReader

    /// Opens `bucket/key` (decrypting as `caller`, nil: Tarn itself) and decodes its footer.
    /// - Throws: `TarnError(.corrupt)` when the object is not a valid Parquet file.
    init(store: ObjectStore, bucket: String, key: String, caller: KeyCaller? = nil) throws {
        let reader = try store.open(bucket: bucket, key: key, caller: caller)
        let size = reader.info.size
        let name = "s3://\(bucket)/\(key)"
        var result = try ParquetMetadata.decode(tail: reader.read(ParquetMetadata.tailRange(fileSize: size)), fileSize: size, name: name)
        if case .needMore(let range) = result { result = try ParquetMetadata.decode(tail: reader.read(range), fileSize: size, name: name) }
        guard let metadata = result.metadata else { throw TarnError(.corrupt, "\(name): the Parquet footer is incomplete after reading it whole") }
        self.metadata = metadata
        self.reader = reader
    }

    /// Calls `body` with each row group, all columns.
    func forEachRowGroup(_ body: (RecordBatch) throws -> Void) throws {
        let selection = try ColumnSelection(nil, schema: metadata.schema)
        for group in 0..<metadata.rowGroupCount {
            var chunks: [Int: [UInt8]] = [:]
            for (leaf, range) in try metadata.byteRanges(rowGroup: group, selection: selection) { chunks[leaf] = try reader.read(range) }
            try body(try metadata.decodeRowGroup(group, selection: selection, chunks: chunks))
        }
    }
}

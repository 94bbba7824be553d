import Parquet
import TarnCore

/// Reads a Parquet footer with two small ranged reads, the way a frugal S3 reader does: the
/// last 8 bytes (footer length and magic), then exactly the footer. Reading a larger guessed
/// tail would save one request but bill bytes of column chunks the query may never need.
///
/// parquet-format: "4-byte magic number PAR1 · … · File Metadata · 4-byte length in bytes of
/// file metadata (little endian) · 4-byte magic number PAR1".
enum ParquetFooter {
    /// Length and magic at the end of every Parquet file.
    static let trailerLength: Int64 = 8

    /// Reads and decodes the footer.
    /// - Returns: the metadata and the bytes read.
    /// - Throws: `TarnError(.corrupt)` for a file that is not Parquet or a damaged footer.
    static func read(_ file: any RandomAccessFile, name: String) throws -> (metadata: ParquetMetadata, bytesRead: Int64) {
        let size = file.size
        guard size >= 12 else { throw TarnError(.corrupt, "\(name): \(size) bytes is too small for a Parquet file (needs at least 12)") }
        let trailer = try file.read((size - trailerLength)..<size, name: name)
        switch try ParquetMetadata.decode(tail: trailer, fileSize: size, name: name) {
        case .complete(let metadata):
            return (metadata, trailerLength)
        case .needMore(let range):
            // Read only the footer; the trailer is already here.
            let footer = try file.read(range.lowerBound..<(size - trailerLength), name: name)
            guard let metadata = try ParquetMetadata.decode(tail: footer + trailer, fileSize: size, name: name).metadata else {
                throw TarnError(.corrupt, "\(name): footer incomplete after reading \(range.count) bytes")
            }
            return (metadata, Int64(footer.count) + trailerLength)
        }
    }
}

import Codecs
import Columnar
import TarnCore

/// A parsed footer: the file metadata, the schema tree, and what a reader needs to plan reads.
///
/// Decoding does no I/O. A caller holding only a way to read byte ranges (a local file, an S3
/// range GET) asks `tailRange(fileSize:)` for the last bytes, passes them to `decode(tail:…)`,
/// and reads one more range if the footer turns out to be longer than the guess:
///
/// ```swift
/// let guess = ParquetMetadata.tailRange(fileSize: size)
/// switch try ParquetMetadata.decode(tail: read(guess), fileSize: size, name: key) {
/// case .complete(let metadata): use(metadata)
/// case .needMore(let range): use(try ParquetMetadata.decode(tail: read(range), …).metadata!)
/// }
/// ```
///
/// File layout (parquet-format README): `4-byte magic "PAR1" · column chunks · FileMetaData ·
/// 4-byte little-endian length of FileMetaData · 4-byte magic "PAR1"`.
public struct ParquetMetadata: Sendable {
    /// "PAR1".
    public static let magic: [UInt8] = Array("PAR1".utf8)
    /// The magic of files whose footer is encrypted (modular encryption).
    public static let encryptedMagic: [UInt8] = Array("PARE".utf8)
    /// How many bytes from the end to read first: most footers fit, so one request usually does.
    public static let defaultTailLength: Int64 = 64 * 1024

    /// The decoded footer.
    public let fileMetaData: FileMetaData
    /// The schema tree and its Columnar mapping.
    public let schema: ParquetSchema
    /// Total file size in bytes.
    public let fileSize: Int64
    /// The file's name for error messages.
    public let name: String
    /// Decoding options used for the schema mapping and for reads.
    public let options: ReadOptions
    /// Size of the thrift footer in bytes.
    public let footerLength: Int
    /// Start offsets of all column chunks, sorted (to bound reads past a chunk's declared size).
    private let chunkStarts: [Int64]

    /// Outcome of decoding a tail.
    public enum TailResult: Sendable {
        /// The footer was complete in the tail.
        case complete(ParquetMetadata)
        /// The footer is longer than the tail; read this range (ending at the file end) and retry.
        case needMore(Range<Int64>)

        /// The metadata when complete.
        public var metadata: ParquetMetadata? {
            if case .complete(let metadata) = self { return metadata }
            return nil
        }
    }

    /// The range to read first: the last `defaultTailLength` bytes (or the whole file).
    public static func tailRange(fileSize: Int64, length: Int64 = defaultTailLength) -> Range<Int64> {
        max(0, fileSize - length)..<fileSize
    }

    /// Decodes the footer from the last bytes of a file.
    /// - Parameters:
    ///   - tail: the final `tail.count` bytes of the file.
    ///   - fileSize: the file's total size.
    ///   - name: the file's name, used in errors.
    ///   - options: read options.
    /// - Returns: the metadata, or the range to read when the footer is longer than `tail`.
    /// - Throws: `TarnError(.corrupt)` when the file is not Parquet or the footer is damaged.
    public static func decode(tail: [UInt8], fileSize: Int64, name: String, options: ReadOptions = ReadOptions()) throws -> TailResult {
        guard fileSize >= 12, tail.count >= 8, Int64(tail.count) <= fileSize else {
            throw TarnError(.corrupt, "\(name): \(fileSize) bytes is too small for a Parquet file (needs at least 12)")
        }
        let end = Array(tail.suffix(4))
        if end == encryptedMagic {
            throw TarnError(.unsupported, "\(name): encrypted footer (PARE) is not supported")
        }
        guard end == magic else {
            throw TarnError(.corrupt, "\(name): not a Parquet file (trailing bytes \(Hex.encode(end)), expected PAR1)")
        }
        let lengthBytes = tail[(tail.count - 8)..<(tail.count - 4)]
        let length = Int64(lengthBytes.enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << UInt32($1.offset * 8) })
        guard length > 0, length <= fileSize - 12 else {
            throw TarnError(.corrupt, "\(name): footer length \(length) does not fit in a file of \(fileSize) bytes")
        }
        if length + 8 > Int64(tail.count) {
            return .needMore((fileSize - length - 8)..<fileSize)
        }
        let start = tail.count - 8 - Int(length)
        let fileMetaData = try tail.withUnsafeBytes { raw in
            try FileMetaData(thrift: UnsafeRawBufferPointer(rebasing: raw[start..<(tail.count - 8)]), context: name)
        }
        return .complete(try ParquetMetadata(fileMetaData, fileSize: fileSize, footerLength: Int(length), name: name, options: options))
    }

    /// Wraps decoded metadata, validating it against the file size.
    /// - Throws: `TarnError(.corrupt)` when row groups and the schema disagree or chunks lie outside the file.
    public init(_ fileMetaData: FileMetaData, fileSize: Int64, footerLength: Int, name: String, options: ReadOptions = ReadOptions()) throws {
        self.fileMetaData = fileMetaData
        self.footerLength = footerLength
        self.chunkStarts = fileMetaData.rowGroups.flatMap { $0.columns.compactMap { $0.metaData?.byteRange.lowerBound } }.sorted()
        self.fileSize = fileSize
        self.name = name
        self.options = options
        self.schema = try ParquetSchema(elements: fileMetaData.schema, options: options, context: name)
        for (groupIndex, group) in fileMetaData.rowGroups.enumerated() {
            guard group.columns.count == schema.leaves.count else {
                throw TarnError(.corrupt, "\(name): row group \(groupIndex) has \(group.columns.count) column chunks, schema has \(schema.leaves.count) leaves")
            }
        }
    }

    /// Number of row groups.
    public var rowGroupCount: Int { fileMetaData.rowGroups.count }

    /// Rows in the file, summed over row groups (some writers leave the footer's count at 0).
    public var rowCount: Int64 { fileMetaData.rowGroups.reduce(0) { $0 + $1.numRows } }

    /// The Columnar schema of the whole file, with key/value metadata attached.
    public var columnarSchema: Schema {
        var metadata: [String: String] = [:]
        for pair in fileMetaData.keyValueMetadata { metadata[pair.key] = pair.value ?? "" }
        return Schema(schema.fields, metadata: metadata)
    }

    /// The writer string (`created_by`).
    public var createdBy: String? { fileMetaData.createdBy }

    /// The codec of a column chunk as a `Codecs` value.
    /// - Throws: `TarnError(.unsupported)` for codec ids this build cannot decode.
    public func codec(rowGroup: Int, leaf: Int) throws -> CompressionCodec {
        let id = try chunkMetaData(rowGroup: rowGroup, leaf: leaf).codec
        switch id.rawValue {
        case 0: return .uncompressed
        case 1: return .snappy
        case 2: return .gzip
        case 3: return .lzo
        case 4: return .brotli
        case 5: return .lz4Hadoop
        case 6: return .zstd
        case 7: return .lz4Raw
        default: throw TarnError(.unsupported, "\(name): unknown compression codec id \(id.rawValue)")
        }
    }

    /// The metadata of one column chunk.
    /// - Throws: `TarnError(.corrupt)` when the chunk has no metadata or lives in another file.
    public func chunkMetaData(rowGroup: Int, leaf: Int) throws -> ColumnMetaData {
        let chunk = fileMetaData.rowGroups[rowGroup].columns[leaf]
        if chunk.isEncrypted { throw TarnError(.unsupported, "\(name): column '\(schema.leaves[leaf].dottedPath)' is encrypted") }
        if let path = chunk.filePath, !path.isEmpty {
            throw TarnError(.unsupported, "\(name): column chunk stored in another file ('\(path)')")
        }
        guard let metaData = chunk.metaData else {
            throw TarnError(.corrupt, "\(name): row group \(rowGroup), column '\(schema.leaves[leaf].dottedPath)' has no metadata")
        }
        return metaData
    }

    /// How far past its declared end a chunk may be read, up to the next chunk: some old writers
    /// (parquet-mr, parquet-cpp before 1.3) left the dictionary page header out of
    /// `total_compressed_size`, and other readers pad the same way.
    public static let chunkSizeSlack: Int64 = 100

    /// The byte range to read for a column chunk (its pages, dictionary first), validated against
    /// the file. A chunk with no values has an empty range.
    /// - Throws: `TarnError(.corrupt)` when the range lies outside the file's data section.
    public func chunkRange(rowGroup: Int, leaf: Int) throws -> Range<Int64> {
        let meta = try chunkMetaData(rowGroup: rowGroup, leaf: leaf)
        if meta.numValues == 0 { return 4..<4 }
        let declared = meta.byteRange
        let dataEnd = fileSize - 8 - Int64(footerLength)
        guard declared.lowerBound >= 4, declared.upperBound <= dataEnd, declared.lowerBound <= declared.upperBound else {
            throw TarnError(.corrupt, "\(name): row group \(rowGroup), column '\(schema.leaves[leaf].dottedPath)': chunk bytes \(declared) outside the data section (4..<\(dataEnd))")
        }
        let nextStart = chunkStarts.first { $0 >= declared.upperBound } ?? dataEnd
        let end = min(nextStart, declared.upperBound + Self.chunkSizeSlack, dataEnd)
        return declared.lowerBound..<max(end, declared.upperBound)
    }
}

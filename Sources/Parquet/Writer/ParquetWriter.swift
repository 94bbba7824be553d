import Codecs
import Columnar
import TarnCore

/// A streaming Parquet writer: append record batches, and row groups are cut by row count and
/// by encoded size, so memory stays bounded by one row group's compressed pages.
///
/// ```swift
/// var writer = try ParquetWriter(schema: schema, sink: try FileSink(path: "sales.parquet"))
/// for batch in batches { try writer.write(batch) }
/// let footer = try writer.finish()      // consumes the writer: nothing can be written after
/// ```
///
/// `~Copyable` so that a copy cannot write a second footer or append after `finish()`.
public struct ParquetWriter<Sink: ByteSink>: ~Copyable {
    /// The Columnar schema being written.
    public let schema: Schema
    /// The layout options.
    public let options: WriteOptions
    private var sink: Sink
    private let leaves: [WriteLeaf]
    /// Schema elements of every top-level field, depth first.
    private let elements: [SchemaElement]
    /// For each leaf: its top-level field and, when nested, the shredding steps.
    private let leafFields: [(field: Int, steps: [LevelShredder.Step]?)]
    private var columns: [ColumnChunkWriter]
    private var rowsInGroup = 0
    private var offset: Int64 = 0
    private var rowGroups: [RowGroup] = []
    private var totalRows: Int64 = 0

    /// Starts a file: validates the schema and writes the leading magic.
    /// - Throws: `TarnError(.invalidArgument)` for bad options or unwritable types.
    public init(schema: Schema, sink: Sink, options: WriteOptions = WriteOptions()) throws {
        guard options.rowGroupRows > 0, options.dataPageSize > 0 else {
            throw TarnError(.invalidArgument, "row group rows and page size must be positive")
        }
        guard options.compression.isAvailable else { throw TarnError(.unsupported, "\(options.compression) compression is not available") }
        var leaves: [WriteLeaf] = [], elements: [SchemaElement] = []
        var leafFields: [(field: Int, steps: [LevelShredder.Step]?)] = []
        for (index, field) in schema.fields.enumerated() {
            let (fieldElements, fieldLeaves) = try WriteSchema.elements(for: field)
            elements += fieldElements
            leaves += fieldLeaves
            let nested = fieldElements.count > 1
            for leaf in fieldLeaves {
                leafFields.append((index, nested ? LevelShredder.steps(for: field, path: leaf.path.dropFirst()) : nil))
            }
        }
        var sink = sink
        try sink.write(ParquetMetadata.magic)
        self.schema = schema
        self.options = options
        self.sink = sink
        self.leaves = leaves
        self.elements = elements
        self.leafFields = leafFields
        self.columns = leaves.map { ColumnChunkWriter(leaf: $0, options: options) }
        self.offset = 4
    }

    /// Appends a batch; closes row groups as they fill.
    /// - Throws: `TarnError(.invalidArgument)` when the batch's columns do not match the schema.
    public mutating func write(_ batch: RecordBatch) throws {
        guard batch.columns.count == schema.fields.count else {
            throw TarnError(.invalidArgument, "batch has \(batch.columns.count) columns, writer schema has \(schema.fields.count)")
        }
        for (index, column) in batch.columns.enumerated() where column.type != schema.fields[index].type {
            throw TarnError(.invalidArgument, "column '\(schema.fields[index].name)': batch type \(column.type), schema type \(schema.fields[index].type)")
        }
        var start = 0
        while start < batch.rowCount {
            let take = Swift.min(batch.rowCount - start, options.rowGroupRows - rowsInGroup)
            let part = take == batch.rowCount ? batch : batch.slice(start..<(start + take))
            for index in columns.indices {
                let (field, steps) = leafFields[index]
                if let steps {
                    var shredder = LevelShredder()
                    let leafColumn = shredder.shred(part.columns[field], steps: steps)
                    try columns[index].append(definition: shredder.definition, repetition: shredder.repetition,
                                              leafColumn: leafColumn, valueIndices: shredder.valueIndices)
                } else {
                    try columns[index].append(part.columns[field])
                }
            }
            rowsInGroup += take
            start += take
            let buffered = columns.reduce(0) { $0 + $1.bufferedSize }
            if rowsInGroup >= options.rowGroupRows || buffered >= options.rowGroupBytes { try flushRowGroup() }
        }
    }

    /// Writes the buffered rows as a row group (no-op when empty).
    public mutating func flushRowGroup() throws {
        guard rowsInGroup > 0 else { return }
        let groupStart = offset
        var chunks: [ColumnChunk] = []
        var totalUncompressed: Int64 = 0
        for index in columns.indices {
            let encoded = try columns[index].finish()
            let chunkStart = offset
            var dictionaryOffset: Int64?
            if !encoded.dictionaryPage.isEmpty {
                dictionaryOffset = offset
                try sink.write(encoded.dictionaryPage)
                offset += Int64(encoded.dictionaryPage.count)
            }
            let dataOffset = offset
            try sink.write(encoded.dataPages)
            offset += Int64(encoded.dataPages.count)
            let leaf = leaves[index]
            let meta = ColumnMetaData(
                type: leaf.physical, encodings: encoded.encodings, pathInSchema: leaf.path, codec: Self.codecID(options.compression),
                numValues: encoded.valueCount, totalUncompressedSize: encoded.uncompressedSize, totalCompressedSize: offset - chunkStart,
                dataPageOffset: dataOffset, dictionaryPageOffset: dictionaryOffset, statistics: encoded.statistics,
                encodingStats: encoded.encodingStats)
            totalUncompressed += encoded.uncompressedSize
            chunks.append(ColumnChunk(metaData: meta, fileOffset: chunkStart))
            columns[index] = ColumnChunkWriter(leaf: leaf, options: options)
        }
        rowGroups.append(RowGroup(
            columns: chunks, totalByteSize: totalUncompressed, numRows: Int64(rowsInGroup), fileOffset: groupStart,
            totalCompressedSize: offset - groupStart, ordinal: Int16(truncatingIfNeeded: rowGroups.count)))
        totalRows += Int64(rowsInGroup)
        rowsInGroup = 0
    }

    /// Writes the last row group and the footer, and hands back the sink.
    /// - Returns: the footer written and the sink (a `MemorySink` then holds the whole file).
    public consuming func finish() throws -> (metadata: FileMetaData, sink: Sink) {
        try flushRowGroup()
        let root = SchemaElement(name: "schema", numChildren: Int32(schema.fields.count))
        var keyValues = options.keyValueMetadata.sorted { $0.key < $1.key }.map { KeyValue(key: $0.key, value: $0.value) }
        for (key, value) in schema.metadata.sorted(by: { $0.key < $1.key }) where options.keyValueMetadata[key] == nil {
            keyValues.append(KeyValue(key: key, value: value))
        }
        let metadata = FileMetaData(
            version: 1, schema: [root] + elements, numRows: totalRows, rowGroups: rowGroups,
            keyValueMetadata: keyValues, createdBy: options.createdBy,
            columnOrders: options.writeStatistics ? Array(repeating: .typeDefined, count: leaves.count) : nil)
        let footer = metadata.thriftEncoded()
        try sink.write(footer)
        try sink.write(withUnsafeBytes(of: UInt32(footer.count).littleEndian) { Array($0) })
        try sink.write(ParquetMetadata.magic)
        return (metadata, sink)
    }

    static func codecID(_ codec: CompressionCodec) -> CodecID {
        switch codec {
        case .uncompressed: CodecID(rawValue: 0)
        case .snappy: CodecID(rawValue: 1)
        case .gzip: CodecID(rawValue: 2)
        case .lzo: CodecID(rawValue: 3)
        case .brotli: CodecID(rawValue: 4)
        case .lz4Hadoop: CodecID(rawValue: 5)
        case .zstd: CodecID(rawValue: 6)
        case .lz4Raw: CodecID(rawValue: 7)
        }
    }
}

import Codecs

/// The file footer (`FileMetaData` in parquet.thrift): schema, row groups, and writer facts.
public struct FileMetaData: Sendable {
    /// Format version (1 or 2; readers treat them alike).
    public var version: Int32
    /// The schema tree flattened depth-first; element 0 is the root.
    public var schema: [SchemaElement]
    /// Rows in the file as the footer states it (some writers leave 0; row groups are authoritative).
    public var numRows: Int64
    /// The row groups in file order.
    public var rowGroups: [RowGroup]
    /// File-level key/value metadata (e.g. `ARROW:schema`, Spark's schema JSON).
    public var keyValueMetadata: [KeyValue]
    /// The writing application: `<app> version <version> (build <hash>)`.
    public var createdBy: String?
    /// Sort order of each leaf column's statistics (nil when the writer did not say).
    public var columnOrders: [ColumnOrder]?

    /// Creates footer metadata.
    public init(version: Int32 = 1, schema: [SchemaElement], numRows: Int64, rowGroups: [RowGroup],
                keyValueMetadata: [KeyValue] = [], createdBy: String? = nil, columnOrders: [ColumnOrder]? = nil) {
        self.version = version
        self.schema = schema
        self.numRows = numRows
        self.rowGroups = rowGroups
        self.keyValueMetadata = keyValueMetadata
        self.createdBy = createdBy
        self.columnOrders = columnOrders
    }
}

/// The order statistics of one leaf column were computed in (`ColumnOrder` union).
public enum ColumnOrder: Sendable, Hashable {
    /// The order of the logical type (signed for ints, unsigned bytewise for strings, …).
    case typeDefined
    /// IEEE 754 totalOrder for floating point.
    case ieee754TotalOrder
    /// Chronological order of INT96 timestamps.
    case int96Timestamp
    /// An order this build does not know: statistics must be ignored.
    case unknown(Int16)
}

/// A key and optional value.
public struct KeyValue: Sendable, Hashable {
    /// The key.
    public var key: String
    /// The value, which parquet.thrift allows to be absent.
    public var value: String?
    /// Creates a pair.
    public init(key: String, value: String?) {
        self.key = key
        self.value = value
    }
}

/// A horizontal slice of the file: one column chunk per leaf column.
public struct RowGroup: Sendable {
    /// The column chunks, in schema leaf order.
    public var columns: [ColumnChunk]
    /// Uncompressed size of all column data.
    public var totalByteSize: Int64
    /// Number of rows.
    public var numRows: Int64
    /// Declared sort order of the rows, if any.
    public var sortingColumns: [SortingColumn]
    /// Offset of the first page of the row group.
    public var fileOffset: Int64?
    /// Compressed size of all column data.
    public var totalCompressedSize: Int64?
    /// The row group's position in the file.
    public var ordinal: Int16?

    /// Creates a row group description.
    public init(columns: [ColumnChunk], totalByteSize: Int64, numRows: Int64, sortingColumns: [SortingColumn] = [],
                fileOffset: Int64? = nil, totalCompressedSize: Int64? = nil, ordinal: Int16? = nil) {
        self.columns = columns
        self.totalByteSize = totalByteSize
        self.numRows = numRows
        self.sortingColumns = sortingColumns
        self.fileOffset = fileOffset
        self.totalCompressedSize = totalCompressedSize
        self.ordinal = ordinal
    }
}

/// One entry of `RowGroup.sorting_columns`.
public struct SortingColumn: Sendable, Hashable {
    /// Leaf column index.
    public var columnIndex: Int32
    /// Descending rather than ascending.
    public var descending: Bool
    /// Nulls sort before values.
    public var nullsFirst: Bool
    /// Creates a sorting column.
    public init(columnIndex: Int32, descending: Bool, nullsFirst: Bool) {
        self.columnIndex = columnIndex
        self.descending = descending
        self.nullsFirst = nullsFirst
    }
}

/// One leaf column's data within a row group.
public struct ColumnChunk: Sendable {
    /// Another file holding the data (summary `_metadata` files only; unsupported for reading).
    public var filePath: String?
    /// Deprecated offset of a copy of the metadata.
    public var fileOffset: Int64
    /// The column chunk's metadata (required in practice).
    public var metaData: ColumnMetaData?
    /// Where the page index entries are, when written.
    public var offsetIndexOffset: Int64?
    /// Length of the offset index.
    public var offsetIndexLength: Int32?
    /// Where the column index is.
    public var columnIndexOffset: Int64?
    /// Length of the column index.
    public var columnIndexLength: Int32?
    /// Whether the chunk is encrypted (this build reads plaintext files only).
    public var isEncrypted: Bool

    /// Creates a column chunk description.
    public init(metaData: ColumnMetaData, fileOffset: Int64 = 0) {
        self.filePath = nil
        self.fileOffset = fileOffset
        self.metaData = metaData
        self.isEncrypted = false
    }
}

/// What a column chunk holds and where (`ColumnMetaData`).
public struct ColumnMetaData: Sendable {
    /// Physical type of the values.
    public var type: PhysicalType
    /// Every encoding used by the chunk's pages.
    public var encodings: [Encoding]
    /// Names from the root to the leaf.
    public var pathInSchema: [String]
    /// The codec of the chunk's pages (thrift id).
    public var codec: CodecID
    /// Number of values including nulls (for repeated columns, level entries).
    public var numValues: Int64
    /// Size of all pages with headers, uncompressed.
    public var totalUncompressedSize: Int64
    /// Size of all pages with headers as stored.
    public var totalCompressedSize: Int64
    /// Column-chunk key/value metadata.
    public var keyValueMetadata: [KeyValue]
    /// Offset of the first data page.
    public var dataPageOffset: Int64
    /// Offset of the index page.
    public var indexPageOffset: Int64?
    /// Offset of the dictionary page, when there is one.
    public var dictionaryPageOffset: Int64?
    /// Chunk statistics.
    public var statistics: Statistics?
    /// Counts of pages by type and encoding.
    public var encodingStats: [PageEncodingStats]
    /// Offset of the bloom filter.
    public var bloomFilterOffset: Int64?
    /// Length of the bloom filter.
    public var bloomFilterLength: Int32?

    /// Creates column metadata.
    public init(type: PhysicalType, encodings: [Encoding], pathInSchema: [String], codec: CodecID, numValues: Int64,
                totalUncompressedSize: Int64, totalCompressedSize: Int64, dataPageOffset: Int64,
                dictionaryPageOffset: Int64? = nil, statistics: Statistics? = nil, keyValueMetadata: [KeyValue] = [],
                encodingStats: [PageEncodingStats] = []) {
        self.type = type
        self.encodings = encodings
        self.pathInSchema = pathInSchema
        self.codec = codec
        self.numValues = numValues
        self.totalUncompressedSize = totalUncompressedSize
        self.totalCompressedSize = totalCompressedSize
        self.keyValueMetadata = keyValueMetadata
        self.dataPageOffset = dataPageOffset
        self.indexPageOffset = nil
        self.dictionaryPageOffset = dictionaryPageOffset
        self.statistics = statistics
        self.encodingStats = encodingStats
    }

    /// Byte range of the chunk's pages in the file: from the dictionary page (when its offset is
    /// plausible) or first data page, for `totalCompressedSize` bytes.
    ///
    /// Some writers store `dictionary_page_offset = 0` (ARROW-5322), which is never a valid page
    /// position (the magic is there), so it is ignored.
    public var byteRange: Range<Int64> {
        var start = dataPageOffset
        if let dictionary = dictionaryPageOffset, dictionary > 0, dictionary < dataPageOffset { start = dictionary }
        return start..<(start &+ max(0, totalCompressedSize))
    }
}

/// How many pages of a type and encoding a chunk has.
public struct PageEncodingStats: Sendable, Hashable {
    /// The page type.
    public var pageType: PageType
    /// The page encoding.
    public var encoding: Encoding
    /// The number of such pages.
    public var count: Int32
    /// Creates a count.
    public init(pageType: PageType, encoding: Encoding, count: Int32) {
        self.pageType = pageType
        self.encoding = encoding
        self.count = count
    }
}

/// The header in front of every page (`PageHeader`).
public struct PageHeader: Sendable {
    /// Which of the page kinds this is.
    public var type: PageType
    /// Page size after decompression, without the header.
    public var uncompressedPageSize: Int32
    /// Page size as stored, without the header.
    public var compressedPageSize: Int32
    /// CRC-32 of the stored page bytes, when the writer computed one.
    public var crc: Int32?
    /// Set for v1 data pages.
    public var dataPageHeader: DataPageHeader?
    /// Set for dictionary pages.
    public var dictionaryPageHeader: DictionaryPageHeader?
    /// Set for v2 data pages.
    public var dataPageHeaderV2: DataPageHeaderV2?

    /// Creates a header.
    public init(type: PageType, uncompressedPageSize: Int32, compressedPageSize: Int32, crc: Int32? = nil) {
        self.type = type
        self.uncompressedPageSize = uncompressedPageSize
        self.compressedPageSize = compressedPageSize
        self.crc = crc
    }
}

/// Header fields of a v1 data page.
public struct DataPageHeader: Sendable {
    /// Values including nulls (level entries for repeated columns).
    public var numValues: Int32
    /// Encoding of the values.
    public var encoding: Encoding
    /// Encoding of the definition levels (RLE or the deprecated BIT_PACKED).
    public var definitionLevelEncoding: Encoding
    /// Encoding of the repetition levels.
    public var repetitionLevelEncoding: Encoding
    /// Page statistics.
    public var statistics: Statistics?

    /// Creates a v1 header.
    public init(numValues: Int32, encoding: Encoding, definitionLevelEncoding: Encoding = .rle,
                repetitionLevelEncoding: Encoding = .rle, statistics: Statistics? = nil) {
        self.numValues = numValues
        self.encoding = encoding
        self.definitionLevelEncoding = definitionLevelEncoding
        self.repetitionLevelEncoding = repetitionLevelEncoding
        self.statistics = statistics
    }
}

/// Header fields of a v2 data page.
public struct DataPageHeaderV2: Sendable {
    /// Values including nulls.
    public var numValues: Int32
    /// Null values.
    public var numNulls: Int32
    /// Rows (pages start at row boundaries).
    public var numRows: Int32
    /// Encoding of the values.
    public var encoding: Encoding
    /// Bytes of RLE definition levels (uncompressed, no length prefix).
    public var definitionLevelsByteLength: Int32
    /// Bytes of RLE repetition levels.
    public var repetitionLevelsByteLength: Int32
    /// Whether the values section is compressed ("If missing it is considered compressed").
    public var isCompressed: Bool
    /// Page statistics.
    public var statistics: Statistics?

    /// Creates a v2 header.
    public init(numValues: Int32, numNulls: Int32, numRows: Int32, encoding: Encoding,
                definitionLevelsByteLength: Int32, repetitionLevelsByteLength: Int32, isCompressed: Bool = true,
                statistics: Statistics? = nil) {
        self.numValues = numValues
        self.numNulls = numNulls
        self.numRows = numRows
        self.encoding = encoding
        self.definitionLevelsByteLength = definitionLevelsByteLength
        self.repetitionLevelsByteLength = repetitionLevelsByteLength
        self.isCompressed = isCompressed
        self.statistics = statistics
    }
}

/// Header fields of a dictionary page.
public struct DictionaryPageHeader: Sendable {
    /// Entries in the dictionary.
    public var numValues: Int32
    /// Encoding of the entries (PLAIN or the deprecated PLAIN_DICTIONARY, which means PLAIN).
    public var encoding: Encoding
    /// Whether the entries are sorted.
    public var isSorted: Bool?

    /// Creates a dictionary header.
    public init(numValues: Int32, encoding: Encoding = .plain, isSorted: Bool? = nil) {
        self.numValues = numValues
        self.encoding = encoding
        self.isSorted = isSorted
    }
}

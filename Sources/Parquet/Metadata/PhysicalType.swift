import TarnCore

/// The physical (storage) type of a leaf column (`Type` in parquet.thrift).
public enum PhysicalType: Int32, Sendable, Hashable, CustomStringConvertible {
    /// One bit per value.
    case boolean = 0
    /// 32-bit signed integer.
    case int32 = 1
    /// 64-bit signed integer.
    case int64 = 2
    /// Deprecated 12-byte timestamps (8 bytes nanoseconds of day, 4 bytes Julian day), read only.
    case int96 = 3
    /// IEEE 754 single precision.
    case float = 4
    /// IEEE 754 double precision.
    case double = 5
    /// Variable-length bytes.
    case byteArray = 6
    /// Bytes of the length given by `SchemaElement.typeLength`.
    case fixedLenByteArray = 7

    /// The name as parquet.thrift spells it.
    public var description: String {
        switch self {
        case .boolean: "BOOLEAN"
        case .int32: "INT32"
        case .int64: "INT64"
        case .int96: "INT96"
        case .float: "FLOAT"
        case .double: "DOUBLE"
        case .byteArray: "BYTE_ARRAY"
        case .fixedLenByteArray: "FIXED_LEN_BYTE_ARRAY"
        }
    }

    /// Byte width of one PLAIN value, or nil for variable-width and bit-packed types.
    public func plainWidth(typeLength: Int) -> Int? {
        switch self {
        case .boolean, .byteArray: nil
        case .int32, .float: 4
        case .int64, .double: 8
        case .int96: 12
        case .fixedLenByteArray: typeLength
        }
    }
}

/// How often a field occurs in its parent (`FieldRepetitionType`).
public enum Repetition: Int32, Sendable, Hashable, CustomStringConvertible {
    /// Exactly once.
    case required = 0
    /// Zero or one time (nullable).
    case optional = 1
    /// Zero or more times (a list level).
    case repeated = 2

    /// Lower-case name as the schema printer shows it.
    public var description: String {
        switch self {
        case .required: "required"
        case .optional: "optional"
        case .repeated: "repeated"
        }
    }
}

/// An encoding id (`Encoding` in parquet.thrift). A struct rather than an enum so that ids this
/// build does not know survive in metadata and can be reported by name or number.
public struct Encoding: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    /// The thrift enum value.
    public var rawValue: Int32
    /// Wraps a thrift enum value.
    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// Values back to back in their natural width; byte arrays with a 4-byte length prefix.
    public static let plain = Encoding(rawValue: 0)
    /// Deprecated spelling of dictionary encoding (dictionary page PLAIN, data pages RLE indices).
    public static let plainDictionary = Encoding(rawValue: 2)
    /// The RLE / bit-packed hybrid (levels, booleans in v2 pages).
    public static let rle = Encoding(rawValue: 3)
    /// Deprecated bit-packed levels, most significant bit first.
    public static let bitPacked = Encoding(rawValue: 4)
    /// Delta encoding of integers in bit-packed miniblocks.
    public static let deltaBinaryPacked = Encoding(rawValue: 5)
    /// Byte arrays as delta-encoded lengths followed by the concatenated bytes.
    public static let deltaLengthByteArray = Encoding(rawValue: 6)
    /// Byte arrays as shared-prefix lengths plus delta-length suffixes.
    public static let deltaByteArray = Encoding(rawValue: 7)
    /// Dictionary indices in the RLE / bit-packed hybrid.
    public static let rleDictionary = Encoding(rawValue: 8)
    /// Fixed-width values split into one stream per byte position.
    public static let byteStreamSplit = Encoding(rawValue: 9)

    /// Whether data pages with this encoding hold dictionary indices.
    public var isDictionary: Bool { self == .plainDictionary || self == .rleDictionary }

    /// The thrift spelling, or `ENCODING(n)` for an unknown id.
    public var description: String {
        switch rawValue {
        case 0: "PLAIN"
        case 2: "PLAIN_DICTIONARY"
        case 3: "RLE"
        case 4: "BIT_PACKED"
        case 5: "DELTA_BINARY_PACKED"
        case 6: "DELTA_LENGTH_BYTE_ARRAY"
        case 7: "DELTA_BYTE_ARRAY"
        case 8: "RLE_DICTIONARY"
        case 9: "BYTE_STREAM_SPLIT"
        default: "ENCODING(\(rawValue))"
        }
    }
}

/// The kind of a page (`PageType`).
public struct PageType: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    /// The thrift enum value.
    public var rawValue: Int32
    /// Wraps a thrift enum value.
    public init(rawValue: Int32) { self.rawValue = rawValue }
    /// A v1 data page: levels and values compressed together.
    public static let dataPage = PageType(rawValue: 0)
    /// An index page (never written by known writers).
    public static let indexPage = PageType(rawValue: 1)
    /// The dictionary of a column chunk.
    public static let dictionaryPage = PageType(rawValue: 2)
    /// A v2 data page: uncompressed levels, then (optionally compressed) values.
    public static let dataPageV2 = PageType(rawValue: 3)

    /// The thrift spelling.
    public var description: String {
        switch rawValue {
        case 0: "DATA_PAGE"
        case 1: "INDEX_PAGE"
        case 2: "DICTIONARY_PAGE"
        case 3: "DATA_PAGE_V2"
        default: "PAGE_TYPE(\(rawValue))"
        }
    }
}

/// A compression codec id (`CompressionCodec` in parquet.thrift).
public struct CodecID: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    /// The thrift enum value.
    public var rawValue: Int32
    /// Wraps a thrift enum value.
    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// The thrift spelling.
    public var description: String {
        switch rawValue {
        case 0: "UNCOMPRESSED"
        case 1: "SNAPPY"
        case 2: "GZIP"
        case 3: "LZO"
        case 4: "BROTLI"
        case 5: "LZ4"
        case 6: "ZSTD"
        case 7: "LZ4_RAW"
        default: "CODEC(\(rawValue))"
        }
    }
}

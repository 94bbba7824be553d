import Columnar

/// The logical annotation of a schema element (`LogicalType` union), plus the legacy
/// `ConvertedType` it replaces.
public enum LogicalType: Sendable, Hashable, CustomStringConvertible {
    /// UTF-8 text in a BYTE_ARRAY.
    case string
    /// A group holding key/value pairs.
    case map
    /// A group holding a list.
    case list
    /// UTF-8 enum labels in a BYTE_ARRAY.
    case enumeration
    /// An exact decimal: unscaled integer (INT32, INT64, FIXED_LEN_BYTE_ARRAY or BYTE_ARRAY) × 10^-scale.
    case decimal(precision: Int, scale: Int)
    /// Days since 1970-01-01 in an INT32.
    case date
    /// Time of day in `unit` (INT32 for milliseconds, INT64 otherwise).
    case time(TimeUnit, utc: Bool)
    /// An instant (UTC-adjusted) or local date-time in `unit` since the epoch, INT64.
    case timestamp(TimeUnit, utc: Bool)
    /// An integer of `bitWidth` bits, signed or not, in INT32 or INT64.
    case integer(bitWidth: Int, signed: Bool)
    /// Always-null column (`NullType`, printed UNKNOWN by parquet-java).
    case null
    /// JSON text in a BYTE_ARRAY.
    case json
    /// BSON bytes in a BYTE_ARRAY.
    case bson
    /// A UUID in FIXED_LEN_BYTE_ARRAY(16).
    case uuid
    /// IEEE half precision in FIXED_LEN_BYTE_ARRAY(2), little-endian.
    case float16
    /// A union member this build does not know (VARIANT, GEOMETRY, …): the column reads as its
    /// physical type, as the spec asks of readers.
    case unknown(Int16)

    /// The annotation as `tarn parquet schema` prints it.
    public var description: String {
        switch self {
        case .string: "STRING"
        case .map: "MAP"
        case .list: "LIST"
        case .enumeration: "ENUM"
        case .decimal(let p, let s): "DECIMAL(\(p),\(s))"
        case .date: "DATE"
        case .time(let unit, let utc): "TIME(\(unit.rawValue),\(utc ? "utc" : "local"))"
        case .timestamp(let unit, let utc): "TIMESTAMP(\(unit.rawValue),\(utc ? "utc" : "local"))"
        case .integer(let width, let signed): "INTEGER(\(width),\(signed ? "signed" : "unsigned"))"
        case .null: "UNKNOWN"
        case .json: "JSON"
        case .bson: "BSON"
        case .uuid: "UUID"
        case .float16: "FLOAT16"
        case .unknown(let id): "LOGICAL(\(id))"
        }
    }
}

/// The deprecated `ConvertedType` annotation, kept because older writers (Impala, Hive, old
/// parquet-mr) only set this one, and new writers must still set it for compatibility.
public enum ConvertedType: Int32, Sendable, Hashable, CustomStringConvertible {
    // The cases mirror parquet.thrift one to one; their meaning is that of the `LogicalType`
    // with the same name (UTF8 = STRING, INT_8 = INTEGER(8, signed), TIMESTAMP_MILLIS =
    // TIMESTAMP(ms, UTC), …).
    /// Legacy annotations, in thrift order.
    case utf8 = 0, map = 1, mapKeyValue = 2, list = 3, enumeration = 4, decimal = 5, date = 6
    case timeMillis = 7, timeMicros = 8, timestampMillis = 9, timestampMicros = 10
    case uint8 = 11, uint16 = 12, uint32 = 13, uint64 = 14
    case int8 = 15, int16 = 16, int32 = 17, int64 = 18
    case json = 19, bson = 20, interval = 21

    /// The thrift spelling.
    public var description: String {
        switch self {
        case .utf8: "UTF8"
        case .map: "MAP"
        case .mapKeyValue: "MAP_KEY_VALUE"
        case .list: "LIST"
        case .enumeration: "ENUM"
        case .decimal: "DECIMAL"
        case .date: "DATE"
        case .timeMillis: "TIME_MILLIS"
        case .timeMicros: "TIME_MICROS"
        case .timestampMillis: "TIMESTAMP_MILLIS"
        case .timestampMicros: "TIMESTAMP_MICROS"
        case .uint8: "UINT_8"
        case .uint16: "UINT_16"
        case .uint32: "UINT_32"
        case .uint64: "UINT_64"
        case .int8: "INT_8"
        case .int16: "INT_16"
        case .int32: "INT_32"
        case .int64: "INT_64"
        case .json: "JSON"
        case .bson: "BSON"
        case .interval: "INTERVAL"
        }
    }
}

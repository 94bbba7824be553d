/// Resolution of a time or timestamp value.
public enum TimeUnit: String, Hashable, Sendable, Codable, CaseIterable {
    case seconds = "s"
    case milliseconds = "ms"
    case microseconds = "us"
    case nanoseconds = "ns"

    /// How many of this unit make one second.
    public var perSecond: Int64 {
        switch self {
        case .seconds: 1
        case .milliseconds: 1_000
        case .microseconds: 1_000_000
        case .nanoseconds: 1_000_000_000
        }
    }
}

/// The logical type of a column.
public indirect enum DataType: Hashable, Sendable, CustomStringConvertible {
    case boolean
    case int8, int16, int32, int64
    case uint8, uint16, uint32, uint64
    case float32, float64
    /// Exact decimal; unscaled values in `int64` storage when precision ≤ 18, else `int128`.
    case decimal(precision: Int, scale: Int)
    /// Days since 1970-01-01, `int32` storage.
    case date
    /// Time of day since midnight in `unit`, `int64` storage.
    case time(TimeUnit)
    /// Instant (or local date-time when `utc` is false) since the epoch in `unit`, `int64` storage.
    case timestamp(TimeUnit, utc: Bool)
    /// UTF-8 text, `bytes` storage.
    case string
    /// Arbitrary bytes, `bytes` storage.
    case binary
    /// Fixed-width bytes, `fixedBytes` storage.
    case fixedBinary(Int)
    /// Variable-length list of `element`.
    case list(Field)
    /// Named children.
    case structure([Field])
    /// Key/value pairs; stored as a list of `structure([key, value])`.
    case map(key: Field, value: Field)

    /// The physical storage this type uses.
    public var physical: PhysicalKind {
        switch self {
        case .boolean: .bool
        case .int8: .int8
        case .int16: .int16
        case .int32, .date: .int32
        case .int64, .time, .timestamp: .int64
        case .uint8: .uint8
        case .uint16: .uint16
        case .uint32: .uint32
        case .uint64: .uint64
        case .float32: .float32
        case .float64: .float64
        case .decimal(let precision, _): precision <= 18 ? .int64 : .int128
        case .string, .binary: .bytes
        case .fixedBinary: .fixedBytes
        case .list, .map: .list
        case .structure: .structure
        }
    }

    /// Whether values are numbers (integers, floats, decimals).
    public var isNumeric: Bool {
        switch self {
        case .int8, .int16, .int32, .int64, .uint8, .uint16, .uint32, .uint64, .float32, .float64, .decimal: true
        default: false
        }
    }

    /// Whether values are integers.
    public var isInteger: Bool {
        switch self {
        case .int8, .int16, .int32, .int64, .uint8, .uint16, .uint32, .uint64: true
        default: false
        }
    }

    /// SQL-style spelling, as `DESCRIBE` and `tarn parquet schema` print it.
    public var description: String {
        switch self {
        case .boolean: "boolean"
        case .int8: "tinyint"
        case .int16: "smallint"
        case .int32: "integer"
        case .int64: "bigint"
        case .uint8: "utinyint"
        case .uint16: "usmallint"
        case .uint32: "uinteger"
        case .uint64: "ubigint"
        case .float32: "real"
        case .float64: "double"
        case .decimal(let p, let s): "decimal(\(p),\(s))"
        case .date: "date"
        case .time(let unit): "time(\(unit.rawValue))"
        case .timestamp(let unit, let utc): utc ? "timestamp(\(unit.rawValue), utc)" : "timestamp(\(unit.rawValue))"
        case .string: "varchar"
        case .binary: "varbinary"
        case .fixedBinary(let width): "fixed_binary(\(width))"
        case .list(let element): "array(\(element.type))"
        case .structure(let fields): "row(" + fields.map { "\($0.name) \($0.type)" }.joined(separator: ", ") + ")"
        case .map(let key, let value): "map(\(key.type), \(value.type))"
        }
    }
}

/// The physical representation of a column's values.
public enum PhysicalKind: Hashable, Sendable {
    case bool, int8, int16, int32, int64, uint8, uint16, uint32, uint64, float32, float64, int128
    case bytes, fixedBytes, list, structure
}

/// A named, typed column slot in a schema.
public struct Field: Hashable, Sendable, CustomStringConvertible {
    /// The column name.
    public var name: String
    /// The logical type.
    public var type: DataType
    /// Whether nulls may appear.
    public var nullable: Bool
    /// Free-form key/value annotations (e.g. a Parquet field id or a comment).
    public var metadata: [String: String]

    /// Creates a field.
    public init(_ name: String, _ type: DataType, nullable: Bool = true, metadata: [String: String] = [:]) {
        self.name = name
        self.type = type
        self.nullable = nullable
        self.metadata = metadata
    }

    /// `name type [not null]`.
    public var description: String { "\(name) \(type)\(nullable ? "" : " not null")" }
}

/// An ordered list of fields.
public struct Schema: Hashable, Sendable, CustomStringConvertible {
    /// The fields in order.
    public var fields: [Field]
    /// Free-form annotations (e.g. Parquet key/value metadata).
    public var metadata: [String: String]

    /// Creates a schema.
    public init(_ fields: [Field], metadata: [String: String] = [:]) {
        self.fields = fields
        self.metadata = metadata
    }

    /// Index of the first field called `name` (exact match), or nil.
    public func index(of name: String) -> Int? { fields.firstIndex { $0.name == name } }

    /// Index of the first field whose name matches case-insensitively, or nil.
    public func index(ofCaseInsensitive name: String) -> Int? {
        let lowered = name.lowercased()
        return fields.firstIndex { $0.name.lowercased() == lowered }
    }

    /// One field per line.
    public var description: String { fields.map(\.description).joined(separator: "\n") }
}

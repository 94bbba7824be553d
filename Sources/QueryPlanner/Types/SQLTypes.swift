import Columnar
import SQLParser
import TarnCore

/// Trino's type names and coercion rules over `Columnar.DataType`.
public enum SQLTypes {
    /// The engine's timestamp type: microseconds, no zone (Trino `timestamp(6)`).
    public static let timestamp = DataType.timestamp(.microseconds, utc: false)
    /// The engine's zoned timestamp: microseconds UTC (Trino `timestamp(6) with time zone`, kept in UTC).
    public static let timestampUTC = DataType.timestamp(.microseconds, utc: true)
    /// Largest decimal precision.
    public static let maxPrecision = 38

    /// The type the engine computes with for a stored column type: unsigned integers widen to
    /// the next signed type, timestamps become microseconds, other types stay.
    public static func normalized(_ type: DataType) -> DataType {
        switch type {
        case .uint8: .int16
        case .uint16: .int32
        case .uint32, .uint64: .int64
        case .timestamp(_, let utc): .timestamp(.microseconds, utc: utc)
        case .time: .time(.microseconds)
        case .fixedBinary: .binary
        default: type
        }
    }

    /// Resolves a written type name.
    /// - Throws: `TarnError(.typeMismatch)` for an unknown type.
    public static func resolve(_ name: TypeName) throws -> DataType {
        switch name.name {
        case "boolean", "bool": return .boolean
        case "tinyint": return .int8
        case "smallint": return .int16
        case "integer", "int": return .int32
        case "bigint", "long": return .int64
        case "real", "float": return .float32
        case "double": return .float64
        case "decimal", "numeric":
            let p = name.parameters.first ?? 38
            let s = name.parameters.count > 1 ? name.parameters[1] : 0
            guard p >= 1, p <= maxPrecision, s >= 0, s <= p else {
                throw TarnError(.typeMismatch, "Invalid decimal precision/scale (\(p), \(s))")
            }
            return .decimal(precision: p, scale: s)
        case "varchar", "char", "string", "text": return .string
        case "varbinary", "binary": return .binary
        case "date": return .date
        case "timestamp": return timestamp
        case "timestamp with time zone": return timestampUTC
        case "array": return .list(Field("element", try resolve(name.arguments.first ?? TypeName("varchar"))))
        default: throw TarnError(.typeMismatch, "Unknown type: \(name)")
        }
    }

    /// The Trino name of a type, for messages.
    public static func name(_ type: DataType) -> String {
        switch type {
        case .timestamp(_, let utc): utc ? "timestamp(6) with time zone" : "timestamp(6)"
        default: type.description
        }
    }

    /// Integer rank for the integer widening order.
    static func integerRank(_ type: DataType) -> Int? {
        switch type {
        case .int8: 1
        case .int16: 2
        case .int32: 3
        case .int64: 4
        default: nil
        }
    }

    /// The decimal type an integer type converts to without loss (Trino: tinyint → decimal(3,0),
    /// smallint → (5,0), integer → (10,0), bigint → (19,0)).
    public static func decimalOf(_ type: DataType) -> (precision: Int, scale: Int)? {
        switch type {
        case .int8: (3, 0)
        case .int16: (5, 0)
        case .int32: (10, 0)
        case .int64: (19, 0)
        case .decimal(let p, let s): (p, s)
        default: nil
        }
    }

    /// The smallest type both can be implicitly coerced to, or nil when none.
    public static func commonSuperType(_ a: DataType, _ b: DataType) -> DataType? {
        if a == b { return a }
        if let ra = integerRank(a), let rb = integerRank(b) { return ra >= rb ? a : b }
        switch (a, b) {
        case (.float64, _) where b.isNumeric, (_, .float64) where a.isNumeric: return .float64
        case (.float32, _) where b.isNumeric, (_, .float32) where a.isNumeric:
            // real with bigint/decimal widens to double in Trino? No: real wins, except decimal → real.
            return .float32
        default: break
        }
        if let da = decimalOf(a), let db = decimalOf(b) {
            let scale = max(da.scale, db.scale)
            let integer = max(da.precision - da.scale, db.precision - db.scale)
            return .decimal(precision: min(maxPrecision, integer + scale), scale: scale)
        }
        switch (a, b) {
        case (.date, .timestamp): return b
        case (.timestamp, .date): return a
        case (.timestamp(_, let ua), .timestamp(_, let ub)): return ua || ub ? timestampUTC : timestamp
        default: return nil
        }
    }

    /// Whether a value of `from` may be implicitly coerced to `to`.
    public static func canCoerce(_ from: DataType, to: DataType) -> Bool {
        commonSuperType(from, to) == to
    }
}

extension TarnError.Code {
    /// An expression has the wrong type (Trino's `TYPE_MISMATCH`).
    public static let typeMismatch = Self("TypeMismatch")
    /// A column, table or function name does not resolve (Trino's `COLUMN_NOT_FOUND`,
    /// `TABLE_NOT_FOUND`, `FUNCTION_NOT_FOUND`).
    public static let semanticError = Self("SemanticError")
    /// Arithmetic overflow, division by zero, invalid cast (Trino's `NUMERIC_VALUE_OUT_OF_RANGE`,
    /// `DIVISION_BY_ZERO`, `INVALID_CAST_ARGUMENT`).
    public static let invalidValue = Self("InvalidValue")
}

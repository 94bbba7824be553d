import Columnar
import TarnCore

/// Maps Parquet physical + logical (or legacy converted) types to Columnar types, following
/// LogicalTypes.md, and back for the writer.
enum TypeMapping {
    /// The Columnar type a leaf decodes to.
    static func leafType(_ element: SchemaElement, options: ReadOptions, context: String) throws -> DataType {
        guard let physical = element.type else { throw TarnError(.corrupt, "\(context): leaf without a type") }
        let name = element.name
        func decimal(_ precision: Int, _ scale: Int) throws -> DataType {
            guard precision > 0, precision <= 38, scale >= 0, scale <= precision else {
                throw TarnError(.unsupported, "\(context): column '\(name)': DECIMAL(\(precision),\(scale)) outside 1...38 digits")
            }
            return .decimal(precision: precision, scale: scale)
        }
        if let logical = element.logicalType {
            switch (logical, physical) {
            case (.string, .byteArray), (.enumeration, .byteArray), (.json, .byteArray): return .string
            case (.bson, .byteArray): return .binary
            case (.decimal(let p, let s), .int32), (.decimal(let p, let s), .int64),
                 (.decimal(let p, let s), .fixedLenByteArray), (.decimal(let p, let s), .byteArray):
                return try decimal(p, s)
            case (.date, .int32): return .date
            case (.time(let unit, _), .int32) where unit == .milliseconds: return .time(.milliseconds)
            case (.time(let unit, _), .int64) where unit != .milliseconds: return .time(unit)
            case (.timestamp(let unit, let utc), .int64): return .timestamp(unit, utc: utc)
            case (.integer(let width, let signed), .int32), (.integer(let width, let signed), .int64):
                switch (width, signed) {
                case (8, true): return .int8
                case (16, true): return .int16
                case (32, true): return .int32
                case (64, true): return .int64
                case (8, false): return .uint8
                case (16, false): return .uint16
                case (32, false): return .uint32
                default: return .uint64
                }
            case (.uuid, .fixedLenByteArray) where element.typeLength == 16: return .fixedBinary(16)
            case (.float16, .fixedLenByteArray) where element.typeLength == 2: return .float32
            case (.null, _): break
            case (.unknown, _): break
            default:
                // An annotation that does not fit the physical type: read the physical type, as
                // readers are asked to do with annotations they cannot apply.
                break
            }
            if case .unknown = logical {} else if element.convertedType == nil { return physicalType(physical, element, options) }
        }
        if let converted = element.convertedType {
            switch (converted, physical) {
            case (.utf8, .byteArray), (.enumeration, .byteArray), (.json, .byteArray): return .string
            case (.decimal, .int32), (.decimal, .int64), (.decimal, .fixedLenByteArray), (.decimal, .byteArray):
                return try decimal(Int(element.precision ?? 0), Int(element.scale ?? 0))
            case (.date, .int32): return .date
            case (.timeMillis, .int32): return .time(.milliseconds)
            case (.timeMicros, .int64): return .time(.microseconds)
            // Legacy converted timestamps are "adjusted to UTC" per LogicalTypes.md.
            case (.timestampMillis, .int64): return .timestamp(.milliseconds, utc: true)
            case (.timestampMicros, .int64): return .timestamp(.microseconds, utc: true)
            case (.int8, .int32): return .int8
            case (.int16, .int32): return .int16
            case (.int32, .int32): return .int32
            case (.int64, .int64): return .int64
            case (.uint8, .int32): return .uint8
            case (.uint16, .int32): return .uint16
            case (.uint32, .int32): return .uint32
            case (.uint64, .int64): return .uint64
            default: break
            }
        }
        return physicalType(physical, element, options)
    }

    private static func physicalType(_ physical: PhysicalType, _ element: SchemaElement, _ options: ReadOptions) -> DataType {
        switch physical {
        case .boolean: .boolean
        case .int32: .int32
        case .int64: .int64
        case .int96: .timestamp(options.int96Unit, utc: false)
        case .float: .float32
        case .double: .float64
        case .byteArray: options.binaryAsString ? .string : .binary
        case .fixedLenByteArray: .fixedBinary(Int(element.typeLength ?? 0))
        }
    }
}

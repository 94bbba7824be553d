import Columnar
import TarnCore

/// How one Columnar field is stored: its schema element and the conversion its values need.
struct WriteLeaf: Sendable {
    var field: Field
    var element: SchemaElement
    var physical: PhysicalType
    /// Bytes per value for FIXED_LEN_BYTE_ARRAY.
    var width: Int
    /// Multiplier applied to integer values (seconds → milliseconds, which Parquet lacks).
    var scale: Int64 = 1
    /// Names from the top-level field to the leaf (`ColumnMetaData.path_in_schema`).
    var path: [String] = []
    /// Maximum definition level (nullable and repeated ancestors, and the leaf itself).
    var maxDefinition = 0
    /// Maximum repetition level (lists above the leaf).
    var maxRepetition = 0
}

/// Maps Columnar fields to Parquet schema elements for writing (LogicalTypes.md), setting the
/// legacy converted type too where the spec pairs one with the logical type, so older readers
/// (Hive, Athena engine v2) see the same types.
enum WriteSchema {
    static func leaf(for field: Field) throws -> WriteLeaf {
        let repetition: Repetition = field.nullable ? .optional : .required
        func element(_ physical: PhysicalType, converted: ConvertedType? = nil, logical: LogicalType? = nil,
                     length: Int32? = nil) -> SchemaElement {
            SchemaElement(name: field.name, type: physical, typeLength: length, repetition: repetition,
                          convertedType: converted, logicalType: logical)
        }
        func integer(_ width: Int, signed: Bool, _ converted: ConvertedType) -> WriteLeaf {
            let physical: PhysicalType = width == 64 ? .int64 : .int32
            return WriteLeaf(field: field, element: element(physical, converted: converted, logical: .integer(bitWidth: width, signed: signed)),
                             physical: physical, width: 0)
        }
        switch field.type {
        case .boolean: return WriteLeaf(field: field, element: element(.boolean), physical: .boolean, width: 0)
        case .int8: return integer(8, signed: true, .int8)
        case .int16: return integer(16, signed: true, .int16)
        case .int32: return WriteLeaf(field: field, element: element(.int32), physical: .int32, width: 0)
        case .int64: return WriteLeaf(field: field, element: element(.int64), physical: .int64, width: 0)
        case .uint8: return integer(8, signed: false, .uint8)
        case .uint16: return integer(16, signed: false, .uint16)
        case .uint32: return integer(32, signed: false, .uint32)
        case .uint64: return integer(64, signed: false, .uint64)
        case .float32: return WriteLeaf(field: field, element: element(.float), physical: .float, width: 0)
        case .float64: return WriteLeaf(field: field, element: element(.double), physical: .double, width: 0)
        case .decimal(let precision, let scale):
            guard precision >= 1, precision <= 38, scale >= 0, scale <= precision else {
                throw TarnError(.invalidArgument, "column '\(field.name)': DECIMAL(\(precision),\(scale)) cannot be written")
            }
            var e: SchemaElement
            let physical: PhysicalType
            var width = 0
            // The narrowest physical type the spec allows: INT32 up to 9 digits, INT64 up to 18,
            // then big-endian FIXED_LEN_BYTE_ARRAY of the minimal byte count.
            if precision <= 9 {
                physical = .int32
                e = element(.int32, converted: .decimal, logical: .decimal(precision: precision, scale: scale))
            } else if precision <= 18 {
                physical = .int64
                e = element(.int64, converted: .decimal, logical: .decimal(precision: precision, scale: scale))
            } else {
                physical = .fixedLenByteArray
                width = decimalBytes(precision: precision)
                e = element(.fixedLenByteArray, converted: .decimal, logical: .decimal(precision: precision, scale: scale), length: Int32(width))
            }
            e.precision = Int32(precision)
            e.scale = Int32(scale)
            return WriteLeaf(field: field, element: e, physical: physical, width: width)
        case .date:
            return WriteLeaf(field: field, element: element(.int32, converted: .date, logical: .date), physical: .int32, width: 0)
        case .time(let unit):
            switch unit {
            case .seconds, .milliseconds:
                var leaf = WriteLeaf(field: field, element: element(.int32, converted: .timeMillis, logical: .time(.milliseconds, utc: true)),
                                     physical: .int32, width: 0)
                if unit == .seconds { leaf.scale = 1000 }
                return leaf
            case .microseconds:
                return WriteLeaf(field: field, element: element(.int64, converted: .timeMicros, logical: .time(.microseconds, utc: true)),
                                 physical: .int64, width: 0)
            case .nanoseconds:
                return WriteLeaf(field: field, element: element(.int64, logical: .time(.nanoseconds, utc: true)), physical: .int64, width: 0)
            }
        case .timestamp(let unit, let utc):
            let stored: TimeUnit = unit == .seconds ? .milliseconds : unit
            // TIMESTAMP_MILLIS/MICROS mean "adjusted to UTC"; local timestamps get only the logical type.
            let converted: ConvertedType? = !utc ? nil : (stored == .milliseconds ? .timestampMillis : stored == .microseconds ? .timestampMicros : nil)
            var leaf = WriteLeaf(field: field, element: element(.int64, converted: converted, logical: .timestamp(stored, utc: utc)),
                                 physical: .int64, width: 0)
            if unit == .seconds { leaf.scale = 1000 }
            return leaf
        case .string:
            return WriteLeaf(field: field, element: element(.byteArray, converted: .utf8, logical: .string), physical: .byteArray, width: 0)
        case .binary:
            return WriteLeaf(field: field, element: element(.byteArray), physical: .byteArray, width: 0)
        case .fixedBinary(let width):
            guard width > 0 else { throw TarnError(.invalidArgument, "column '\(field.name)': fixed_binary(0) cannot be written") }
            return WriteLeaf(field: field, element: element(.fixedLenByteArray, length: Int32(width)), physical: .fixedLenByteArray, width: width)
        case .list, .structure, .map:
            throw TarnError(.internal, "column '\(field.name)': nested types go through `elements(for:)`")
        }
    }

    /// The schema elements (depth first) and leaves of a top-level field, nested or not.
    ///
    /// Lists use the three-level form LogicalTypes.md prescribes, `<list> (LIST) { repeated group
    /// list { <element> } }`; maps `<map> (MAP) { repeated group key_value { required key; value } }`.
    static func elements(for field: Field) throws -> (elements: [SchemaElement], leaves: [WriteLeaf]) {
        var elements: [SchemaElement] = []
        var leaves: [WriteLeaf] = []
        func visit(_ field: Field, path: [String], definition: Int, repetition: Int, depth: Int) throws {
            guard depth < 64 else { throw TarnError(.invalidArgument, "column '\(field.name)': nesting deeper than 64 levels") }
            let repetitionType: Repetition = field.nullable ? .optional : .required
            let definition = definition + (field.nullable ? 1 : 0)
            switch field.type {
            case .structure(let children):
                guard !children.isEmpty else { throw TarnError(.invalidArgument, "column '\(field.name)': a struct needs at least one field") }
                elements.append(SchemaElement(name: field.name, repetition: repetitionType, numChildren: Int32(children.count)))
                for child in children { try visit(child, path: path + [child.name], definition: definition, repetition: repetition, depth: depth + 1) }
            case .list(let element):
                elements.append(SchemaElement(name: field.name, repetition: repetitionType, numChildren: 1, convertedType: .list, logicalType: .list))
                elements.append(SchemaElement(name: "list", repetition: .repeated, numChildren: 1))
                let renamed = Field("element", element.type, nullable: element.nullable, metadata: element.metadata)
                try visit(renamed, path: path + ["list", "element"], definition: definition + 1, repetition: repetition + 1, depth: depth + 1)
            case .map(let key, let value):
                elements.append(SchemaElement(name: field.name, repetition: repetitionType, numChildren: 1, convertedType: .map, logicalType: .map))
                elements.append(SchemaElement(name: "key_value", repetition: .repeated, numChildren: 2, convertedType: nil))
                try visit(Field("key", key.type, nullable: false), path: path + ["key_value", "key"], definition: definition + 1,
                          repetition: repetition + 1, depth: depth + 1)
                try visit(Field("value", value.type, nullable: value.nullable), path: path + ["key_value", "value"],
                          definition: definition + 1, repetition: repetition + 1, depth: depth + 1)
            default:
                var leaf = try self.leaf(for: field)
                leaf.path = path
                leaf.maxDefinition = definition
                leaf.maxRepetition = repetition
                elements.append(leaf.element)
                leaves.append(leaf)
            }
        }
        try visit(field, path: [field.name], definition: 0, repetition: 0, depth: 0)
        return (elements, leaves)
    }

    /// Smallest byte count whose two's complement holds every `precision`-digit number.
    static func decimalBytes(precision: Int) -> Int {
        var bytes = 1
        while bytes < 16 {
            // Largest magnitude representable in `bytes` bytes: 2^(8·bytes − 1) − 1.
            let limit = (Int128(1) << (8 * bytes - 1)) - 1
            var power: Int128 = 1
            for _ in 0..<precision { power *= 10 }
            if power - 1 <= limit { return bytes }
            bytes += 1
        }
        return 16
    }
}

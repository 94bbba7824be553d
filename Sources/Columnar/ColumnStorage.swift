/// Contiguous values of a column, by physical width. See the module overview for the mapping
/// from logical types.
public indirect enum ColumnStorage: Sendable {
    case bool([Bool])
    case int8([Int8])
    case int16([Int16])
    case int32([Int32])
    case int64([Int64])
    case uint8([UInt8])
    case uint16([UInt16])
    case uint32([UInt32])
    case uint64([UInt64])
    case float32([Float])
    case float64([Double])
    case int128([Int128])
    /// Variable-width bytes: value `i` is `data[offsets[i] ..< offsets[i + 1]]`.
    case bytes(offsets: [Int32], data: [UInt8])
    /// Fixed-width bytes: value `i` is `data[i * width ..< (i + 1) * width]`.
    case fixedBytes(width: Int, data: [UInt8])
    /// Lists: list `i` is `values[offsets[i] ..< offsets[i + 1]]`.
    case list(offsets: [Int32], values: Column)
    /// Struct children, each with the parent's row count.
    case structure([Column])

    /// Number of values stored.
    public var count: Int {
        switch self {
        case .bool(let v): v.count
        case .int8(let v): v.count
        case .int16(let v): v.count
        case .int32(let v): v.count
        case .int64(let v): v.count
        case .uint8(let v): v.count
        case .uint16(let v): v.count
        case .uint32(let v): v.count
        case .uint64(let v): v.count
        case .float32(let v): v.count
        case .float64(let v): v.count
        case .int128(let v): v.count
        case .bytes(let offsets, _): max(0, offsets.count - 1)
        case .fixedBytes(let width, let data): width == 0 ? 0 : data.count / width
        case .list(let offsets, _): max(0, offsets.count - 1)
        case .structure(let children): children.first?.count ?? 0
        }
    }

    /// Empty storage of the given physical kind (children of nested kinds come from `type`).
    public static func empty(for type: DataType) -> ColumnStorage {
        switch type.physical {
        case .bool: .bool([])
        case .int8: .int8([])
        case .int16: .int16([])
        case .int32: .int32([])
        case .int64: .int64([])
        case .uint8: .uint8([])
        case .uint16: .uint16([])
        case .uint32: .uint32([])
        case .uint64: .uint64([])
        case .float32: .float32([])
        case .float64: .float64([])
        case .int128: .int128([])
        case .bytes: .bytes(offsets: [0], data: [])
        case .fixedBytes:
            if case .fixedBinary(let width) = type { .fixedBytes(width: width, data: []) } else { .fixedBytes(width: 0, data: []) }
        case .list:
            .list(offsets: [0], values: Column.empty(type.listElementField?.type ?? .int32))
        case .structure:
            .structure((type.structFields ?? []).map { Column.empty($0.type) })
        }
    }
}

extension DataType {
    /// The element field of a list, or the entry struct of a map.
    public var listElementField: Field? {
        switch self {
        case .list(let element): element
        case .map(let key, let value): Field("entries", .structure([key, value]), nullable: false)
        default: nil
        }
    }

    /// The children of a struct.
    public var structFields: [Field]? {
        if case .structure(let fields) = self { fields } else { nil }
    }
}

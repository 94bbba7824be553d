/// A single value of any column type: for literals, row-at-a-time paths (CSV output, tests,
/// statistics) and builders. Hot loops work on `ColumnStorage` instead.
public indirect enum Value: Hashable, Sendable {
    case null
    case bool(Bool)
    /// Any signed integer type, widened.
    case int(Int64)
    /// Any unsigned integer type, widened.
    case uint(UInt64)
    /// float32 or float64, widened.
    case double(Double)
    /// An exact decimal: unscaled value and scale.
    case decimal(Int128, scale: Int)
    case string(String)
    case bytes([UInt8])
    /// Days since 1970-01-01.
    case date(Int32)
    /// Time of day in `unit` since midnight.
    case time(Int64, TimeUnit)
    /// Instant in `unit` since the epoch.
    case timestamp(Int64, TimeUnit)
    case list([Value])
    case structure([Value])

    /// Whether this is `.null`.
    public var isNull: Bool { if case .null = self { true } else { false } }
}

extension Column {
    /// Row `index` as a `Value` (slow path: allocates for strings and nested values).
    public func value(at index: Int) -> Value {
        if isNull(index) { return .null }
        switch storage {
        case .bool(let v): return .bool(v[index])
        case .int8(let v): return .int(Int64(v[index]))
        case .int16(let v): return .int(Int64(v[index]))
        case .int32(let v):
            if case .date = type { return .date(v[index]) }
            if case .decimal(_, let scale) = type { return .decimal(Int128(v[index]), scale: scale) }
            return .int(Int64(v[index]))
        case .int64(let v):
            switch type {
            case .timestamp(let unit, _): return .timestamp(v[index], unit)
            case .time(let unit): return .time(v[index], unit)
            case .decimal(_, let scale): return .decimal(Int128(v[index]), scale: scale)
            default: return .int(v[index])
            }
        case .uint8(let v): return .uint(UInt64(v[index]))
        case .uint16(let v): return .uint(UInt64(v[index]))
        case .uint32(let v): return .uint(UInt64(v[index]))
        case .uint64(let v): return .uint(v[index])
        case .float32(let v): return .double(Double(v[index]))
        case .float64(let v): return .double(v[index])
        case .int128(let v):
            if case .decimal(_, let scale) = type { return .decimal(v[index], scale: scale) }
            return .decimal(v[index], scale: 0)
        case .bytes, .fixedBytes:
            if case .string = type { return .string(string(at: index)!) }
            return .bytes(withBytes(at: index) { Array($0) })
        case .list(let offsets, let values):
            return .list((Int(offsets[index])..<Int(offsets[index + 1])).map { values.value(at: $0) })
        case .structure(let children):
            return .structure(children.map { $0.value(at: index) })
        }
    }
}

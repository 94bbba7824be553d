import Columnar
import QueryPlanner
import TarnCore

/// The result of evaluating an expression over a batch: a full column, or one value that
/// stands for every row (literals, constant folding) so kernels can take a scalar fast path.
enum Vector {
    case column(Column)
    case scalar(Value, DataType)

    var type: DataType {
        switch self {
        case .column(let c): c.type
        case .scalar(_, let t): t
        }
    }

    /// The values as a column of `count` rows.
    func column(count: Int) -> Column {
        switch self {
        case .column(let c): c
        case .scalar(let value, let type): ConstantColumn.make(value, type: type, count: count)
        }
    }

    var isNullScalar: Bool {
        if case .scalar(.null, _) = self { return true }
        return false
    }
}

/// Columns holding one value repeated.
public enum ConstantColumn {
    /// A column of `count` copies of `value` (NULL gives an all-null column).
    public static func make(_ value: Value, type: DataType, count: Int) -> Column {
        if case .null = value {
            return Column(type: type, storage: ZeroStorage.make(type, count: count), validity: [Bool](repeating: false, count: count))
        }
        switch type.physical {
        case .bool:
            if case .bool(let b) = value { return Column(type: type, storage: .bool([Bool](repeating: b, count: count))) }
        case .int8, .int16, .int32, .int64:
            let v = ValueConversion.int64(value) ?? 0
            switch type.physical {
            case .int8: return Column(type: type, storage: .int8([Int8](repeating: Int8(truncatingIfNeeded: v), count: count)))
            case .int16: return Column(type: type, storage: .int16([Int16](repeating: Int16(truncatingIfNeeded: v), count: count)))
            case .int32: return Column(type: type, storage: .int32([Int32](repeating: Int32(truncatingIfNeeded: v), count: count)))
            default: return Column(type: type, storage: .int64([Int64](repeating: v, count: count)))
            }
        case .float32:
            return Column(type: type, storage: .float32([Float](repeating: Float(ValueConversion.double(value) ?? 0), count: count)))
        case .float64:
            return Column(type: type, storage: .float64([Double](repeating: ValueConversion.double(value) ?? 0, count: count)))
        case .int128:
            return Column(type: type, storage: .int128([Int128](repeating: ValueConversion.int128(value) ?? 0, count: count)))
        case .bytes:
            let bytes: [UInt8]
            switch value {
            case .string(let s): bytes = Array(s.utf8)
            case .bytes(let b): bytes = b
            default: bytes = Array("\(value)".utf8)
            }
            var data = [UInt8]()
            data.reserveCapacity(bytes.count * count)
            var offsets = [Int32](repeating: 0, count: count + 1)
            for i in 0..<count {
                data.append(contentsOf: bytes)
                offsets[i + 1] = Int32(truncatingIfNeeded: data.count)
            }
            return Column(type: type, storage: .bytes(offsets: offsets, data: data))
        default:
            break
        }
        var builder = ColumnBuilder(type, capacity: count)
        for _ in 0..<count { builder.append(value) }
        return builder.build()
    }
}

/// Zero-filled storage (the values under an all-null column).
enum ZeroStorage {
    static func make(_ type: DataType, count: Int) -> ColumnStorage {
        switch type.physical {
        case .bool: .bool([Bool](repeating: false, count: count))
        case .int8: .int8([Int8](repeating: 0, count: count))
        case .int16: .int16([Int16](repeating: 0, count: count))
        case .int32: .int32([Int32](repeating: 0, count: count))
        case .int64: .int64([Int64](repeating: 0, count: count))
        case .uint8: .uint8([UInt8](repeating: 0, count: count))
        case .uint16: .uint16([UInt16](repeating: 0, count: count))
        case .uint32: .uint32([UInt32](repeating: 0, count: count))
        case .uint64: .uint64([UInt64](repeating: 0, count: count))
        case .float32: .float32([Float](repeating: 0, count: count))
        case .float64: .float64([Double](repeating: 0, count: count))
        case .int128: .int128([Int128](repeating: 0, count: count))
        case .bytes: .bytes(offsets: [Int32](repeating: 0, count: count + 1), data: [])
        case .fixedBytes:
            if case .fixedBinary(let w) = type { .fixedBytes(width: w, data: [UInt8](repeating: 0, count: w * count)) } else { .fixedBytes(width: 0, data: []) }
        case .list: .list(offsets: [Int32](repeating: 0, count: count + 1), values: Column.empty(type.listElementField?.type ?? .int32))
        case .structure: .structure((type.structFields ?? []).map { Column(type: $0.type, storage: make($0.type, count: count), validity: [Bool](repeating: false, count: count)) })
        }
    }
}

/// Conversions of scalar `Value`s used by literals and constant paths.
enum ValueConversion {
    static func int64(_ value: Value) -> Int64? {
        switch value {
        case .int(let i): i
        case .uint(let u): Int64(exactly: u)
        case .date(let d): Int64(d)
        case .timestamp(let t, _): t
        case .time(let t, _): t
        case .decimal(let v, _): Int64(exactly: v)
        case .bool(let b): b ? 1 : 0
        case .double(let d): Int64(exactly: d.rounded())
        default: nil
        }
    }

    static func double(_ value: Value) -> Double? {
        switch value {
        case .int(let i): Double(i)
        case .uint(let u): Double(u)
        case .double(let d): d
        case .decimal(let v, let s): Double(v) / pow10(s)
        default: nil
        }
    }

    static func int128(_ value: Value) -> Int128? {
        switch value {
        case .decimal(let v, _): v
        case .int(let i): Int128(i)
        default: nil
        }
    }

    static func pow10(_ n: Int) -> Double {
        var r = 1.0
        for _ in 0..<n { r *= 10 }
        return r
    }
}

/// Approximate in-memory sizes, for memory accounting and in-memory "bytes scanned".
public enum ColumnSize {
    /// Bytes held by a column's buffers.
    public static func bytes(_ column: Column) -> Int {
        let validity = column.validity?.count ?? 0
        switch column.storage {
        case .bool(let v): return v.count + validity
        case .int8(let v): return v.count + validity
        case .int16(let v): return v.count * 2 + validity
        case .int32(let v): return v.count * 4 + validity
        case .int64(let v): return v.count * 8 + validity
        case .uint8(let v): return v.count + validity
        case .uint16(let v): return v.count * 2 + validity
        case .uint32(let v): return v.count * 4 + validity
        case .uint64(let v): return v.count * 8 + validity
        case .float32(let v): return v.count * 4 + validity
        case .float64(let v): return v.count * 8 + validity
        case .int128(let v): return v.count * 16 + validity
        case .bytes(let o, let d): return o.count * 4 + d.count + validity
        case .fixedBytes(_, let d): return d.count + validity
        case .list(let o, let values): return o.count * 4 + bytes(values) + validity
        case .structure(let children): return children.reduce(validity) { $0 + bytes($1) }
        }
    }

    /// Bytes held by a batch.
    public static func bytes(_ batch: RecordBatch) -> Int { batch.columns.reduce(0) { $0 + bytes($1) } }
}

/// Validity helpers: `nil` means all valid.
enum Validity {
    static func and(_ a: [Bool]?, _ b: [Bool]?) -> [Bool]? {
        guard let a else { return b }
        guard let b else { return a }
        var out = a
        out.withUnsafeMutableBufferPointer { o in
            b.withUnsafeBufferPointer { bb in
                for i in 0..<o.count { o[i] = o[i] && bb[i] }
            }
        }
        return out
    }

    /// nil when every entry is true.
    static func compact(_ v: [Bool]) -> [Bool]? {
        v.contains(false) ? v : nil
    }
}

extension Column {
    /// The values of an integer-backed column (any signed width, date, time, timestamp,
    /// short decimal) widened to Int64.
    var int64Values: [Int64] {
        switch storage {
        case .int64(let v): v
        case .int32(let v): v.map { Int64($0) }
        case .int16(let v): v.map { Int64($0) }
        case .int8(let v): v.map { Int64($0) }
        case .uint8(let v): v.map { Int64($0) }
        case .uint16(let v): v.map { Int64($0) }
        case .uint32(let v): v.map { Int64($0) }
        case .uint64(let v): v.map { Int64(truncatingIfNeeded: $0) }
        case .bool(let v): v.map { $0 ? 1 : 0 }
        case .int128(let v): v.map { Int64(truncatingIfNeeded: $0) }
        case .float32(let v): v.map { Int64($0) }
        case .float64(let v): v.map { $0.isFinite ? Int64(clamping: Int64(exactly: $0.rounded(.towardZero)) ?? 0) : 0 }
        default: [Int64](repeating: 0, count: count)
        }
    }

    /// The values as Double (numbers; decimals are scaled).
    var doubleValues: [Double] {
        switch storage {
        case .float64(let v): return v
        case .float32(let v): return v.map { Double($0) }
        case .int128(let v):
            let scale: Double
            if case .decimal(_, let s) = type { scale = ValueConversion.pow10(s) } else { scale = 1 }
            return v.map { Double($0) / scale }
        default:
            let ints = int64Values
            if case .decimal(_, let s) = type {
                let scale = ValueConversion.pow10(s)
                return ints.map { Double($0) / scale }
            }
            return ints.map { Double($0) }
        }
    }

    /// Unscaled decimal values (any decimal storage, or integers) as Int128.
    var int128Values: [Int128] {
        if case .int128(let v) = storage { return v }
        return int64Values.map { Int128($0) }
    }

    /// The values of a boolean column.
    var boolValues: [Bool] {
        if case .bool(let v) = storage { return v }
        return int64Values.map { $0 != 0 }
    }

    /// A column of `type` from wide integer values, narrowed to the type's storage.
    static func fromInt64(_ values: [Int64], type: DataType, validity: [Bool]?) -> Column {
        let storage: ColumnStorage
        switch type.physical {
        case .int8: storage = .int8(values.map { Int8(truncatingIfNeeded: $0) })
        case .int16: storage = .int16(values.map { Int16(truncatingIfNeeded: $0) })
        case .int32: storage = .int32(values.map { Int32(truncatingIfNeeded: $0) })
        case .int128: storage = .int128(values.map { Int128($0) })
        case .float64: storage = .float64(values.map { Double($0) })
        case .float32: storage = .float32(values.map { Float($0) })
        case .bool: storage = .bool(values.map { $0 != 0 })
        default: storage = .int64(values)
        }
        return Column(type: type, storage: storage, validity: validity)
    }

    /// A decimal (or other) column from unscaled Int128 values.
    static func fromInt128(_ values: [Int128], type: DataType, validity: [Bool]?) -> Column {
        if type.physical == .int128 { return Column(type: type, storage: .int128(values), validity: validity) }
        return Column(type: type, storage: .int64(values.map { Int64(truncatingIfNeeded: $0) }), validity: validity)
    }

    /// A float column of `type` from Double values.
    static func fromDouble(_ values: [Double], type: DataType, validity: [Bool]?) -> Column {
        if type == .float32 { return Column(type: type, storage: .float32(values.map { Float($0) }), validity: validity) }
        return Column(type: .float64, storage: .float64(values), validity: validity)
    }

    /// The validity as an explicit array.
    var validityArray: [Bool] { validity ?? [Bool](repeating: true, count: count) }
}

/// Builds string columns from bytes without going through `String`.
struct StringColumnBuilder {
    var offsets: [Int32]
    var data: [UInt8]
    var validity: [Bool]
    var sawNull = false

    init(capacity: Int, bytes: Int = 0) {
        offsets = [0]
        offsets.reserveCapacity(capacity + 1)
        data = []
        data.reserveCapacity(bytes)
        validity = []
        validity.reserveCapacity(capacity)
    }

    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        data.append(contentsOf: bytes)
        offsets.append(Int32(truncatingIfNeeded: data.count))
        validity.append(true)
    }

    mutating func append<C: Collection>(bytes: C) where C.Element == UInt8 {
        data.append(contentsOf: bytes)
        offsets.append(Int32(truncatingIfNeeded: data.count))
        validity.append(true)
    }

    mutating func append(string: String) {
        data.append(contentsOf: string.utf8)
        offsets.append(Int32(truncatingIfNeeded: data.count))
        validity.append(true)
    }

    mutating func appendNull() {
        offsets.append(Int32(truncatingIfNeeded: data.count))
        validity.append(false)
        sawNull = true
    }

    func build(type: DataType = .string) -> Column {
        Column(type: type, storage: .bytes(offsets: offsets, data: data), validity: sawNull ? validity : nil)
    }
}

/// Read access to a string column's bytes.
struct StringView {
    let offsets: [Int32]
    let data: [UInt8]

    init(_ column: Column) {
        if case .bytes(let o, let d) = column.storage {
            offsets = o
            data = d
        } else {
            offsets = [Int32](repeating: 0, count: column.count + 1)
            data = []
        }
    }

    @inline(__always) func range(_ i: Int) -> Range<Int> { Int(offsets[i])..<Int(offsets[i + 1]) }

    @inline(__always) func withBytes<R>(_ i: Int, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        let r = range(i)
        return try data.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[r])) }
    }

    func string(_ i: Int) -> String {
        String(decoding: data[range(i)], as: UTF8.self)
    }
}

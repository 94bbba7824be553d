/// Builds a column one value at a time (text readers, tests, row-oriented paths), then
/// freezes it with `build()`.
///
/// Values accumulate in a few wide buffers (signed integers as `Int64`, floats as `Double`,
/// bytes as offsets + data) so every append is a plain array append with no enum re-wrapping;
/// `build()` narrows them to the column's physical width once.
public struct ColumnBuilder: Sendable {
    /// The logical type being built.
    public let type: DataType
    private let kind: PhysicalKind
    private var validity: [Bool] = []
    private var sawNull = false
    private var bools: [Bool] = []
    private var ints: [Int64] = []
    private var uints: [UInt64] = []
    private var doubles: [Double] = []
    private var wide: [Int128] = []
    private var offsets: [Int32] = [0]
    private var data: [UInt8] = []
    private let fixedWidth: Int
    private var children: [ColumnBuilder] = []

    /// Starts an empty builder for `type`.
    /// - Parameters:
    ///   - type: the column type.
    ///   - capacity: expected number of rows (reserves space).
    public init(_ type: DataType, capacity: Int = 0) {
        self.type = type
        self.kind = type.physical
        if case .fixedBinary(let width) = type { fixedWidth = width } else { fixedWidth = 0 }
        if let fields = type.structFields { children = fields.map { ColumnBuilder($0.type, capacity: capacity) } }
        if let element = type.listElementField { children = [ColumnBuilder(element.type)] }
        validity.reserveCapacity(capacity)
        switch kind {
        case .bool: bools.reserveCapacity(capacity)
        case .int8, .int16, .int32, .int64: ints.reserveCapacity(capacity)
        case .uint8, .uint16, .uint32, .uint64: uints.reserveCapacity(capacity)
        case .float32, .float64: doubles.reserveCapacity(capacity)
        case .bytes, .list: offsets.reserveCapacity(capacity + 1)
        default: break
        }
    }

    /// Rows appended so far.
    public var count: Int { validity.count }

    /// Appends a null row.
    public mutating func appendNull() {
        sawNull = true
        validity.append(false)
        switch kind {
        case .bool: bools.append(false)
        case .int8, .int16, .int32, .int64: ints.append(0)
        case .uint8, .uint16, .uint32, .uint64: uints.append(0)
        case .float32, .float64: doubles.append(0)
        case .int128: wide.append(0)
        case .bytes: offsets.append(Int32(truncatingIfNeeded: data.count))
        case .fixedBytes: data.append(contentsOf: repeatElement(0, count: fixedWidth))
        case .list: offsets.append(Int32(truncatingIfNeeded: children[0].count))
        case .structure: for index in children.indices { children[index].appendNull() }
        }
    }

    /// Appends a present integer to an integer, date, time, timestamp, decimal or float column.
    public mutating func append(int value: Int64) {
        validity.append(true)
        switch kind {
        case .int8, .int16, .int32, .int64: ints.append(value)
        case .uint8, .uint16, .uint32, .uint64: uints.append(UInt64(bitPattern: value))
        case .int128: wide.append(Int128(value))
        case .float32, .float64: doubles.append(Double(value))
        case .bool: bools.append(value != 0)
        default:
            // Programmer error: integer append on a non-numeric column.
            preconditionFailure("append(int:) on \(type) column")
        }
    }

    /// Appends a present double to a float column (or truncates into an integer column).
    public mutating func append(double value: Double) {
        switch kind {
        case .float32, .float64:
            validity.append(true)
            doubles.append(value)
        default: append(int: Int64(value))
        }
    }

    /// Appends a present 128-bit unscaled decimal.
    public mutating func append(int128 value: Int128) {
        if kind == .int128 {
            validity.append(true)
            wide.append(value)
        } else {
            append(int: Int64(truncatingIfNeeded: value))
        }
    }

    /// Appends a present boolean.
    public mutating func append(bool value: Bool) {
        validity.append(true)
        // Programmer error: bool append on another kind.
        precondition(kind == .bool, "append(bool:) on \(type) column")
        bools.append(value)
    }

    /// Appends present bytes (string, binary or fixed-width column).
    public mutating func append(bytes: UnsafeRawBufferPointer) {
        validity.append(true)
        switch kind {
        case .bytes:
            data.append(contentsOf: bytes)
            offsets.append(Int32(truncatingIfNeeded: data.count))
        case .fixedBytes:
            // Programmer error: the caller validates widths before appending.
            precondition(bytes.count == fixedWidth, "fixed width \(fixedWidth), got \(bytes.count) bytes")
            data.append(contentsOf: bytes)
        default: preconditionFailure("append(bytes:) on \(type) column")
        }
    }

    /// Appends a present string.
    public mutating func append(string: String) {
        var string = string
        string.withUTF8 { append(bytes: UnsafeRawBufferPointer($0)) }
    }

    /// Appends any value, converting widened integers and floats to the column's width.
    public mutating func append(_ value: Value) {
        switch value {
        case .null: appendNull()
        case .bool(let b): append(bool: b)
        case .int(let i): append(int: i)
        case .uint(let u): append(int: Int64(bitPattern: u))
        case .double(let d): append(double: d)
        case .decimal(let unscaled, _): append(int128: unscaled)
        case .string(let s): append(string: s)
        case .bytes(let b): b.withUnsafeBytes { append(bytes: $0) }
        case .date(let d): append(int: Int64(d))
        case .time(let t, _): append(int: t)
        case .timestamp(let t, _): append(int: t)
        case .list(let items):
            validity.append(true)
            for item in items { children[0].append(item) }
            offsets.append(Int32(truncatingIfNeeded: children[0].count))
        case .structure(let items):
            validity.append(true)
            for index in children.indices { children[index].append(index < items.count ? items[index] : .null) }
        }
    }

    /// Freezes the builder into an immutable column.
    public func build() -> Column {
        let storage: ColumnStorage
        switch kind {
        case .bool: storage = .bool(bools)
        case .int8: storage = .int8(ints.map { Int8(truncatingIfNeeded: $0) })
        case .int16: storage = .int16(ints.map { Int16(truncatingIfNeeded: $0) })
        case .int32: storage = .int32(ints.map { Int32(truncatingIfNeeded: $0) })
        case .int64: storage = .int64(ints)
        case .uint8: storage = .uint8(uints.map { UInt8(truncatingIfNeeded: $0) })
        case .uint16: storage = .uint16(uints.map { UInt16(truncatingIfNeeded: $0) })
        case .uint32: storage = .uint32(uints.map { UInt32(truncatingIfNeeded: $0) })
        case .uint64: storage = .uint64(uints)
        case .float32: storage = .float32(doubles.map { Float($0) })
        case .float64: storage = .float64(doubles)
        case .int128: storage = .int128(wide)
        case .bytes: storage = .bytes(offsets: offsets, data: data)
        case .fixedBytes: storage = .fixedBytes(width: fixedWidth, data: data)
        case .list: storage = .list(offsets: offsets, values: children[0].build())
        case .structure: storage = .structure(children.map { $0.build() })
        }
        return Column(type: type, storage: storage, validity: sawNull ? validity : nil)
    }
}

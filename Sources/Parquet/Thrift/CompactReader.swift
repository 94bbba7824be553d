import TarnCore

/// A decoder for the Thrift compact protocol over a borrowed byte buffer.
///
/// Every read is bounds-checked and every length is checked against the bytes that remain, so a
/// corrupt footer or page header throws instead of reading out of bounds or allocating
/// gigabytes. Structs are decoded by `readStruct`, which hands each field header to a closure
/// that reads the fields it knows and skips the rest (forward compatibility: newer writers add
/// fields).
///
/// The buffer is borrowed: use the reader only inside the `withUnsafeBytes` scope that made it.
struct CompactReader {
    /// Nesting limit for structs and collections; real metadata nests fewer than 10 deep, and the
    /// limit keeps a hostile input from overflowing the stack through `skip`.
    static let maxDepth = 64

    private let bytes: UnsafeRawBufferPointer
    /// Offset of the next byte to read.
    private(set) var position: Int
    private var depth = 0
    /// What is being decoded, for error messages ("footer", "page header at 4").
    let context: String

    /// Starts reading `bytes` at `position`.
    init(_ bytes: UnsafeRawBufferPointer, position: Int = 0, context: String) {
        self.bytes = bytes
        self.position = position
        self.context = context
    }

    /// Bytes not yet consumed.
    var remaining: Int { bytes.count - position }

    func corrupt(_ message: String) -> TarnError {
        TarnError(.corrupt, "\(context): \(message) at byte \(position) of \(bytes.count)")
    }

    // MARK: Primitives

    /// One raw byte.
    mutating func readByte() throws -> UInt8 {
        guard position < bytes.count else { throw corrupt("unexpected end of thrift data") }
        defer { position += 1 }
        return bytes[position]
    }

    /// An unsigned LEB128 varint of at most 10 bytes.
    mutating func readVarint() throws -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let byte = try readByte()
            guard shift < 64 else { throw corrupt("varint longer than 10 bytes") }
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
        }
    }

    /// A zigzag varint: "(n << 1) ^ (n >> 63)" on the way in, undone here.
    mutating func readZigZag() throws -> Int64 {
        let raw = try readVarint()
        return Int64(bitPattern: raw >> 1) ^ -Int64(bitPattern: raw & 1)
    }

    /// An i16 value.
    mutating func readI16() throws -> Int16 {
        let value = try readZigZag()
        guard let narrow = Int16(exactly: value) else { throw corrupt("i16 value \(value) out of range") }
        return narrow
    }

    /// An i32 value.
    mutating func readI32() throws -> Int32 {
        let value = try readZigZag()
        guard let narrow = Int32(exactly: value) else { throw corrupt("i32 value \(value) out of range") }
        return narrow
    }

    /// An i64 value.
    mutating func readI64() throws -> Int64 { try readZigZag() }

    /// A double: 8 bytes little-endian.
    mutating func readDouble() throws -> Double {
        guard remaining >= 8 else { throw corrupt("truncated double") }
        defer { position += 8 }
        return Double(bitPattern: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: position, as: UInt64.self)))
    }

    /// Binary: a varint length, then the bytes.
    mutating func readBinary() throws -> [UInt8] {
        let length = try readVarint()
        guard length <= UInt64(remaining) else { throw corrupt("binary of \(length) bytes, only \(remaining) remain") }
        let start = position
        position += Int(length)
        return Array(bytes[start..<position])
    }

    /// A string: binary holding UTF-8 (invalid sequences are repaired, not rejected).
    mutating func readString() throws -> String {
        let length = try readVarint()
        guard length <= UInt64(remaining) else { throw corrupt("string of \(length) bytes, only \(remaining) remain") }
        let start = position
        position += Int(length)
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
    }

    // MARK: Typed field values

    /// The value of a bool field (carried in the field header) or a bool list element.
    func boolValue(_ field: ThriftField) throws -> Bool {
        switch field.type {
        case .boolTrue: return true
        case .boolFalse: return false
        default: throw ThriftTypeMismatch()
        }
    }

    /// Checks that field `field` has wire type `type`.
    ///
    /// A mismatch throws `ThriftTypeMismatch`, which `readStruct` catches to skip the field, as
    /// generated Thrift code does: ids are sometimes reused across format versions (old files
    /// have a list where parquet.thrift now has an i32), and such a field is simply unknown.
    func expect(_ field: ThriftField, _ type: CompactType) throws {
        guard field.type == type else { throw ThriftTypeMismatch() }
    }

    /// The value of an i32 (or enum) field.
    mutating func i32(_ field: ThriftField) throws -> Int32 {
        try expect(field, .i32)
        return try readI32()
    }

    /// The value of an i64 field.
    mutating func i64(_ field: ThriftField) throws -> Int64 {
        try expect(field, .i64)
        return try readI64()
    }

    /// The value of an i16 field.
    mutating func i16(_ field: ThriftField) throws -> Int16 {
        try expect(field, .i16)
        return try readI16()
    }

    /// The value of an i8 field.
    mutating func i8(_ field: ThriftField) throws -> Int8 {
        try expect(field, .byte)
        return Int8(bitPattern: try readByte())
    }

    /// The value of a binary field.
    mutating func binary(_ field: ThriftField) throws -> [UInt8] {
        try expect(field, .binary)
        return try readBinary()
    }

    /// The value of a string field.
    mutating func string(_ field: ThriftField) throws -> String {
        try expect(field, .binary)
        return try readString()
    }

    // MARK: Structures

    /// Reads a struct: calls `body` once per field header, until the stop byte.
    ///
    /// Field ids are delta-encoded: "If the field id delta is in 1..15 it is stored in the upper
    /// 4 bits of the header byte; otherwise the upper bits are 0 and the field id follows as a
    /// zigzag varint i16."
    /// - Parameter body: reads the field's value, or calls `skip(field.type)` for unknown fields.
    mutating func readStruct(_ body: (inout CompactReader, ThriftField) throws -> Void) throws {
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maxDepth else { throw corrupt("thrift nesting deeper than \(Self.maxDepth)") }
        var lastID: Int16 = 0
        while true {
            let header = try readByte()
            if header == 0 { return }
            guard let type = CompactType(rawValue: header & 0x0F), type != .stop else {
                throw corrupt("unknown thrift field type \(header & 0x0F)")
            }
            let delta = Int16(header >> 4)
            let id = delta == 0 ? try readI16() : lastID &+ delta
            lastID = id
            let before = position
            do {
                try body(&self, ThriftField(id: id, type: type))
            } catch is ThriftTypeMismatch {
                // Thrown before the value was read (see `expect`), so the value is still ahead.
                guard position == before else { throw corrupt("field \(id) has an unexpected wire type \(type)") }
                try skip(type)
            }
            // A body that neither read nor skipped a non-bool field would loop on garbage.
            if position == before && !type.isBool { try skip(type) }
        }
    }

    /// Reads a list header; returns the element type and count.
    ///
    /// "The short form: 4 bits size, 4 bits element type; the long form (size ≥ 15): 0b1111 then
    /// element type, followed by the size as a varint."
    mutating func readListHeader() throws -> (CompactType, Int) {
        let header = try readByte()
        var count = Int(header >> 4)
        if count == 15 {
            let long = try readVarint()
            guard long < UInt64(Int32.max) else { throw corrupt("list of \(long) elements") }
            count = Int(long)
        }
        guard let type = CompactType(rawValue: header & 0x0F) else { throw corrupt("unknown list element type \(header & 0x0F)") }
        // Every element takes at least one byte on the wire (bools included), so a count larger
        // than what remains is corrupt; checking here stops huge up-front allocations.
        guard count <= remaining else { throw corrupt("list of \(count) elements, only \(remaining) bytes remain") }
        return (type, count)
    }

    /// Reads a list field whose elements `element` decodes.
    mutating func list<T>(_ field: ThriftField, _ element: (inout CompactReader, CompactType) throws -> T) throws -> [T] {
        guard field.type == .list || field.type == .set else { throw ThriftTypeMismatch() }
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maxDepth else { throw corrupt("thrift nesting deeper than \(Self.maxDepth)") }
        let (type, count) = try readListHeader()
        var out: [T] = []
        out.reserveCapacity(count)
        for _ in 0..<count { out.append(try element(&self, type)) }
        return out
    }

    /// Reads a list of i32 (or enum) values. Elements declared i16 or i64 are accepted too: all
    /// three are zigzag varints on the wire, and some writers declared the narrower type.
    mutating func i32List(_ field: ThriftField) throws -> [Int32] {
        try list(field) { reader, type in
            guard type == .i32 || type == .i16 || type == .i64 else { throw reader.corrupt("list element should be i32, is \(type)") }
            return try reader.readI32()
        }
    }

    /// Reads a list of i64 values.
    mutating func i64List(_ field: ThriftField) throws -> [Int64] {
        try list(field) { reader, type in
            guard type == .i64 else { throw reader.corrupt("list element should be i64, is \(type)") }
            return try reader.readI64()
        }
    }

    /// Reads a list of strings.
    mutating func stringList(_ field: ThriftField) throws -> [String] {
        try list(field) { reader, type in
            guard type == .binary else { throw reader.corrupt("list element should be binary, is \(type)") }
            return try reader.readString()
        }
    }

    /// Reads a list of binaries.
    mutating func binaryList(_ field: ThriftField) throws -> [[UInt8]] {
        try list(field) { reader, type in
            guard type == .binary else { throw reader.corrupt("list element should be binary, is \(type)") }
            return try reader.readBinary()
        }
    }

    /// Reads a list of bools ("element values of type bool are sent as a byte").
    mutating func boolList(_ field: ThriftField) throws -> [Bool] {
        try list(field) { reader, type in
            guard type.isBool else { throw reader.corrupt("list element should be bool, is \(type)") }
            return try reader.readByte() == CompactType.boolTrue.rawValue
        }
    }

    /// Skips a value of wire type `type`, recursing into containers.
    mutating func skip(_ type: CompactType) throws {
        switch type {
        case .stop: throw corrupt("unexpected stop type")
        case .boolTrue, .boolFalse: return
        case .byte: _ = try readByte()
        case .i16, .i32, .i64: _ = try readVarint()
        case .double:
            guard remaining >= 8 else { throw corrupt("truncated double") }
            position += 8
        case .binary:
            let length = try readVarint()
            guard length <= UInt64(remaining) else { throw corrupt("binary of \(length) bytes, only \(remaining) remain") }
            position += Int(length)
        case .list, .set:
            depth += 1
            defer { depth -= 1 }
            guard depth <= Self.maxDepth else { throw corrupt("thrift nesting deeper than \(Self.maxDepth)") }
            let (elementType, count) = try readListHeader()
            for _ in 0..<count {
                if elementType.isBool { _ = try readByte() } else { try skip(elementType) }
            }
        case .map:
            depth += 1
            defer { depth -= 1 }
            guard depth <= Self.maxDepth else { throw corrupt("thrift nesting deeper than \(Self.maxDepth)") }
            let count = try readVarint()
            guard count <= UInt64(remaining) else { throw corrupt("map of \(count) entries") }
            if count == 0 { return }
            let types = try readByte()
            guard let keyType = CompactType(rawValue: types >> 4), let valueType = CompactType(rawValue: types & 0x0F) else {
                throw corrupt("unknown map types \(types)")
            }
            for _ in 0..<count {
                if keyType.isBool { _ = try readByte() } else { try skip(keyType) }
                if valueType.isBool { _ = try readByte() } else { try skip(valueType) }
            }
        case .structure:
            try readStruct { reader, field in try reader.skip(field.type) }
        }
    }
}

/// A field's wire type differs from the IDL's; the field is skipped as unknown.
struct ThriftTypeMismatch: Error {}

/// An encoder for the Thrift compact protocol into a growing byte array.
///
/// Usage mirrors the IDL: `beginStruct()`, one `field…` call per set field in ascending id order
/// (the delta encoding of field ids assumes it), then `endStruct()`.
struct CompactWriter {
    /// The encoded bytes so far.
    private(set) var bytes: [UInt8] = []
    private var lastIDs: [Int16] = []
    private var lastID: Int16 = 0

    init(capacity: Int = 256) { bytes.reserveCapacity(capacity) }

    /// Appends an unsigned varint.
    mutating func writeVarint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    /// Appends a zigzag varint.
    mutating func writeZigZag(_ value: Int64) {
        writeVarint(UInt64(bitPattern: (value << 1) ^ (value >> 63)))
    }

    /// Appends a length-prefixed binary.
    mutating func writeBinary(_ value: [UInt8]) {
        writeVarint(UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    /// Appends a length-prefixed UTF-8 string.
    mutating func writeString(_ value: String) {
        writeBinary(Array(value.utf8))
    }

    /// Starts a struct (the top-level one or a nested field value).
    mutating func beginStruct() {
        lastIDs.append(lastID)
        lastID = 0
    }

    /// Ends a struct with the stop byte.
    mutating func endStruct() {
        bytes.append(0)
        lastID = lastIDs.removeLast()
    }

    /// Writes a field header (short form when the id delta fits in 4 bits).
    mutating func writeFieldHeader(_ id: Int16, _ type: CompactType) {
        let delta = id - lastID
        if delta > 0 && delta <= 15 {
            bytes.append(UInt8(delta) << 4 | type.rawValue)
        } else {
            bytes.append(type.rawValue)
            writeZigZag(Int64(id))
        }
        lastID = id
    }

    /// Writes a bool field (the value lives in the header's type nibble).
    mutating func field(_ id: Int16, bool value: Bool) {
        writeFieldHeader(id, value ? .boolTrue : .boolFalse)
    }

    /// Writes an i8 field.
    mutating func field(_ id: Int16, i8 value: Int8) {
        writeFieldHeader(id, .byte)
        bytes.append(UInt8(bitPattern: value))
    }

    /// Writes an i16 field.
    mutating func field(_ id: Int16, i16 value: Int16) {
        writeFieldHeader(id, .i16)
        writeZigZag(Int64(value))
    }

    /// Writes an i32 (or enum) field.
    mutating func field(_ id: Int16, i32 value: Int32) {
        writeFieldHeader(id, .i32)
        writeZigZag(Int64(value))
    }

    /// Writes an i64 field.
    mutating func field(_ id: Int16, i64 value: Int64) {
        writeFieldHeader(id, .i64)
        writeZigZag(value)
    }

    /// Writes a binary field.
    mutating func field(_ id: Int16, binary value: [UInt8]) {
        writeFieldHeader(id, .binary)
        writeBinary(value)
    }

    /// Writes a string field.
    mutating func field(_ id: Int16, string value: String) {
        writeFieldHeader(id, .binary)
        writeString(value)
    }

    /// Writes a nested struct field; `body` writes its fields.
    mutating func field(_ id: Int16, structure body: (inout CompactWriter) -> Void) {
        writeFieldHeader(id, .structure)
        beginStruct()
        body(&self)
        endStruct()
    }

    /// Writes a list header.
    mutating func writeListHeader(_ type: CompactType, count: Int) {
        if count < 15 {
            bytes.append(UInt8(count) << 4 | type.rawValue)
        } else {
            bytes.append(0xF0 | type.rawValue)
            writeVarint(UInt64(count))
        }
    }

    /// Writes a list field of i32 values.
    mutating func field(_ id: Int16, i32List values: [Int32]) {
        writeFieldHeader(id, .list)
        writeListHeader(.i32, count: values.count)
        for value in values { writeZigZag(Int64(value)) }
    }

    /// Writes a list field of strings.
    mutating func field(_ id: Int16, stringList values: [String]) {
        writeFieldHeader(id, .list)
        writeListHeader(.binary, count: values.count)
        for value in values { writeString(value) }
    }

    /// Writes a list field of structs; `body` writes the fields of one element.
    mutating func field<T>(_ id: Int16, structList values: [T], _ body: (inout CompactWriter, T) -> Void) {
        writeFieldHeader(id, .list)
        writeListHeader(.structure, count: values.count)
        for value in values {
            beginStruct()
            body(&self, value)
            endStruct()
        }
    }
}

/// Appends JSON text to a byte buffer without an intermediate tree: responses on the hot path
/// (PutRecords results, GetRecords pages) and the object store's per-object documents.
public struct JSONWriter: Sendable {
    /// The text so far.
    public var bytes: [UInt8] = []

    /// Creates a writer.
    public init(capacity: Int = 256) { bytes.reserveCapacity(capacity) }

    /// Appends raw text (punctuation, keys known to need no escaping).
    @inlinable
    public mutating func raw(_ text: StaticString) {
        bytes.append(contentsOf: UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// Appends a quoted, escaped string.
    public mutating func string(_ value: String) {
        var value = value
        value.withUTF8 { string(UnsafeRawBufferPointer($0)) }
    }

    /// Appends a quoted, escaped string from UTF-8 bytes.
    public mutating func string(_ utf8: UnsafeRawBufferPointer) {
        bytes.append(UInt8(ascii: "\""))
        for byte in utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(UInt8(ascii: "\\")); bytes.append(byte)
            case UInt8(ascii: "\\"): bytes.append(UInt8(ascii: "\\")); bytes.append(byte)
            case 0..<0x20:
                let hex: [UInt8] = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(byte >> 4)], hex[Int(byte & 15)]])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// Appends text known to need no escaping (ids, codes), quoted.
    public mutating func plainString(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        bytes.append(contentsOf: value.utf8)
        bytes.append(UInt8(ascii: "\""))
    }

    /// Appends an integer.
    public mutating func integer(_ value: Int64) { bytes.append(contentsOf: String(value).utf8) }
}

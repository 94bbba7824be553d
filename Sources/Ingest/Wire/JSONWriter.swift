/// Appends JSON text to a byte buffer; for responses built on the hot path (PutRecords results,
/// GetRecords pages) without an intermediate tree.
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

    /// Appends a sequence number as a JSON string without building a `String`.
    public mutating func sequenceNumber(_ number: SequenceNumber) {
        bytes.append(UInt8(ascii: "\""))
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: SequenceNumber.digits))
        bytes[start] = UInt8(ascii: "4")
        var shard = number.shard, ordinal = number.ordinal
        var index = start + 10
        while index > start {
            bytes[index] = UInt8(0x30 + shard % 10)
            shard /= 10
            index -= 1
        }
        index = start + SequenceNumber.digits - 1
        while ordinal > 0 {
            bytes[index] = UInt8(truncatingIfNeeded: 0x30 + ordinal % 10)
            ordinal /= 10
            index -= 1
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

    /// Appends epoch seconds with millisecond precision from epoch milliseconds.
    public mutating func epochSeconds(milliseconds: Int64) {
        let seconds = milliseconds / 1000, fraction = milliseconds % 1000
        bytes.append(contentsOf: String(seconds).utf8)
        if fraction != 0 {
            bytes.append(UInt8(ascii: "."))
            let digits = String(fraction)
            bytes.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: 3 - digits.count))
            bytes.append(contentsOf: digits.utf8)
        }
    }

    /// Appends a base64 string of `data`.
    public mutating func base64(_ data: UnsafeRawBufferPointer) {
        bytes.append(UInt8(ascii: "\""))
        Base64.encode(data, appendingTo: &bytes)
        bytes.append(UInt8(ascii: "\""))
    }
}

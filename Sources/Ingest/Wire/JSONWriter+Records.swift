import TarnCore

/// The record-API pieces of JSON responses: sequence numbers, timestamps, base64 data.
extension JSONWriter {
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

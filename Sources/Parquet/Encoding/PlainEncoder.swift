import Columnar

/// PLAIN encoding of Columnar values for the writer (layout in `PlainDecoder`).
enum PlainEncoder {
    /// Appends fixed-width little-endian values with one copy.
    static func appendFixed<T>(_ values: UnsafeBufferPointer<T>, into out: inout [UInt8]) {
        out.append(contentsOf: UnsafeRawBufferPointer(values))
    }

    /// Appends booleans bit-packed LSB first.
    static func appendBools(_ values: some Collection<Bool>, into out: inout [UInt8]) {
        var byte: UInt8 = 0
        var bit = 0
        for value in values {
            if value { byte |= 1 << UInt8(bit) }
            bit += 1
            if bit == 8 {
                out.append(byte)
                byte = 0
                bit = 0
            }
        }
        if bit > 0 { out.append(byte) }
    }

    /// Appends one byte array with its 4-byte little-endian length.
    @inline(__always)
    static func appendByteArray(_ bytes: UnsafeRawBufferPointer, into out: inout [UInt8]) {
        withUnsafeBytes(of: UInt32(bytes.count).littleEndian) { out.append(contentsOf: $0) }
        out.append(contentsOf: bytes)
    }
}

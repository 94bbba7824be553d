import TarnCore

/// Base64 (RFC 4648 §4, standard alphabet, `=` padding), as the AWS JSON protocols carry blobs.
/// Decodes straight into a caller's buffer with no intermediate allocation: PutRecords bodies are
/// mostly base64, so this loop is the hottest one on the ingest path.
public enum Base64 {
    @usableFromInline static let invalid: UInt8 = 0xFF
    @usableFromInline static let decodeTable: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (index, character) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() {
            table[Int(character)] = UInt8(index)
        }
        return table
    }()
    static let encodeTable: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// Decodes `text` and appends the bytes to `output`.
    /// - Returns: false when `text` is not valid padded base64 (nothing is appended then).
    @inlinable
    public static func decode(_ text: UnsafeRawBufferPointer, appendingTo output: inout [UInt8]) -> Bool {
        let count = text.count
        if count == 0 { return true }
        guard count % 4 == 0 else { return false }
        var padding = 0
        if text[count - 1] == UInt8(ascii: "=") { padding = text[count - 2] == UInt8(ascii: "=") ? 2 : 1 }
        let start = output.count
        let decodedCount = count / 4 * 3 - padding
        output.append(contentsOf: repeatElement(0, count: decodedCount))
        let ok = decodeTable.withUnsafeBufferPointer { table in
            output.withUnsafeMutableBufferPointer { out in
                var read = 0, write = start
                let fullQuads = (count - (padding > 0 ? 4 : 0)) / 4
                for _ in 0..<fullQuads {
                    let a = table[Int(text[read])], b = table[Int(text[read + 1])], c = table[Int(text[read + 2])], d = table[Int(text[read + 3])]
                    if (a | b | c | d) & 0xC0 != 0 { return false }
                    let word = UInt32(a) << 18 | UInt32(b) << 12 | UInt32(c) << 6 | UInt32(d)
                    out[write] = UInt8(truncatingIfNeeded: word >> 16)
                    out[write + 1] = UInt8(truncatingIfNeeded: word >> 8)
                    out[write + 2] = UInt8(truncatingIfNeeded: word)
                    read += 4
                    write += 3
                }
                if padding > 0 {
                    let a = table[Int(text[read])], b = table[Int(text[read + 1])]
                    let c = padding == 2 ? 0 : table[Int(text[read + 2])]
                    if (a | b | c) & 0xC0 != 0 { return false }
                    let word = UInt32(a) << 18 | UInt32(b) << 12 | UInt32(c) << 6
                    out[write] = UInt8(truncatingIfNeeded: word >> 16)
                    if padding == 1 { out[write + 1] = UInt8(truncatingIfNeeded: word >> 8) }
                }
                return true
            }
        }
        if !ok { output.removeSubrange(start...) }
        return ok
    }

    /// Appends the base64 text of `bytes` to `output`.
    public static func encode(_ bytes: UnsafeRawBufferPointer, appendingTo output: inout [UInt8]) {
        let count = bytes.count
        let start = output.count
        output.append(contentsOf: repeatElement(0, count: (count + 2) / 3 * 4))
        encodeTable.withUnsafeBufferPointer { table in
            output.withUnsafeMutableBufferPointer { out in
                var read = 0, write = start
                while read + 3 <= count {
                    let word = UInt32(bytes[read]) << 16 | UInt32(bytes[read + 1]) << 8 | UInt32(bytes[read + 2])
                    out[write] = table[Int(word >> 18 & 63)]
                    out[write + 1] = table[Int(word >> 12 & 63)]
                    out[write + 2] = table[Int(word >> 6 & 63)]
                    out[write + 3] = table[Int(word & 63)]
                    read += 3
                    write += 4
                }
                let rest = count - read
                if rest > 0 {
                    let word = UInt32(bytes[read]) << 16 | (rest == 2 ? UInt32(bytes[read + 1]) << 8 : 0)
                    out[write] = table[Int(word >> 18 & 63)]
                    out[write + 1] = table[Int(word >> 12 & 63)]
                    out[write + 2] = rest == 2 ? table[Int(word >> 6 & 63)] : UInt8(ascii: "=")
                    out[write + 3] = UInt8(ascii: "=")
                }
            }
        }
    }
}

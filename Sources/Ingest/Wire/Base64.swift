import TarnCore

/// Base64 (RFC 4648 §4, standard alphabet, `=` padding), as the AWS JSON protocols carry blobs.
/// Decodes straight into a caller's buffer with no intermediate allocation: PutRecords bodies are
/// mostly base64, so this loop is the hottest one on the ingest path.
public enum Base64 {
    static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    /// Marks a character outside the alphabet. A valid quad ORs to at most 24 bits, so bit 31
    /// survives the OR of a quad's four entries exactly when one of them is invalid.
    @usableFromInline static let invalid: UInt32 = 0x8000_0000
    /// Four 256-entry tables, one per position in a quad, holding each character's 6-bit value
    /// already shifted to its place in the quad's 24 bits (position 0 at bits 18–23, position 3
    /// at bits 0–5): a quad decodes with four loads and three ORs.
    @usableFromInline static let quadTable: [UInt32] = {
        var table = [UInt32](repeating: invalid, count: 4 * 256)
        for (index, character) in alphabet.enumerated() {
            for position in 0..<4 { table[position * 256 + Int(character)] = UInt32(index) << (18 - 6 * position) }
        }
        return table
    }()
    static let encodeTable: [UInt8] = alphabet

    /// The number of bytes `text` decodes to, or nil when its length is not a multiple of 4 (RFC
    /// 4648 §4: padded base64 comes in whole quads). Does not check the characters.
    @inlinable
    public static func decodedCount(of text: UnsafeRawBufferPointer) -> Int? {
        let count = text.count
        if count == 0 { return 0 }
        guard count % 4 == 0 else { return nil }
        var padding = 0
        if text[count - 1] == UInt8(ascii: "=") { padding = text[count - 2] == UInt8(ascii: "=") ? 2 : 1 }
        return count / 4 * 3 - padding
    }

    /// Decodes `text` into `output`, which must have room for `decodedCount(of: text)` bytes.
    ///
    /// Two quads (8 characters → 6 bytes) per step: one 8-byte load, eight table loads, one
    /// 8-byte big-endian store whose two surplus bytes the next step overwrites; the last steps,
    /// where those surplus bytes would pass the end, store byte by byte.
    /// - Returns: the number of bytes written, or nil when `text` is not valid padded base64
    ///   (bytes may have been written then).
    @inlinable
    public static func decode(_ text: UnsafeRawBufferPointer, into output: UnsafeMutableRawPointer) -> Int? {
        guard let decoded = decodedCount(of: text) else { return nil }
        if decoded == 0 { return text.isEmpty ? 0 : nil }
        let count = text.count
        let padding = count / 4 * 3 - decoded
        let fullQuads = count / 4 - (padding > 0 ? 1 : 0)
        return quadTable.withUnsafeBufferPointer { tableBuffer -> Int? in
            let table = tableBuffer.baseAddress!
            let input = text.baseAddress!.assumingMemoryBound(to: UInt8.self)
            var read = 0, write = 0, quads = 0
            // Pairs of quads while at least one more full quad follows (its 3 bytes absorb the
            // 2 surplus bytes of the 8-byte store).
            while fullQuads - quads >= 3 {
                let word = UInt64(littleEndian: UnsafeRawPointer(input + read).loadUnaligned(as: UInt64.self))
                let high =
                    table[Int(word & 0xFF)] | table[256 + Int(word >> 8 & 0xFF)] | table[512 + Int(word >> 16 & 0xFF)] | table[768 + Int(word >> 24 & 0xFF)]
                let low =
                    table[Int(word >> 32 & 0xFF)] | table[256 + Int(word >> 40 & 0xFF)] | table[512 + Int(word >> 48 & 0xFF)] | table[768 + Int(word >> 56)]
                if (high | low) & invalid != 0 { return nil }
                let bytes = (UInt64(high) << 40 | UInt64(low) << 16).bigEndian
                (output + write).storeBytes(of: bytes, as: UInt64.self)
                read += 8
                write += 6
                quads += 2
            }
            while quads < fullQuads {
                let quad =
                    table[Int(input[read])] | table[256 + Int(input[read + 1])] | table[512 + Int(input[read + 2])] | table[768 + Int(input[read + 3])]
                if quad & invalid != 0 { return nil }
                output.storeBytes(of: UInt8(truncatingIfNeeded: quad >> 16), toByteOffset: write, as: UInt8.self)
                output.storeBytes(of: UInt8(truncatingIfNeeded: quad >> 8), toByteOffset: write + 1, as: UInt8.self)
                output.storeBytes(of: UInt8(truncatingIfNeeded: quad), toByteOffset: write + 2, as: UInt8.self)
                read += 4
                write += 3
                quads += 1
            }
            if padding > 0 {
                // "xx==" carries one byte, "xxx=" two; the '=' positions contribute nothing.
                var quad = table[Int(input[read])] | table[256 + Int(input[read + 1])]
                if padding == 1 { quad |= table[512 + Int(input[read + 2])] }
                if quad & invalid != 0 { return nil }
                output.storeBytes(of: UInt8(truncatingIfNeeded: quad >> 16), toByteOffset: write, as: UInt8.self)
                if padding == 1 { output.storeBytes(of: UInt8(truncatingIfNeeded: quad >> 8), toByteOffset: write + 1, as: UInt8.self) }
                write += 3 - padding
            }
            return write
        }
    }

    /// Decodes `text` and appends the bytes to `output`.
    /// - Returns: false when `text` is not valid padded base64 (nothing is appended then).
    @inlinable
    public static func decode(_ text: UnsafeRawBufferPointer, appendingTo output: inout [UInt8]) -> Bool {
        guard let decoded = decodedCount(of: text) else { return false }
        if decoded == 0 { return text.isEmpty }
        let start = output.count
        output.append(contentsOf: repeatElement(0, count: decoded))
        let written = output.withUnsafeMutableBytes { decode(text, into: $0.baseAddress! + start) }
        guard written != nil else {
            output.removeSubrange(start...)
            return false
        }
        return true
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

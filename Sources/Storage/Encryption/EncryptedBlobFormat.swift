import Crypto
import TarnCore

/// The layout of an encrypted blob: envelope encryption in independently sealed chunks, so a
/// ranged GET decrypts only the chunks it returns.
///
/// ```
///  header (24 bytes): "TRNE" · format 1 · log2(chunk size) · 0 0 · salt (16 random bytes)
///  chunk 0: AES-256-GCM(plaintext[0 ..< C]) ‖ tag(16)
///  chunk 1: …
///  final chunk: the remaining 0 ..< C bytes ‖ tag(16)
/// ```
/// The blob key is `HKDF-SHA256(data key, salt, "tarn blob v1")`: every blob (a PUT, each
/// multipart part) gets its own key, even when parts share the object's data key or a part
/// number is uploaded twice. Nonces can then be counters without ever repeating under one key:
/// chunk index (8 bytes, big-endian) ‖ 0 0 0 ‖ final flag. The flag seals the last chunk as
/// last, so cutting whole chunks off the end fails like any other tampering (the STREAM
/// construction of Hoang, Reyhanitabar, Rogaway and Vizár). A plaintext of n bytes always has
/// ⌊n / C⌋ + 1 chunks, the last one possibly empty.
public enum EncryptedBlobFormat {
    /// Header size in bytes.
    public static let headerSize = 24
    /// Tag size in bytes.
    public static let tagSize = 16
    /// Plaintext bytes per chunk: 64 KiB keeps the tag overhead at 0.02% and a small ranged GET
    /// cheap.
    public static let chunkSize = 1 << 16
    static let chunkSizeLog2: UInt8 = 16
    static let magic: [UInt8] = Array("TRNE".utf8)
    static let format: UInt8 = 1

    /// The plaintext size of an encrypted blob of `size` bytes (the inverse of `encryptedSize`),
    /// for layers above encryption whose length is not recorded in the object's metadata.
    /// - Throws: `Corrupt` when no plaintext size gives `size`.
    public static func plaintextSize(encryptedSize size: Int64, blob: String) throws -> Int64 {
        // (k − 1) full chunks of C + T bytes, then a final chunk of r + T bytes with 0 ≤ r < C.
        let body = size - Int64(headerSize) - Int64(tagSize)
        let full = body >= 0 ? body / Int64(chunkSize + tagSize) : -1
        let rest = body - max(full, 0) * Int64(chunkSize + tagSize)
        guard full >= 0, rest < Int64(chunkSize) else {
            throw TarnError(.corrupt, "blob \(blob): \(size) bytes is no valid length of an encrypted blob")
        }
        return full * Int64(chunkSize) + rest
    }

    /// The blob's size for a plaintext of `size` bytes.
    public static func encryptedSize(plaintextSize size: Int64) -> Int64 {
        let chunks = size / Int64(chunkSize) + 1
        return Int64(headerSize) + size + chunks * Int64(tagSize)
    }

    /// The per-blob key.
    static func blobKey(dataKey: SymmetricKey, salt: [UInt8]) -> SymmetricKey {
        HKDF<SHA256>.deriveKey(inputKeyMaterial: dataKey, salt: salt, info: Array("tarn blob v1".utf8), outputByteCount: 32)
    }

    /// The nonce of chunk `index`.
    static func nonce(index: UInt64, final: Bool) -> AES.GCM.Nonce {
        var bytes = [UInt8](repeating: 0, count: 12)
        for shift in 0..<8 { bytes[shift] = UInt8(truncatingIfNeeded: index >> UInt64(56 - 8 * shift)) }
        bytes[11] = final ? 1 : 0
        // 12 bytes is always a valid GCM nonce.
        return try! AES.GCM.Nonce(data: bytes)
    }

    /// A fresh header with a random salt.
    static func header() -> (bytes: [UInt8], salt: [UInt8]) {
        let salt = Identifiers.randomBytes(16)
        return (magic + [format, chunkSizeLog2, 0, 0] + salt, salt)
    }

    /// The salt of a header, after checking it.
    static func salt(fromHeader header: [UInt8], blob: String) throws -> [UInt8] {
        guard header.count == headerSize, Array(header[0..<4]) == magic, header[4] == format, header[5] == chunkSizeLog2 else {
            throw TarnError(.corrupt, "blob \(blob) is not an encrypted blob of format \(format) with \(chunkSize)-byte chunks")
        }
        return Array(header[8..<24])
    }
}

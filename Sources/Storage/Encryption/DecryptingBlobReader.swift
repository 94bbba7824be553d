import Crypto
import Foundation
import TarnCore

/// A `BlobReader` over an encrypted blob that presents its plaintext: a read decrypts just the
/// chunks that overlap the requested range.
struct DecryptingBlobReader: BlobReader {
    let inner: any BlobReader
    let key: SymmetricKey
    /// Plaintext size, from the object's metadata.
    let size: Int64
    let blob: String

    /// Opens an encrypted blob whose plaintext is `plaintextSize` bytes.
    /// - Throws: `Corrupt` when the header is not an encrypted blob's or the stored size does
    ///   not fit the plaintext size.
    /// - Parameter blobKey: the blob's key for the salt in its header (see `ObjectKeyring.blobKeys`).
    init(inner: any BlobReader, blobKey: (_ salt: [UInt8]) throws -> SymmetricKey, plaintextSize: Int64, blob: String) throws {
        var header = [UInt8](repeating: 0, count: EncryptedBlobFormat.headerSize)
        let got = try header.withUnsafeMutableBytes { try inner.read(into: $0, at: 0) }
        guard got == EncryptedBlobFormat.headerSize else { throw TarnError(.corrupt, "blob \(blob): encrypted header truncated (\(got) bytes)") }
        let salt = try EncryptedBlobFormat.salt(fromHeader: header, blob: blob)
        let expected = EncryptedBlobFormat.encryptedSize(plaintextSize: plaintextSize)
        guard inner.size == expected else {
            throw TarnError(.corrupt, "blob \(blob): \(inner.size) bytes on disk, expected \(expected) for \(plaintextSize) bytes of plaintext")
        }
        self.inner = inner
        self.key = try blobKey(salt)
        self.size = plaintextSize
        self.blob = blob
    }

    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) throws -> Int {
        guard offset < size, buffer.count > 0 else { return 0 }
        let chunk = Int64(EncryptedBlobFormat.chunkSize)
        let tag = Int64(EncryptedBlobFormat.tagSize)
        let end = min(size, offset + Int64(buffer.count))
        let lastChunk = size / chunk
        var filled = 0
        var sealed = [UInt8](repeating: 0, count: EncryptedBlobFormat.chunkSize + EncryptedBlobFormat.tagSize)
        var index = offset / chunk
        while index * chunk < end {
            let plainStart = index * chunk
            let plainLength = index == lastChunk ? size - plainStart : chunk
            let sealedLength = Int(plainLength + tag)
            let position = Int64(EncryptedBlobFormat.headerSize) + index * (chunk + tag)
            let got = try sealed.withUnsafeMutableBytes { try inner.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[0..<sealedLength]), at: position) }
            guard got == sealedLength else {
                throw TarnError(.corrupt, "blob \(blob): chunk \(index) truncated (wanted \(sealedLength) bytes at \(position), read \(got))")
            }
            let plaintext: Data
            do {
                let box = try AES.GCM.SealedBox(
                    nonce: EncryptedBlobFormat.nonce(index: UInt64(index), final: index == lastChunk),
                    ciphertext: sealed[0..<Int(plainLength)], tag: sealed[Int(plainLength)..<sealedLength])
                plaintext = try AES.GCM.open(box, using: key)
            } catch {
                throw TarnError(.corrupt, "blob \(blob): chunk \(index) does not decrypt (wrong key or tampered data)")
            }
            let from = max(offset, plainStart) - plainStart
            let to = min(end, plainStart + plainLength) - plainStart
            let count = Int(to - from)
            plaintext.withUnsafeBytes { source in
                UnsafeMutableRawBufferPointer(rebasing: buffer[filled..<filled + count]).copyMemory(from: UnsafeRawBufferPointer(rebasing: source[Int(from)..<Int(to)]))
            }
            filled += count
            index += 1
        }
        return filled
    }
}

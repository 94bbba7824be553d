import Crypto
import TarnCore

/// Seals variable-length records under a data key, for files that are appended to and fsynced
/// record by record (stream segments), where `EncryptedBlobFormat`'s chunks do not fit: a chunk
/// can only be sealed once, and re-sealing a half-filled one would reuse its nonce.
///
/// Each record is `nonce (12, random) ‖ ciphertext ‖ tag (16)`, AES-256-GCM with `associatedData`
/// (the segment id and record offset, say) authenticated, so records cannot be swapped between
/// positions. Random 96-bit nonces are safe for up to 2³² records per key (NIST SP 800-38D §8.3);
/// take a fresh data key per segment.
/// ```swift
/// let (key, stored) = try keyring.newObjectKey(bucket: "streams", key: "orders/shard-0/000042",
///                                               encryption: .s3, caller: nil)!    // keep `stored` in the segment header
/// let cipher = RecordCipher(dataKey: key)
/// let sealed = try cipher.seal(recordBytes, associatedData: Array("000042@4096".utf8))
/// let record = try cipher.open(sealed, associatedData: Array("000042@4096".utf8))
/// ```
public struct RecordCipher: Sendable {
    /// Bytes a sealed record adds to its plaintext.
    public static let overhead = 12 + 16
    let key: SymmetricKey

    /// Creates a cipher over an object or segment data key.
    public init(dataKey: SymmetricKey) { key = dataKey }

    /// Seals one record.
    public func seal(_ plaintext: [UInt8], associatedData: [UInt8] = []) throws -> [UInt8] {
        let box = try AES.GCM.seal(plaintext, using: key, nonce: AES.GCM.Nonce(), authenticating: associatedData)
        guard let combined = box.combined else { throw TarnError(.internal, "AES-GCM produced no combined form") }
        return Array(combined)
    }

    /// Opens one sealed record.
    /// - Throws: `Corrupt` when it is too short, or was sealed under another key or associated data.
    public func open(_ sealed: [UInt8], associatedData: [UInt8] = []) throws -> [UInt8] {
        guard sealed.count >= Self.overhead else {
            throw TarnError(.corrupt, "a sealed record is at least \(Self.overhead) bytes, got \(sealed.count)")
        }
        do {
            return Array(try AES.GCM.open(try AES.GCM.SealedBox(combined: sealed), using: key, authenticating: associatedData))
        } catch {
            throw TarnError(.corrupt, "a sealed record of \(sealed.count) bytes does not decrypt (wrong key, wrong position or tampered)")
        }
    }
}

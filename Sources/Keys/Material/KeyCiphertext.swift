import Crypto
import Foundation
import TarnCore

/// The ciphertext blob KMS Encrypt and GenerateDataKey return.
///
/// AWS calls it opaque; it must carry which key (and which version of its material) made it, so
/// that Decrypt works without a KeyId and a rotated key still decrypts old blobs. Layout:
/// ```
///  0       1                 17             21          33                 n-16    n
///  │format │ key id (UUID, 16) │ version (BE) │ nonce (12) │ ciphertext ...   │ tag (16) │
/// ```
/// AES-256-GCM authenticates the first 21 bytes together with the canonical encryption context
/// (AAD), so neither the key reference nor the context can be changed without Decrypt failing.
public struct KeyCiphertext: Sendable, Equatable {
    /// The only format this build writes and reads.
    public static let format: UInt8 = 1
    /// Bytes before the nonce: format, key id, version.
    static let headerSize = 21
    /// AES-GCM nonce length: 96 bits, random per encryption (NIST SP 800-38D §8.2.2).
    static let nonceSize = 12
    /// AES-GCM tag length: 128 bits.
    static let tagSize = 16
    /// The smallest well-formed blob (empty plaintext).
    static let minimumSize = headerSize + nonceSize + tagSize

    /// The key that made it.
    public var keyID: KeyID
    /// The version of the key's material that made it.
    public var version: UInt32
    /// Nonce ‖ ciphertext ‖ tag.
    var sealed: [UInt8]

    /// The authenticated header bytes.
    var header: [UInt8] {
        var out: [UInt8] = [Self.format]
        out += keyID.bytes
        out += [UInt8(version >> 24), UInt8((version >> 16) & 0xFF), UInt8((version >> 8) & 0xFF), UInt8(version & 0xFF)]
        return out
    }

    /// The blob's bytes.
    public var bytes: [UInt8] { header + sealed }

    /// Parses a blob.
    /// - Throws: `InvalidCiphertextException` when it is too short, of an unknown format or names
    ///   no well-formed key id.
    public init(bytes: [UInt8]) throws {
        guard bytes.count >= Self.minimumSize else {
            throw TarnError(.kmsInvalidCiphertext, "the ciphertext is \(bytes.count) bytes; a KMS ciphertext is at least \(Self.minimumSize)")
        }
        guard bytes[0] == Self.format else {
            throw TarnError(.kmsInvalidCiphertext, "the ciphertext has format \(bytes[0]); this KMS reads format \(Self.format)")
        }
        keyID = KeyID(bytes: Array(bytes[1..<17]))
        version = bytes[17..<21].reduce(0) { $0 << 8 | UInt32($1) }
        sealed = Array(bytes[Self.headerSize...])
    }

    /// Encrypts `plaintext` with one version of a key.
    static func seal(_ plaintext: [UInt8], keyID: KeyID, version: UInt32, material: SymmetricKey, context: EncryptionContext) throws
        -> KeyCiphertext
    {
        var blob = KeyCiphertext(keyID: keyID, version: version, sealed: [])
        let box = try AES.GCM.seal(plaintext, using: material, nonce: AES.GCM.Nonce(), authenticating: blob.header + context.canonicalBytes)
        guard let combined = box.combined else { throw TarnError(.kmsInternal, "AES-GCM produced no combined form") }
        blob.sealed = Array(combined)
        return blob
    }

    private init(keyID: KeyID, version: UInt32, sealed: [UInt8]) {
        self.keyID = keyID
        self.version = version
        self.sealed = sealed
    }

    /// Decrypts with the material of `version`.
    /// - Throws: `InvalidCiphertextException` when the tag does not verify (wrong context,
    ///   tampering).
    func open(material: SymmetricKey, context: EncryptionContext) throws -> [UInt8] {
        do {
            let box = try AES.GCM.SealedBox(combined: sealed)
            return Array(try AES.GCM.open(box, using: material, authenticating: header + context.canonicalBytes))
        } catch {
            throw TarnError(
                .kmsInvalidCiphertext,
                "the ciphertext does not verify under key \(keyID) version \(version) with the given encryption context")
        }
    }
}

/// A KMS key id: a UUID, written in lowercase as AWS writes them (`1234abcd-12ab-34cd-56ef-1234567890ab`).
public struct KeyID: Sendable, Hashable, CustomStringConvertible, Comparable {
    /// The 16 bytes of the UUID.
    public let bytes: [UInt8]

    init(bytes: [UInt8]) {
        precondition(bytes.count == 16, "a key id is a 16-byte UUID")  // callers slice exactly 16 bytes
        self.bytes = bytes
    }

    /// Parses the textual form; nil unless it is a UUID.
    public init?(_ text: String) {
        guard let uuid = UUID(uuidString: text) else { return nil }
        self.bytes = withUnsafeBytes(of: uuid.uuid) { Array($0) }
    }

    /// A fresh random (version 4) id.
    public static func random() -> KeyID {
        KeyID(bytes: withUnsafeBytes(of: UUID().uuid) { Array($0) })
    }

    /// The lowercase textual form.
    public var description: String {
        let hex = Hex.encode(bytes)
        let chars = Array(hex)
        return [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(chars[$0]) }.joined(separator: "-")
    }

    /// Orders ids by their text, as ListKeys does.
    public static func < (lhs: KeyID, rhs: KeyID) -> Bool { lhs.description < rhs.description }
}

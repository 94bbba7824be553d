import Crypto
import Foundation
import TarnCore

/// The operator's root key: 32 random bytes that wrap every key version's material at rest.
///
/// It is read from a file holding the bytes in base64 (`--root-key-file PATH` or
/// `TARN_ROOT_KEY_FILE`). Production keeps that file away from the data directory (a secrets
/// manager, a separate volume), so a copy of the data directory alone decrypts nothing. When none
/// is given the server generates one inside the data directory, which is convenient and says so.
public struct RootKey: Sendable {
    /// The length of the key in bytes (AES-256).
    public static let byteCount = 32

    let key: SymmetricKey

    /// Wraps raw key bytes.
    /// - Throws: `InvalidArgument` unless there are exactly 32 bytes.
    public init(bytes: [UInt8]) throws {
        guard bytes.count == Self.byteCount else {
            throw TarnError(.invalidArgument, "a root key is \(Self.byteCount) bytes, got \(bytes.count)")
        }
        key = SymmetricKey(data: bytes)
    }

    /// A fresh random root key.
    public static func generate() -> RootKey {
        // SymmetricKey(size:) draws from the system's secure random generator.
        RootKey(key: SymmetricKey(size: .bits256))
    }

    private init(key: SymmetricKey) { self.key = key }

    /// The key as base64 text, the root key file's format.
    public var base64: String { key.withUnsafeBytes { Data($0).base64EncodedString() } }

    /// Reads a root key file: base64 of 32 bytes, surrounding whitespace ignored.
    /// - Throws: `NotFound`/`IOError` when unreadable, `InvalidArgument` naming the file when the
    ///   contents are not base64 of 32 bytes.
    public static func load(path: String) throws -> RootKey {
        let text = String(decoding: try FileSystem.readFile(path), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let data = Data(base64Encoded: text) else {
            throw TarnError(.invalidArgument, "root key file \(path) does not hold base64 text (expected 32 random bytes in base64)")
        }
        guard data.count == byteCount else {
            throw TarnError(.invalidArgument, "root key file \(path) holds \(data.count) bytes, expected \(byteCount)")
        }
        return try RootKey(bytes: Array(data))
    }

    /// Writes this key to `path` as base64 with mode 0600, atomically.
    public func write(to path: String) throws {
        try FileSystem.writeAtomically(Array((base64 + "\n").utf8), to: path, permissions: 0o600)
    }

    /// Encrypts `material` with AES-256-GCM under the root key, binding it to `label` (the key
    /// id and version it belongs to), so a wrapped version cannot be moved to another key.
    /// - Returns: nonce (12) ‖ ciphertext ‖ tag (16).
    func wrap(_ material: [UInt8], label: String) throws -> [UInt8] {
        let box = try AES.GCM.seal(material, using: key, nonce: AES.GCM.Nonce(), authenticating: Array(label.utf8))
        guard let combined = box.combined else { throw TarnError(.internal, "AES-GCM produced no combined form") }
        return Array(combined)
    }

    /// Decrypts what `wrap` produced with the same label.
    /// - Throws: `WrongRootKey` when the tag does not verify (another root key, or tampering).
    func unwrap(_ wrapped: [UInt8], label: String) throws -> [UInt8] {
        do {
            let box = try AES.GCM.SealedBox(combined: wrapped)
            return Array(try AES.GCM.open(box, using: key, authenticating: Array(label.utf8)))
        } catch {
            throw TarnError(.wrongRootKey, "key material for \(label) does not decrypt with this root key")
        }
    }
}

extension RootKey {
    /// A key derived from the root key for one purpose (HKDF-SHA256), e.g. sealing IAM secrets,
    /// so the root key itself encrypts only key material.
    public func derivedKey(purpose: String) -> SymmetricKey {
        HKDF<SHA256>.deriveKey(inputKeyMaterial: key, info: Array("tarn \(purpose) v1".utf8), outputByteCount: 32)
    }

    /// The root key for a data directory: from `file` (or `TARN_ROOT_KEY_FILE`) when given,
    /// else `DIR/root.key`, generated on first start.
    /// - Returns: the key and, when it was generated just now, the path it was written to.
    public static func resolve(file: String?, environment: [String: String], dataDirectory: String) throws -> (key: RootKey, generatedAt: String?) {
        if let path = file ?? environment["TARN_ROOT_KEY_FILE"], !path.isEmpty {
            return (try load(path: path), nil)
        }
        let path = dataDirectory + "/root.key"
        if FileSystem.exists(path) { return (try load(path: path), nil) }
        let key = generate()
        try key.write(to: path)
        return (key, path)
    }
}

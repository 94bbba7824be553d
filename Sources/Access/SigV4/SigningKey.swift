import Crypto
import Synchronization

/// SigV4 signing-key derivation and the HMAC/SHA-256 helpers the signer and verifier share.
///
/// From the SigV4 spec ("Calculate the signature"):
/// ```
/// DateKey              = HMAC-SHA256("AWS4" + "<SecretAccessKey>", "<yyyymmdd>")
/// DateRegionKey        = HMAC-SHA256(DateKey, "<aws-region>")
/// DateRegionServiceKey = HMAC-SHA256(DateRegionKey, "<aws-service>")
/// SigningKey           = HMAC-SHA256(DateRegionServiceKey, "aws4_request")
/// signature            = Hex(HMAC-SHA256(SigningKey, StringToSign))
/// ```
public enum SigningKey {
    /// Derives the signing key for one secret, day, region and service.
    public static func derive(secret: String, date: String, region: String, service: String) -> SymmetricKey {
        var key = SymmetricKey(data: Array(("AWS4" + secret).utf8))
        for part in [date, region, service, SigV4.terminator] {
            key = SymmetricKey(data: Array(HMAC<SHA256>.authenticationCode(for: Array(part.utf8), using: key)))
        }
        return key
    }

    /// `Hex(HMAC-SHA256(key, message))` in lowercase.
    static func signatureHex(key: SymmetricKey, message: [UInt8]) -> [UInt8] {
        let mac = HMAC<SHA256>.authenticationCode(for: message, using: key)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        mac.withUnsafeBytes { appendHex($0, into: &out) }
        return out
    }

    /// Appends lowercase hex of `SHA256(bytes)`.
    static func appendSHA256Hex(of bytes: [UInt8], into out: inout [UInt8]) {
        SHA256.hash(data: bytes).withUnsafeBytes { appendHex($0, into: &out) }
    }

    private static let lowerHex: [UInt8] = Array("0123456789abcdef".utf8)

    /// Appends lowercase hex of `bytes`.
    static func appendHex(_ bytes: UnsafeRawBufferPointer, into out: inout [UInt8]) {
        for byte in bytes {
            out.append(lowerHex[Int(byte >> 4)])
            out.append(lowerHex[Int(byte & 0x0F)])
        }
    }

    /// Compares two byte strings in time that depends only on their lengths, so a forger cannot
    /// learn a valid signature byte by byte from response times.
    static func constantTimeEquals(_ a: some Collection<UInt8>, _ b: some Collection<UInt8>) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for (x, y) in zip(a, b) { difference |= x ^ y }
        return difference == 0
    }
}

/// Remembers derived signing keys per (secret, date, region, service).
///
/// Deriving costs four HMACs, as much as the rest of a GET's verification; a key stays valid for
/// a whole UTC day, so nearly every request hits the cache. Bounded: when full it is simply
/// emptied, which also drops yesterday's keys.
public final class SigningKeyCache: Sendable {
    private struct Entry: Hashable {
        var secret: String
        var date: String
        var region: String
        var service: String
    }

    private let capacity: Int
    private let keys = Mutex<[Entry: SymmetricKey]>([:])

    /// Creates a cache holding up to `capacity` keys.
    public init(capacity: Int = 4096) {
        precondition(capacity > 0, "a signing key cache needs room for at least one key")
        self.capacity = capacity
    }

    /// The signing key for these values, derived on first use.
    public func key(secret: String, date: String, region: String, service: String) -> SymmetricKey {
        let entry = Entry(secret: secret, date: date, region: region, service: service)
        if let key = keys.withLock({ $0[entry] }) { return key }
        let key = SigningKey.derive(secret: secret, date: date, region: region, service: service)
        keys.withLock { keys in
            if keys.count >= capacity { keys.removeAll(keepingCapacity: true) }
            keys[entry] = key
        }
        return key
    }

    /// Number of cached keys.
    public var count: Int { keys.withLock { $0.count } }
}

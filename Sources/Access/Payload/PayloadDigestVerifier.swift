import Crypto
import TarnCore

/// Checks a streamed body against the SHA-256 its request signed in `x-amz-content-sha256`.
///
/// S3 computes the digest while it stores the body and rejects the request at the end when they
/// differ (`XAmzContentSHA256Mismatch`), so the caller must not commit the object before
/// `finish()` returns.
/// ```swift
/// var digest = PayloadDigestVerifier(expected: bytes)   // from PayloadRule.sha256
/// digest.update(chunk)                                   // for every body chunk
/// try digest.finish()
/// ```
public struct PayloadDigestVerifier: Sendable {
    private var hasher = SHA256()
    /// The expected 32-byte digest.
    public let expected: [UInt8]

    /// Starts checking against `expected` (32 bytes).
    public init(expected: [UInt8]) { self.expected = expected }

    /// Feeds the next body bytes.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) { hasher.update(bufferPointer: bytes) }

    /// Feeds the next body bytes.
    public mutating func update(_ bytes: [UInt8]) { bytes.withUnsafeBytes { hasher.update(bufferPointer: $0) } }

    /// Ends the body.
    /// - Throws: `XAmzContentSHA256Mismatch` when the body's digest differs from the expected one.
    public func finish() throws {
        let actual = Array(hasher.finalize())
        guard actual == expected else {
            throw Self.mismatch(expected: Hex.encode(expected), actual: Hex.encode(actual))
        }
    }

    static func mismatch(expected: String, actual: String) -> TarnError {
        TarnError(
            .xAmzContentSHA256Mismatch, "The provided 'x-amz-content-sha256' header does not match what was computed.",
            details: [.init("ClientComputedContentSHA256", expected), .init("S3ComputedContentSHA256", actual)])
    }
}

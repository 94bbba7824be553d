import Crypto

/// The chain of signatures in a signed aws-chunked body.
///
/// From "Signature Calculations for the Authorization Header: Transferring Payload in Multiple
/// Chunks" (Amazon S3 API Reference): each chunk's string to sign is
/// ```
/// "AWS4-HMAC-SHA256-PAYLOAD" + "\n" +
/// timeStampISO8601Format + "\n" +
/// <Scope> + "\n" +
/// <previous-signature> + "\n" +
/// Hex(SHA256Hash("")) + "\n" +
/// Hex(SHA256Hash(<current-chunk-data>))
/// ```
/// where the first chunk's previous signature is the request's own (the *seed* signature). With
/// trailing headers ("Including Trailing Headers"), the trailer chunk is signed as
/// ```
/// "AWS4-HMAC-SHA256-TRAILER" + "\n" + timeStamp + "\n" + <Scope> + "\n" +
/// <previous-signature> + "\n" + Hex(SHA256Hash(<trailing headers>))
/// ```
/// with each trailing header canonicalised as `name:value\n`, sorted by name, and the previous
/// signature that of the final (zero-length) chunk.
public struct ChunkSignatureChain: Sendable {
    /// The request-level values every chunk signature uses.
    public let signing: AWSChunkedDecoder.Signing
    /// The signature the next chunk chains from.
    public private(set) var previousSignature: String

    /// Starts a chain at the request's seed signature.
    public init(_ signing: AWSChunkedDecoder.Signing) {
        self.signing = signing
        self.previousSignature = signing.seedSignature
    }

    /// The string to sign for a chunk whose data hashes to `chunkSHA256Hex`.
    public func chunkStringToSign(chunkSHA256Hex: String) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(320)
        for (index, part) in [SigV4.chunkAlgorithm, signing.amzDate, signing.scope, previousSignature, SigV4.emptySHA256, chunkSHA256Hex]
            .enumerated()
        {
            if index > 0 { out.append(UInt8(ascii: "\n")) }
            out.append(contentsOf: part.utf8)
        }
        return out
    }

    /// Signs the next chunk and advances the chain.
    /// - Parameter chunkSHA256Hex: lowercase hex SHA-256 of the chunk's data.
    /// - Returns: the chunk's signature (64 lowercase hex digits).
    public mutating func signChunk(chunkSHA256Hex: String) -> String {
        let signature = String(decoding: SigningKey.signatureHex(key: signing.key, message: chunkStringToSign(chunkSHA256Hex: chunkSHA256Hex)), as: UTF8.self)
        previousSignature = signature
        return signature
    }

    /// The canonical form of trailing headers that the trailer signature covers.
    public static func canonicalTrailers(_ trailers: [AWSChunkedDecoder.TrailerHeader]) -> [UInt8] {
        var out: [UInt8] = []
        for trailer in trailers.sorted(by: { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }) {
            out.append(contentsOf: trailer.name.utf8)
            out.append(UInt8(ascii: ":"))
            CanonicalRequest.appendTrimmed(trailer.value, into: &out)
            out.append(UInt8(ascii: "\n"))
        }
        return out
    }

    /// The string to sign for the trailing headers.
    public func trailerStringToSign(_ trailers: [AWSChunkedDecoder.TrailerHeader]) -> [UInt8] {
        var out: [UInt8] = []
        for (index, part) in [SigV4.trailerAlgorithm, signing.amzDate, signing.scope, previousSignature].enumerated() {
            if index > 0 { out.append(UInt8(ascii: "\n")) }
            out.append(contentsOf: part.utf8)
        }
        out.append(UInt8(ascii: "\n"))
        SigningKey.appendSHA256Hex(of: Self.canonicalTrailers(trailers), into: &out)
        return out
    }

    /// Signs the trailing headers and advances the chain.
    public mutating func signTrailers(_ trailers: [AWSChunkedDecoder.TrailerHeader]) -> String {
        let signature = String(decoding: SigningKey.signatureHex(key: signing.key, message: trailerStringToSign(trailers)), as: UTF8.self)
        previousSignature = signature
        return signature
    }

    /// Lowercase hex SHA-256 of `bytes`.
    public static func sha256Hex(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        SigningKey.appendSHA256Hex(of: bytes, into: &out)
        return String(decoding: out, as: UTF8.self)
    }
}

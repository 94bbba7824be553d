import Crypto
import TarnCore

/// Decodes an `aws-chunked` request body: a push state machine, bytes in, payload ranges and the
/// end (with trailing headers) out, no I/O.
///
/// Framing (Amazon S3 API Reference, "Transferring Payload in Multiple Chunks" and "Including
/// Trailing Headers"):
/// ```
/// signed:    hex-size ";chunk-signature=" 64hex CRLF  data CRLF   … 0;chunk-signature=sig CRLF
/// unsigned:  hex-size CRLF  data CRLF                              … 0 CRLF
/// then, without trailers:  CRLF
///       with trailers:     (name ":" value CRLF)*  [x-amz-trailer-signature ":" sig CRLF]  CRLF
/// ```
/// Every chunk signature is checked against `ChunkSignatureChain`; the decoded length must equal
/// `x-amz-decoded-content-length`. Input may be split anywhere (one byte at a time works).
///
/// Payload bytes are handed out as they arrive, *before* the end of their chunk is reached and
/// its signature checked, so memory stays bounded by the caller's buffers; the caller must treat
/// the body as untrusted until `finish()` succeeds (Storage writes to a temporary file and
/// commits only then).
/// ```swift
/// var decoder = AWSChunkedDecoder(configuration)        // from PayloadRule.awsChunked
/// var payload: [UInt8] = []
/// for buffer in body { try decoder.decode(buffer, into: &payload); /* write payload */ }
/// let trailers = try decoder.finish()                   // e.g. x-amz-checksum-crc32
/// ```
public struct AWSChunkedDecoder: Sendable {
    /// The request-level values chunk signatures chain from.
    public struct Signing: Sendable {
        /// The SigV4 signing key of the request's credential scope.
        public var key: SymmetricKey
        /// The request time, `yyyyMMdd'T'HHmmss'Z'`.
        public var amzDate: String
        /// The credential scope, `date/region/service/aws4_request`.
        public var scope: String
        /// The request's own signature, which the first chunk chains from.
        public var seedSignature: String

        /// Creates signing values.
        public init(key: SymmetricKey, amzDate: String, scope: String, seedSignature: String) {
            self.key = key
            self.amzDate = amzDate
            self.scope = scope
            self.seedSignature = seedSignature
        }
    }

    /// Whether the body ends with trailing headers.
    public enum Trailers: Sendable, Equatable {
        /// No trailers: the final chunk is followed by CRLF.
        case none
        /// Trailers follow the final chunk; the names declared in `x-amz-trailer` (lowercase) must
        /// all be present. An empty list accepts whatever is sent.
        case expected([String])
    }

    /// How to decode one body.
    public struct Configuration: Sendable {
        /// `x-amz-decoded-content-length`: the payload's length once decoded.
        public var decodedContentLength: Int64
        /// Whether and which trailers follow.
        public var trailers: Trailers
        /// The signature chain's values; `nil` for `STREAMING-UNSIGNED-PAYLOAD-TRAILER`.
        public var signing: Signing?

        /// Creates a configuration.
        public init(decodedContentLength: Int64, trailers: Trailers, signing: Signing?) {
            self.decodedContentLength = decodedContentLength
            self.trailers = trailers
            self.signing = signing
        }
    }

    /// One trailing header, e.g. `x-amz-checksum-crc32` = `sOO8/Q==`.
    public struct TrailerHeader: Sendable, Equatable {
        /// The lowercase name.
        public var name: String
        /// The value, trimmed.
        public var value: String

        /// Creates a trailer.
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    /// What one step of decoding produced.
    public enum Event: Sendable, Equatable {
        /// Decoded payload bytes: this range of the input passed to `next`.
        case payload(Range<Int>)
        /// The body is complete; these trailers were sent (without the trailer signature).
        case end(trailers: [TrailerHeader])
    }

    private enum State: Sendable {
        case chunkHeader
        case chunkData(remaining: Int64)
        case chunkDataCRLF(seen: Int)
        case finalCRLF(seen: Int)
        case trailerLine
        case done
    }

    /// Longest chunk-header or trailer line accepted; real ones are under 200 bytes.
    public static let maxLineLength = 4096
    /// Most trailing headers accepted.
    public static let maxTrailers = 32

    /// The settings of this body.
    public let configuration: Configuration
    private var state = State.chunkHeader
    private var line: [UInt8] = []
    private var chain: ChunkSignatureChain?
    private var chunkHasher = SHA256()
    private var chunkSignature = ""
    private var chunkIndex = 0
    private var chunkSize: Int64 = 0
    private var decodedSoFar: Int64 = 0
    private var bodyOffset: Int64 = 0
    private var trailers: [TrailerHeader] = []
    private var trailerSignature: String?

    /// Starts decoding a body.
    public init(_ configuration: Configuration) {
        self.configuration = configuration
        self.chain = configuration.signing.map(ChunkSignatureChain.init)
        line.reserveCapacity(128)
    }

    /// Whether the whole body, including trailers, has been decoded.
    public var isComplete: Bool {
        if case .done = state { return true }
        return false
    }

    /// Decoded payload bytes so far.
    public var decodedLength: Int64 { decodedSoFar }

    /// Decodes from `input[offset...]` until it produces an event or runs out of input.
    /// - Parameters:
    ///   - input: the next bytes of the body, as received.
    ///   - offset: where to continue in `input`; advanced past what was consumed.
    /// - Returns: the next event, or `nil` when all of `input` is consumed and more is needed.
    /// - Throws: `SignatureDoesNotMatch`, `InvalidRequest`, `MalformedTrailerError`, `IncompleteBody`.
    public mutating func next(_ input: UnsafeRawBufferPointer, offset: inout Int) throws -> Event? {
        while offset < input.count {
            switch state {
            case .chunkHeader, .trailerLine:
                guard try readLine(input, offset: &offset) else { return nil }
                if case .chunkHeader = state {
                    try chunkHeaderCompleted()
                } else if let event = try trailerLineCompleted() {
                    return event
                }
            case .chunkData(let remaining):
                let take = Int(min(remaining, Int64(input.count - offset)))
                let range = offset..<offset + take
                if chain != nil { chunkHasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: input[range])) }
                offset += take
                bodyOffset += Int64(take)
                decodedSoFar += Int64(take)
                state = remaining == Int64(take) ? .chunkDataCRLF(seen: 0) : .chunkData(remaining: remaining - Int64(take))
                if remaining == Int64(take) { try verifyChunk() }
                return .payload(range)
            case .chunkDataCRLF(let seen), .finalCRLF(let seen):
                let expected: UInt8 = seen == 0 ? UInt8(ascii: "\r") : UInt8(ascii: "\n")
                guard input[offset] == expected else {
                    throw TarnError(
                        .invalidRequest,
                        "aws-chunked body: expected CRLF after the data of chunk \(chunkIndex) at byte \(bodyOffset), found byte 0x\(Hex.encode([input[offset]]))")
                }
                offset += 1
                bodyOffset += 1
                if seen == 0 {
                    if case .chunkDataCRLF = state { state = .chunkDataCRLF(seen: 1) } else { state = .finalCRLF(seen: 1) }
                } else if case .chunkDataCRLF = state {
                    state = .chunkHeader
                    chunkIndex += 1
                } else {
                    return try complete()
                }
            case .done:
                throw TarnError(
                    .invalidRequest, "aws-chunked body: \(input.count - offset) unexpected bytes after the end of the body at byte \(bodyOffset)")
            }
        }
        return nil
    }

    /// Decodes all of `input`, appending payload bytes to `output`.
    /// - Throws: as `next`.
    public mutating func decode(_ input: UnsafeRawBufferPointer, into output: inout [UInt8]) throws {
        var offset = 0
        while let event = try next(input, offset: &offset) {
            if case .payload(let range) = event { output.append(contentsOf: UnsafeRawBufferPointer(rebasing: input[range])) }
        }
    }

    /// Decodes all of `input`, appending payload bytes to `output`.
    public mutating func decode(_ input: [UInt8], into output: inout [UInt8]) throws {
        try input.withUnsafeBytes { try decode($0, into: &output) }
    }

    /// Ends the body.
    /// - Returns: the trailing headers (empty without trailers).
    /// - Throws: `IncompleteBody` when the body stopped before its end.
    public func finish() throws -> [TrailerHeader] {
        guard case .done = state else {
            throw TarnError(
                .incompleteBody,
                "The request body terminated unexpectedly: aws-chunked body ended at byte \(bodyOffset) in chunk \(chunkIndex) after \(decodedSoFar) of \(configuration.decodedContentLength) decoded bytes")
        }
        return trailers
    }

    // MARK: - Lines

    /// Appends input to `line` up to and including LF; `true` when a CRLF-terminated line is
    /// complete (then `line` holds it without CRLF).
    private mutating func readLine(_ input: UnsafeRawBufferPointer, offset: inout Int) throws -> Bool {
        let start = offset
        var end = offset
        while end < input.count && input[end] != UInt8(ascii: "\n") { end += 1 }
        let found = end < input.count
        let taken = (found ? end + 1 : end) - start
        guard line.count + taken <= Self.maxLineLength + 2 else {
            throw TarnError(.invalidRequest, "aws-chunked body: a line longer than \(Self.maxLineLength) bytes at byte \(bodyOffset)")
        }
        line.append(contentsOf: UnsafeRawBufferPointer(rebasing: input[start..<(found ? end + 1 : end)]))
        offset += taken
        bodyOffset += Int64(taken)
        guard found else { return false }
        guard line.count >= 2, line[line.count - 2] == UInt8(ascii: "\r") else {
            throw TarnError(.invalidRequest, "aws-chunked body: line ending without CR before LF at byte \(bodyOffset - 1)")
        }
        line.removeLast(2)
        return true
    }

    /// Parses `hex-size[;chunk-signature=sig]` and moves to the chunk's data.
    private mutating func chunkHeaderCompleted() throws {
        defer { line.removeAll(keepingCapacity: true) }
        let header = line
        let sizeEnd = header.firstIndex(of: UInt8(ascii: ";")) ?? header.count
        guard sizeEnd > 0, sizeEnd <= 16 else { throw badHeader(header, "the chunk size must be 1 to 16 hex digits") }
        var size: Int64 = 0
        for byte in header[..<sizeEnd] {
            guard let digit = PercentEncoding.hexValue(byte) else { throw badHeader(header, "the chunk size is not hexadecimal") }
            guard size <= (Int64.max >> 4) else { throw badHeader(header, "the chunk size overflows") }
            size = size << 4 | Int64(digit)
        }
        if chain != nil {
            let prefix = Array(";chunk-signature=".utf8)
            let extensionBytes = header[sizeEnd...]
            guard extensionBytes.count == prefix.count + 64, extensionBytes.starts(with: prefix) else {
                throw badHeader(header, "a signed chunk needs ;chunk-signature= and 64 hex digits")
            }
            chunkSignature = String(decoding: extensionBytes.dropFirst(prefix.count), as: UTF8.self)
        }
        guard decodedSoFar + size <= configuration.decodedContentLength else {
            throw TarnError(
                .invalidRequest,
                "aws-chunked body: chunk \(chunkIndex) of \(size) bytes takes the payload past x-amz-decoded-content-length \(configuration.decodedContentLength) (\(decodedSoFar) bytes so far)")
        }
        chunkSize = size
        chunkHasher = SHA256()
        if size > 0 {
            state = .chunkData(remaining: size)
            return
        }
        // The final, zero-length chunk: its signature covers the empty string.
        try verifyChunk()
        if case .none = configuration.trailers { state = .finalCRLF(seen: 0) } else { state = .trailerLine }
    }

    private func badHeader(_ header: [UInt8], _ reason: String) -> TarnError {
        TarnError(
            .invalidRequest,
            "aws-chunked body: malformed header of chunk \(chunkIndex) \"\(String(decoding: header.prefix(120), as: UTF8.self))\" at byte \(bodyOffset): \(reason)")
    }

    /// Checks the signature of the chunk just read (signed modes only).
    private mutating func verifyChunk() throws {
        guard var chain else { return }
        var digest: [UInt8] = []
        chunkHasher.finalize().withUnsafeBytes { SigningKey.appendHex($0, into: &digest) }
        let digestHex = String(decoding: digest, as: UTF8.self)
        let stringToSign = chain.chunkStringToSign(chunkSHA256Hex: digestHex)
        let expected = chain.signChunk(chunkSHA256Hex: digestHex)
        guard SigningKey.constantTimeEquals(expected.utf8, chunkSignature.utf8) else {
            var error = RequestAuthenticator.signatureMismatch(
                accessKeyID: "", stringToSign: stringToSign, provided: chunkSignature, canonicalRequest: nil)
            error.details.removeFirst()
            error.message += " (aws-chunked chunk \(chunkIndex), \(chunkSize) bytes)"
            throw error
        }
        self.chain = chain
    }

    /// Handles one trailer line; the empty line ends the body.
    private mutating func trailerLineCompleted() throws -> Event? {
        defer { line.removeAll(keepingCapacity: true) }
        guard !line.isEmpty else { return try complete() }
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > 0 else {
            throw TarnError(
                .malformedTrailerError,
                "The request contained trailing data that was not well-formed: \"\(String(decoding: line.prefix(120), as: UTF8.self))\" is not name:value")
        }
        let name = HTTPHeaders.lowercase(String(decoding: line[..<colon], as: UTF8.self))
        var value: [UInt8] = []
        CanonicalRequest.appendTrimmed(String(decoding: line[(colon + 1)...], as: UTF8.self), into: &value)
        let text = String(decoding: value, as: UTF8.self)
        if name == "x-amz-trailer-signature" {
            guard chain != nil, trailerSignature == nil else {
                throw TarnError(.malformedTrailerError, "The request contained an unexpected x-amz-trailer-signature trailer")
            }
            trailerSignature = text
        } else {
            guard trailerSignature == nil else {
                throw TarnError(.malformedTrailerError, "The request contained trailer \(name) after x-amz-trailer-signature")
            }
            guard trailers.count < Self.maxTrailers else {
                throw TarnError(.malformedTrailerError, "The request contained more than \(Self.maxTrailers) trailing headers")
            }
            trailers.append(TrailerHeader(name: name, value: text))
        }
        return nil
    }

    /// The end of the body: length, declared trailers and the trailer signature.
    private mutating func complete() throws -> Event {
        guard decodedSoFar == configuration.decodedContentLength else {
            throw TarnError(
                .incompleteBody,
                "You did not provide the number of bytes specified by x-amz-decoded-content-length: \(decodedSoFar) of \(configuration.decodedContentLength) bytes")
        }
        if case .expected(let declared) = configuration.trailers {
            let sent = Set(trailers.map(\.name))
            if let missing = declared.first(where: { !sent.contains($0) }) {
                throw TarnError(.malformedTrailerError, "The request declared trailer \(missing) in x-amz-trailer but did not send it")
            }
            if var chain {
                guard let trailerSignature else {
                    throw TarnError(.malformedTrailerError, "The request's trailing headers lack x-amz-trailer-signature")
                }
                let stringToSign = chain.trailerStringToSign(trailers)
                let expected = chain.signTrailers(trailers)
                guard SigningKey.constantTimeEquals(expected.utf8, trailerSignature.utf8) else {
                    var error = RequestAuthenticator.signatureMismatch(
                        accessKeyID: "", stringToSign: stringToSign, provided: trailerSignature, canonicalRequest: nil)
                    error.details.removeFirst()
                    error.message += " (aws-chunked trailer)"
                    throw error
                }
                self.chain = chain
            }
        }
        state = .done
        return .end(trailers: trailers)
    }
}

import Access
import Hummingbird
import NIOCore
import Storage
import TarnCore

/// What was learned while receiving a request body.
struct ReceivedBody: Sendable {
    /// The payload length the client declared (Content-Length, or x-amz-decoded-content-length
    /// for aws-chunked bodies), to be checked against what arrived.
    var declaredLength: Int64?
    /// A checksum sent in an aws-chunked trailer (`x-amz-checksum-*`), base64.
    var trailerChecksum: String?
}

/// Streams a request body into an upload, decoding and verifying it as its authentication
/// requires: a literal `x-amz-content-sha256` is checked over the whole body, aws-chunked bodies
/// are decoded (with chunk signatures checked), and trailing checksums are handed back.
enum BodyReceiver {
    static func receive(_ call: inout S3Call, into upload: ObjectUpload, limit: Int64) async throws -> ReceivedBody {
        try await receive(&call, limit: limit, requireLength: true) { try upload.write($0) }
    }

    /// Buffers a small request body (the XML documents of DeleteObjects, CompleteMultipartUpload,
    /// tagging, CreateBucket) and verifies it exactly as an object body is verified: the signed
    /// `x-amz-content-sha256`, aws-chunked framing with its chunk signatures, the declared length,
    /// and an `x-amz-checksum-*` header or trailer. Without this, a body could be swapped under a
    /// valid signature.
    /// - Throws: `XAmzContentSHA256Mismatch`, `SignatureDoesNotMatch`, `IncompleteBody`,
    ///   `BadDigest`, or `MaxMessageLengthExceeded` above `limit` bytes.
    static func collect(_ call: inout S3Call, limit: Int) async throws -> [UInt8] {
        var body: [UInt8] = []
        let received: ReceivedBody
        do {
            // A request with neither Content-Length nor chunked transfer simply has no body (RFC 9112 §6.3).
            received = try await receive(&call, limit: Int64(limit), requireLength: false) { body.append(contentsOf: $0) }
        } catch let error as TarnError where error.code == .entityTooLarge {
            throw TarnError(.init("MaxMessageLengthExceeded"), "Your request was too big (more than \(limit) bytes).")
        }
        if let length = received.declaredLength, length != Int64(body.count) {
            throw TarnError(.incompleteBody, "You did not provide the number of bytes specified by the Content-Length HTTP header (expected \(length), received \(body.count)).")
        }
        let (algorithm, headerValue) = try ObjectHeaders.requestedChecksum(call)
        if let algorithm, let sent = received.trailerChecksum ?? headerValue {
            var checksum = RunningChecksum(algorithm)
            checksum.update(body)
            guard checksum.finalize().base64 == sent else {
                throw TarnError(.badDigest, "The \(algorithm.rawValue) you specified did not match the calculated checksum.")
            }
        }
        return body
    }

    /// Streams the body to `consume`, decoding and verifying it as its authentication requires.
    /// - Parameter requireLength: whether a body without Content-Length (and not chunked) is refused.
    static func receive(
        _ call: inout S3Call, limit: Int64, requireLength: Bool, consume: (UnsafeRawBufferPointer) throws -> Void
    ) async throws -> ReceivedBody {
        switch call.authentication.payload {
        case .awsChunked(let configuration):
            guard configuration.decodedContentLength <= limit else { throw tooLarge(configuration.decodedContentLength, limit) }
            return try await receiveChunked(&call, configuration: configuration, consume: consume)
        case .sha256(let expected):
            let length = try declaredLength(call, limit: limit, required: requireLength)
            var verifier = PayloadDigestVerifier(expected: expected)
            try await pump(&call, limit: limit) { bytes in
                verifier.update(bytes)
                try consume(bytes)
            }
            try verifier.finish()
            return ReceivedBody(declaredLength: length)
        case .unsigned, .verified:
            let length = try declaredLength(call, limit: limit, required: requireLength)
            try await pump(&call, limit: limit, consume)
            return ReceivedBody(declaredLength: length)
        }
    }

    /// Content-Length, required unless the body is sent with chunked transfer encoding.
    static func declaredLength(_ call: S3Call, limit: Int64, required: Bool = true) throws -> Int64? {
        guard let length = call.header("content-length").flatMap(Int64.init) else {
            if !required || call.header("transfer-encoding")?.lowercased().contains("chunked") == true { return nil }
            throw TarnError(.missingContentLength, "You must provide the Content-Length HTTP header.")
        }
        guard length <= limit else { throw tooLarge(length, limit) }
        return length
    }

    static func tooLarge(_ length: Int64, _ limit: Int64) -> TarnError {
        TarnError(
            .entityTooLarge, "Your proposed upload exceeds the maximum allowed size (\(length) > \(limit) bytes).",
            details: [.init("ProposedSize", String(length)), .init("MaxSizeAllowed", String(limit))])
    }

    private static func pump(_ call: inout S3Call, limit: Int64, _ consume: (UnsafeRawBufferPointer) throws -> Void) async throws {
        var received: Int64 = 0
        for try await buffer in call.request.body {
            received += Int64(buffer.readableBytes)
            guard received <= limit else { throw tooLarge(received, limit) }
            try buffer.withUnsafeReadableBytes(consume)
        }
    }

    private static func receiveChunked(
        _ call: inout S3Call, configuration: AWSChunkedDecoder.Configuration, consume: (UnsafeRawBufferPointer) throws -> Void
    ) async throws -> ReceivedBody {
        var decoder = AWSChunkedDecoder(configuration)
        for try await buffer in call.request.body {
            try buffer.withUnsafeReadableBytes { bytes in
                var offset = 0
                while let event = try decoder.next(bytes, offset: &offset) {
                    if case .payload(let range) = event { try consume(UnsafeRawBufferPointer(rebasing: bytes[range])) }
                }
            }
        }
        let trailers = try decoder.finish()
        let checksum = trailers.first { $0.name.lowercased().hasPrefix("x-amz-checksum-") }?.value
        return ReceivedBody(declaredLength: configuration.decodedContentLength, trailerChecksum: checksum)
    }
}

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
        switch call.authentication.payload {
        case .awsChunked(let configuration):
            guard configuration.decodedContentLength <= limit else { throw tooLarge(configuration.decodedContentLength, limit) }
            return try await receiveChunked(&call, into: upload, configuration: configuration)
        case .sha256(let expected):
            let length = try declaredLength(call, limit: limit)
            var verifier = PayloadDigestVerifier(expected: expected)
            try await pump(&call, limit: limit) { bytes in
                verifier.update(bytes)
                try upload.write(bytes)
            }
            try verifier.finish()
            return ReceivedBody(declaredLength: length)
        case .unsigned, .verified:
            let length = try declaredLength(call, limit: limit)
            try await pump(&call, limit: limit) { try upload.write($0) }
            return ReceivedBody(declaredLength: length)
        }
    }

    /// Content-Length, required unless the body is sent with chunked transfer encoding.
    static func declaredLength(_ call: S3Call, limit: Int64) throws -> Int64? {
        guard let length = call.header("content-length").flatMap(Int64.init) else {
            if call.header("transfer-encoding")?.lowercased().contains("chunked") == true { return nil }
            throw TarnError(.missingContentLength, "You must provide the Content-Length HTTP header.")
        }
        guard length <= limit else { throw tooLarge(length, limit) }
        return length
    }

    static func tooLarge(_ length: Int64, _ limit: Int64) -> TarnError {
        TarnError(.entityTooLarge, "Your proposed upload exceeds the maximum allowed size (\(length) > \(limit) bytes).")
    }

    private static func pump(_ call: inout S3Call, limit: Int64, _ consume: (UnsafeRawBufferPointer) throws -> Void) async throws {
        var received: Int64 = 0
        for try await buffer in call.request.body {
            received += Int64(buffer.readableBytes)
            guard received <= limit else { throw tooLarge(received, limit) }
            try buffer.withUnsafeReadableBytes(consume)
        }
    }

    private static func receiveChunked(_ call: inout S3Call, into upload: ObjectUpload, configuration: AWSChunkedDecoder.Configuration) async throws
        -> ReceivedBody
    {
        var decoder = AWSChunkedDecoder(configuration)
        for try await buffer in call.request.body {
            try buffer.withUnsafeReadableBytes { bytes in
                var offset = 0
                while let event = try decoder.next(bytes, offset: &offset) {
                    if case .payload(let range) = event { try upload.write(UnsafeRawBufferPointer(rebasing: bytes[range])) }
                }
            }
        }
        let trailers = try decoder.finish()
        let checksum = trailers.first { $0.name.lowercased().hasPrefix("x-amz-checksum-") }?.value
        return ReceivedBody(declaredLength: configuration.decodedContentLength, trailerChecksum: checksum)
    }
}

import Access
import Foundation
import TarnCore
import Testing

/// aws-chunked bodies: trailers (signed and unsigned), framing errors, lengths, any split.
@Suite struct ChunkedDecoderTests {
    static let keys = VerificationErrorTests.keys
    static let time = VerificationErrorTests.time
    static let payload: [UInt8] = (0..<20_000).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) }

    /// A PUT signed for `mode`, authenticated, and the body the SDKs would send for it.
    static func upload(
        _ mode: PayloadMode, trailers: [AWSChunkedDecoder.TrailerHeader] = [], declare: [String]? = nil, chunkSize: Int = 8192,
        payload: [UInt8] = payload
    ) throws -> (configuration: AWSChunkedDecoder.Configuration, body: [UInt8]) {
        var request = AWSRequest(
            method: "PUT", rawPath: "/bucket/object",
            headers: [
                "Host": "localhost:9000", "Content-Encoding": "aws-chunked", "x-amz-decoded-content-length": String(payload.count),
            ])
        if let names = declare ?? (trailers.isEmpty ? nil : trailers.map(\.name)) {
            request.headers.add("x-amz-trailer", names.joined(separator: ","))
        }
        let signer = SigV4Signer(credentials: keys, service: "s3")
        let result = signer.sign(&request, payload: .mode(mode), at: time)
        let auth = try VerificationErrorTests.authenticator().authenticate(request, service: "s3")
        guard case .awsChunked(let configuration) = auth.payload else { throw TarnError(.internal, "expected aws-chunked") }
        var signing: AWSChunkedDecoder.Signing?
        if mode != .streamingUnsignedTrailer {
            signing = AWSChunkedDecoder.Signing(
                key: SigningKey.derive(secret: keys.secretAccessKey, date: "20261125", region: "us-east-1", service: "s3"),
                amzDate: AMZDate.iso8601Basic(time), scope: "20261125/us-east-1/s3/aws4_request", seedSignature: result.signature)
        }
        var encoder = AWSChunkedEncoder(signing: signing, trailers: mode != .streamingSigned)
        var body: [UInt8] = []
        var offset = 0
        while offset < payload.count {
            body += encoder.chunk(Array(payload[offset..<min(payload.count, offset + chunkSize)]))
            offset += chunkSize
        }
        body += encoder.finish(trailers: trailers)
        return (configuration, body)
    }

    /// Decodes `body` fed in pieces of `pieceSize`.
    static func decode(_ configuration: AWSChunkedDecoder.Configuration, _ body: [UInt8], pieceSize: Int = 1 << 20) throws
        -> (payload: [UInt8], trailers: [AWSChunkedDecoder.TrailerHeader])
    {
        var decoder = AWSChunkedDecoder(configuration)
        var output: [UInt8] = []
        var offset = 0
        while offset < body.count {
            try decoder.decode(Array(body[offset..<min(body.count, offset + pieceSize)]), into: &output)
            offset += pieceSize
        }
        return (output, try decoder.finish())
    }

    static let crc = AWSChunkedDecoder.TrailerHeader(name: "x-amz-checksum-crc32", value: "sOO8/Q==")

    @Test(arguments: [1, 3, 64, 8193, 100_000])
    func signedTrailerRoundTrip(_ pieceSize: Int) throws {
        let (configuration, body) = try Self.upload(.streamingSignedTrailer, trailers: [Self.crc])
        #expect(String(decoding: body.suffix(120), as: UTF8.self).contains("x-amz-trailer-signature:"))
        let decoded = try Self.decode(configuration, body, pieceSize: pieceSize)
        #expect(decoded.payload == Self.payload)
        #expect(decoded.trailers == [Self.crc])
    }

    @Test(arguments: [1, 5, 4096])
    func unsignedTrailerRoundTrip(_ pieceSize: Int) throws {
        let (configuration, body) = try Self.upload(.streamingUnsignedTrailer, trailers: [Self.crc])
        #expect(!String(decoding: body, as: UTF8.self).contains("chunk-signature"))
        let decoded = try Self.decode(configuration, body, pieceSize: pieceSize)
        #expect(decoded.payload == Self.payload)
        #expect(decoded.trailers == [Self.crc])
    }

    /// The exact bytes botocore's `AwsChunkedWrapper` writes for a 5-byte body with a CRC32.
    @Test func botocoreUnsignedTrailerFraming() throws {
        let body = Array("5\r\nhello\r\n0\r\nx-amz-checksum-crc32:NhCmhg==\r\n\r\n".utf8)
        let configuration = AWSChunkedDecoder.Configuration(
            decodedContentLength: 5, trailers: .expected(["x-amz-checksum-crc32"]), signing: nil)
        for pieceSize in 1...body.count {
            let decoded = try Self.decode(configuration, body, pieceSize: pieceSize)
            #expect(decoded.payload == Array("hello".utf8))
            #expect(decoded.trailers == [AWSChunkedDecoder.TrailerHeader(name: "x-amz-checksum-crc32", value: "NhCmhg==")])
        }
        // The trailer carries the real CRC32 of "hello", which the caller checks.
        var crc = CRC32()
        crc.update(Array("hello".utf8))
        #expect(Data(crc.bigEndianBytes).base64EncodedString() == "NhCmhg==")
    }

    @Test func emptyBodyWithoutTrailers() throws {
        let (configuration, body) = try Self.upload(.streamingSigned, payload: [])
        let decoded = try Self.decode(configuration, body, pieceSize: 1)
        #expect(decoded.payload.isEmpty)
        #expect(decoded.trailers.isEmpty)
    }

    @Test func tamperedTrailerValueIsRejected() throws {
        let (configuration, body) = try Self.upload(.streamingSignedTrailer, trailers: [Self.crc])
        let trailerStart = body.count - 200  // within the ASCII final chunk header and trailers
        let tail = String(decoding: body[trailerStart...], as: UTF8.self).replacingOccurrences(of: "sOO8/Q==", with: "sOO8/Q==x")
        let error = tarnError { _ = try Self.decode(configuration, Array(body[..<trailerStart]) + Array(tail.utf8)) }
        #expect(error?.code == .signatureDoesNotMatch)
        #expect(error?.message.contains("trailer") == true)
        #expect(error?.detail("StringToSign")?.hasPrefix("AWS4-HMAC-SHA256-TRAILER\n20261125T120000Z\n") == true)
    }

    @Test func missingTrailerSignatureIsRejected() throws {
        let (configuration, body) = try Self.upload(.streamingSignedTrailer, trailers: [Self.crc])
        let trailerStart = body.count - 200  // within the ASCII final chunk header and trailers
        let tail = String(decoding: body[trailerStart...], as: UTF8.self)
        let stripped = tail.replacingOccurrences(of: #"x-amz-trailer-signature:[0-9a-f]{64}\r\n"#, with: "", options: .regularExpression)
        #expect(stripped != tail)
        let error = tarnError { _ = try Self.decode(configuration, Array(body[..<trailerStart]) + Array(stripped.utf8)) }
        #expect(error?.code == .malformedTrailerError)
    }

    @Test func declaredTrailerMissing() throws {
        let (configuration, body) = try Self.upload(.streamingUnsignedTrailer, trailers: [], declare: ["x-amz-checksum-crc32c"])
        let error = tarnError { _ = try Self.decode(configuration, body) }
        #expect(error?.code == .malformedTrailerError)
        #expect(error?.code.awsHTTPStatus == 400)
    }

    @Test func malformedTrailerLine() {
        let body = Array("5\r\nhello\r\n0\r\nnot-a-header\r\n\r\n".utf8)
        let configuration = AWSChunkedDecoder.Configuration(decodedContentLength: 5, trailers: .expected([]), signing: nil)
        #expect(tarnError { _ = try Self.decode(configuration, body) }?.code == .malformedTrailerError)
    }

    @Test func truncatedBodyIsIncomplete() throws {
        let (configuration, body) = try Self.upload(.streamingSigned)
        for cut in [1, 2, 50, body.count / 2, body.count - 1] {
            let error = tarnError { _ = try Self.decode(configuration, Array(body.prefix(cut))) }
            #expect(error?.code == .incompleteBody, "cut at \(cut)")
        }
    }

    @Test func trailingGarbageIsRejected() throws {
        let (configuration, body) = try Self.upload(.streamingSigned)
        let error = tarnError { _ = try Self.decode(configuration, body + Array("x".utf8)) }
        #expect(error?.code == .invalidRequest)
    }

    @Test func decodedLengthMustMatch() throws {
        var (configuration, body) = try Self.upload(.streamingSigned)
        configuration.decodedContentLength += 1
        #expect(tarnError { _ = try Self.decode(configuration, body) }?.code == .incompleteBody)
        configuration.decodedContentLength -= 2
        #expect(tarnError { _ = try Self.decode(configuration, body) }?.code == .invalidRequest)
    }

    @Test(arguments: [
        "g;chunk-signature=\(String(repeating: "0", count: 64))\r\n",  // not hex
        ";chunk-signature=\(String(repeating: "0", count: 64))\r\n",  // no size
        "10\r\n",  // signed mode without signature
        "10;chunk-signature=00\r\n",  // short signature
        "10;chunk-signature=\(String(repeating: "0", count: 64))\n",  // LF without CR
        "11111111111111111;chunk-signature=\(String(repeating: "0", count: 64))\r\n",  // 17 hex digits
    ])
    func malformedChunkHeader(_ header: String) throws {
        let (configuration, _) = try Self.upload(.streamingSigned)
        let error = tarnError { _ = try Self.decode(configuration, Array(header.utf8)) }
        #expect(error?.code == .invalidRequest)
    }

    @Test func missingCRLFAfterData() throws {
        let configuration = AWSChunkedDecoder.Configuration(decodedContentLength: 5, trailers: .expected([]), signing: nil)
        let error = tarnError { _ = try Self.decode(configuration, Array("5\r\nhelloX\r\n0\r\n\r\n".utf8)) }
        #expect(error?.code == .invalidRequest)
        #expect(error?.message.contains("expected CRLF") == true)
    }

    @Test func overlongLineIsRejected() {
        let configuration = AWSChunkedDecoder.Configuration(decodedContentLength: 5, trailers: .expected([]), signing: nil)
        let error = tarnError { _ = try Self.decode(configuration, [UInt8](repeating: UInt8(ascii: "1"), count: 5000), pieceSize: 7) }
        #expect(error?.code == .invalidRequest)
    }

    /// The low-level API hands out ranges of the caller's buffer, without copying.
    @Test func eventsReferToTheInputBuffer() throws {
        let body = Array("5\r\nhello\r\n3\r\nabc\r\n0\r\n\r\n".utf8)
        let configuration = AWSChunkedDecoder.Configuration(decodedContentLength: 8, trailers: .expected([]), signing: nil)
        var decoder = AWSChunkedDecoder(configuration)
        var events: [AWSChunkedDecoder.Event] = []
        try body.withUnsafeBytes { buffer in
            var offset = 0
            while let event = try decoder.next(buffer, offset: &offset) { events.append(event) }
            #expect(offset == buffer.count)
        }
        #expect(events == [.payload(3..<8), .payload(13..<16), .end(trailers: [])])
        #expect(decoder.isComplete)
        #expect(decoder.decodedLength == 8)
    }
}

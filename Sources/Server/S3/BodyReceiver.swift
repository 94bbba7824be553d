import Crypto
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

/// Streams a request body into an upload, decoding the payload as `x-amz-content-sha256` says
/// and verifying a signed payload hash before the object can become visible.
enum BodyReceiver {
    static func receive(_ call: inout S3Call, into upload: ObjectUpload, limit: Int64) async throws -> ReceivedBody {
        let mode = call.header("x-amz-content-sha256")
        if let mode, mode.hasPrefix("STREAMING-") {
            throw TarnError(.unsupported, "aws-chunked payloads (\(mode)) are not supported yet")
        }
        guard let length = call.header("content-length").flatMap(Int64.init) else {
            if call.header("transfer-encoding")?.lowercased().contains("chunked") == true {
                return try await pump(&call, into: upload, limit: limit, expectedSHA256: hexHash(mode), declaredLength: nil)
            }
            throw TarnError(.init("MissingContentLength"), "You must provide the Content-Length HTTP header.")
        }
        guard length <= limit else {
            throw TarnError(.entityTooLarge, "Your proposed upload exceeds the maximum allowed size (\(length) > \(limit) bytes).")
        }
        return try await pump(&call, into: upload, limit: limit, expectedSHA256: hexHash(mode), declaredLength: length)
    }

    /// A literal payload hash, or nil for `UNSIGNED-PAYLOAD` / absent.
    static func hexHash(_ mode: String?) -> String? {
        guard let mode, mode.utf8.count == 64, Hex.decode(mode) != nil else { return nil }
        return mode.lowercased()
    }

    private static func pump(_ call: inout S3Call, into upload: ObjectUpload, limit: Int64, expectedSHA256: String?, declaredLength: Int64?) async throws
        -> ReceivedBody
    {
        var hasher = expectedSHA256 == nil ? nil : SHA256()
        var received: Int64 = 0
        for try await buffer in call.request.body {
            received += Int64(buffer.readableBytes)
            guard received <= limit else {
                throw TarnError(.entityTooLarge, "Your proposed upload exceeds the maximum allowed size (\(limit) bytes).")
            }
            try buffer.withUnsafeReadableBytes { bytes in
                hasher?.update(bufferPointer: bytes)
                try upload.write(bytes)
            }
        }
        if let expectedSHA256, let hasher {
            let actual = Hex.encode(hasher.finalize())
            guard actual == expectedSHA256 else {
                throw TarnError(.xAmzContentSHA256Mismatch, "The provided 'x-amz-content-sha256' header does not match what was computed.")
            }
        }
        return ReceivedBody(declaredLength: declaredLength, trailerChecksum: nil)
    }
}

/// Frames a body as `aws-chunked`, the client side of `AWSChunkedDecoder`: for Tarn's own
/// clients that stream uploads of unknown length, and for tests.
/// ```swift
/// var encoder = AWSChunkedEncoder(signing: signing)   // nil for STREAMING-UNSIGNED-PAYLOAD-TRAILER
/// body += encoder.chunk(part1)                          // one frame per call
/// body += encoder.finish(trailers: [checksum])          // 0-chunk, trailers, final CRLF
/// ```
public struct AWSChunkedEncoder: Sendable {
    private var chain: ChunkSignatureChain?
    private let hasTrailers: Bool

    /// Starts a body.
    /// - Parameters:
    ///   - signing: the chain values (seed signature = the request's signature); `nil` for the
    ///     unsigned trailer mode.
    ///   - trailers: whether the body ends with trailing headers (the `-TRAILER` modes).
    public init(signing: AWSChunkedDecoder.Signing?, trailers: Bool) {
        self.chain = signing.map(ChunkSignatureChain.init)
        self.hasTrailers = trailers
    }

    /// The frame of one non-empty chunk: header line, data, CRLF.
    public mutating func chunk(_ data: [UInt8]) -> [UInt8] {
        precondition(!data.isEmpty, "an empty chunk ends the body; call finish(trailers:)")
        var out = header(size: data.count, data: data)
        out += data
        out += Array("\r\n".utf8)
        return out
    }

    /// The final zero-length chunk, then the trailers (signed when the body is) or the closing CRLF.
    public mutating func finish(trailers: [AWSChunkedDecoder.TrailerHeader] = []) -> [UInt8] {
        var out = header(size: 0, data: [])
        guard hasTrailers else { return out + Array("\r\n".utf8) }
        for trailer in trailers { out += Array("\(trailer.name):\(trailer.value)\r\n".utf8) }
        if var chain {
            out += Array("x-amz-trailer-signature:\(chain.signTrailers(trailers))\r\n".utf8)
            self.chain = chain
        }
        return out + Array("\r\n".utf8)
    }

    /// The signature of the most recent frame (the seed before any).
    public var lastSignature: String? { chain?.previousSignature }

    private mutating func header(size: Int, data: [UInt8]) -> [UInt8] {
        var line = String(size, radix: 16)
        if var chain {
            line += ";chunk-signature=" + chain.signChunk(chunkSHA256Hex: ChunkSignatureChain.sha256Hex(data))
            self.chain = chain
        }
        return Array((line + "\r\n").utf8)
    }
}

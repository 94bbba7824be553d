import Crypto
import Hummingbird
import TarnCore

/// Buffers a JSON-protocol request body and hashes it for SigV4 as it arrives.
///
/// PutRecords bodies are ~700 KB: collecting them with `Request.collectBody` grew a `ByteBuffer`
/// by doubling and then copied it into an array, three passes over memory before any decoding.
/// Here each fragment is appended once into an array sized from `Content-Length`, and hashed
/// while it is still in cache (the JSON protocols sign the payload, so the SHA-256 must stay).
enum JSONBodyCollector {
    /// A collected body and its SHA-256 in lowercase hex.
    struct Body {
        var bytes: [UInt8]
        var sha256Hex: String
    }

    /// Reads the whole body, refusing more than `limit` bytes.
    /// - Throws: `TarnError(.invalidArgument)` past `limit`, or the transport's error.
    static func collect(_ request: Request, limit: Int) async throws -> Body {
        var bytes: [UInt8] = []
        if let declared = request.headers[.contentLength].flatMap({ Int($0) }), declared > 0 {
            bytes.reserveCapacity(min(declared, limit))
        }
        var hasher = SHA256()
        for try await fragment in request.body {
            guard fragment.readableBytes <= limit - bytes.count else {
                throw TarnError(.invalidArgument, "Request body larger than \(limit) bytes")
            }
            fragment.withUnsafeReadableBytes { raw in
                hasher.update(bufferPointer: raw)
                bytes.append(contentsOf: raw)
            }
        }
        return Body(bytes: bytes, sha256Hex: Hex.encode(hasher.finalize()))
    }
}

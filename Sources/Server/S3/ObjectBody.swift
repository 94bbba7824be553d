import Hummingbird
import NIOCore
import Storage
import TarnCore

/// Streams an object's bytes into a response body.
enum ObjectBody {
    /// Bodies up to this size are read in one piece on the request task; larger ones stream.
    static let inlineLimit: Int64 = 256 * 1024
    /// Piece size for streamed bodies.
    static let chunkSize: Int64 = 1 << 20

    static func make(reader: ObjectReader, range: Range<Int64>) -> ResponseBody {
        let length = range.upperBound - range.lowerBound
        if length <= inlineLimit {
            return ResponseBody(contentLength: Int(length)) { writer in
                try await writer.write(try read(reader, range))
                try await writer.finish(nil)
            }
        }
        return ResponseBody(contentLength: Int(length)) { writer in
            var offset = range.lowerBound
            while offset < range.upperBound {
                let piece = offset..<min(range.upperBound, offset + chunkSize)
                // Reads may block on a cold cache: keep them off the cooperative threads.
                let buffer = try await BlockingIO.run { try read(reader, piece) }
                try await writer.write(buffer)
                offset = piece.upperBound
            }
            try await writer.finish(nil)
        }
    }

    static func read(_ reader: ObjectReader, _ range: Range<Int64>) throws -> ByteBuffer {
        let count = Int(range.upperBound - range.lowerBound)
        var buffer = ByteBufferAllocator().buffer(capacity: count)
        let got = try buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: count) { pointer in
            try reader.read(into: UnsafeMutableRawBufferPointer(rebasing: pointer[0..<count]), at: range.lowerBound)
        }
        guard got == count else {
            throw TarnError(.corrupt, "object \(reader.info.bucket)/\(reader.info.key): expected \(count) bytes at \(range.lowerBound), read \(got)")
        }
        return buffer
    }
}

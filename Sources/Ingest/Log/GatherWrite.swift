import TarnCore

#if canImport(Glibc)
import Glibc
#endif

/// Writes scattered pieces to a file at an offset with `pwritev` (POSIX.1-2008 `writev` with an
/// offset), `IOV_MAX` pieces per call, resuming after short writes.
enum GatherWrite {
    /// The most pieces one call may take (`IOV_MAX` is 1024 on Linux).
    static let maxPieces = 1024

    /// Writes all `pieces`, in order, starting at `offset`.
    /// - Throws: `TarnError(.io)` naming the file and errno.
    static func write(_ pieces: [UnsafeRawBufferPointer], to file: PosixFile, at offset: Int64) throws {
        var vectors: [iovec] = []
        vectors.reserveCapacity(pieces.count)
        for piece in pieces where piece.count > 0 {
            vectors.append(iovec(iov_base: UnsafeMutableRawPointer(mutating: piece.baseAddress), iov_len: piece.count))
        }
        var index = 0
        var position = offset
        while index < vectors.count {
            let count = min(vectors.count - index, maxPieces)
            let written = vectors.withUnsafeBufferPointer { pwritev(file.descriptor, $0.baseAddress! + index, Int32(count), off_t(position)) }
            if written < 0 {
                if errno == EINTR { continue }
                throw TarnError(.io, "pwritev \(file.path) at \(position): \(PosixFile.describe(errno))")
            }
            guard written > 0 else { throw TarnError(.io, "pwritev \(file.path) at \(position) wrote nothing") }
            position += Int64(written)
            var left = written
            while left > 0 {
                if vectors[index].iov_len <= left {
                    left -= vectors[index].iov_len
                    index += 1
                } else {
                    vectors[index].iov_base = vectors[index].iov_base.map { $0 + left }
                    vectors[index].iov_len -= left
                    left = 0
                }
            }
        }
    }
}

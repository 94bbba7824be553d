import CLinuxIO
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A thin owner of a POSIX file descriptor with errors that name the path and errno.
///
/// Used wherever durability matters: Foundation's `FileHandle` hides whether `fsync` happened,
/// and we need `pread` for ranged reads without moving a shared offset.
public final class PosixFile: @unchecked Sendable {
    // @unchecked: the descriptor is immutable after init; POSIX calls on it are thread-safe
    // (pread/pwrite take explicit offsets), and `close` happens once in deinit.
    /// The open descriptor.
    public let descriptor: Int32
    /// The path it was opened with, for error messages.
    public let path: String

    /// How to open a file.
    public enum Mode: Sendable {
        /// Read only; the file must exist.
        case read
        /// Create a new file for writing; fails if it exists.
        case createNew
        /// Create or truncate for writing.
        case truncate
        /// Open for appending, creating if missing.
        case append
        /// Read and write, creating if missing.
        case readWrite
    }

    /// Opens `path`.
    /// - Parameters:
    ///   - path: the file to open.
    ///   - mode: how to open it.
    ///   - permissions: mode bits for created files.
    /// - Throws: `TarnError` with code `.notFound` when a file to read is missing, else `.io`.
    public init(path: String, mode: Mode, permissions: mode_t = 0o644) throws {
        let flags: Int32
        switch mode {
        case .read: flags = O_RDONLY
        case .createNew: flags = O_WRONLY | O_CREAT | O_EXCL
        case .truncate: flags = O_WRONLY | O_CREAT | O_TRUNC
        case .append: flags = O_WRONLY | O_CREAT | O_APPEND
        case .readWrite: flags = O_RDWR | O_CREAT
        }
        let fd = open(path, flags | O_CLOEXEC, permissions)
        guard fd >= 0 else {
            let code = errno
            throw TarnError(code == ENOENT ? .notFound : .io, "open \(path): \(PosixFile.describe(code))")
        }
        self.descriptor = fd
        self.path = path
    }

    deinit { close(descriptor) }

    /// Writes all of `bytes` at the current offset, retrying short writes and EINTR.
    /// - Throws: `TarnError(.io)` naming the path and errno.
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard var pointer = bytes.baseAddress else { return }
        var remaining = bytes.count
        while remaining > 0 {
            let written = Glibc.write(descriptor, pointer, remaining)
            if written < 0 {
                if errno == EINTR { continue }
                throw TarnError(.io, "write \(path): \(PosixFile.describe(errno))")
            }
            pointer += written
            remaining -= written
        }
    }

    /// Starts writing back the given range of dirty pages without waiting for it
    /// (`sync_file_range(SYNC_FILE_RANGE_WRITE)`). Not a durability point: `sync()` still is.
    /// Large writers call it as they go so the final fsync finds little left to flush and the
    /// disk works while the body is still arriving. Errors are ignored; fsync reports them.
    public func startWriteback(offset: Int64, count: Int64) {
        _ = sync_file_range(descriptor, offset, count, TARN_SYNC_FILE_RANGE_WRITE)
    }

    /// Writes all of `bytes` at the current offset.
    public func write(_ bytes: [UInt8]) throws { try bytes.withUnsafeBytes { try write($0) } }

    /// Writes all of `bytes` at `offset` without moving the file offset.
    public func write(_ bytes: UnsafeRawBufferPointer, at offset: Int64) throws {
        guard var pointer = bytes.baseAddress else { return }
        var remaining = bytes.count
        var position = offset
        while remaining > 0 {
            let written = pwrite(descriptor, pointer, remaining, off_t(position))
            if written < 0 {
                if errno == EINTR { continue }
                throw TarnError(.io, "pwrite \(path) at \(position): \(PosixFile.describe(errno))")
            }
            pointer += written
            remaining -= written
            position += Int64(written)
        }
    }

    /// Reads up to `buffer.count` bytes at `offset`; returns how many were read (0 at end of file).
    public func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) throws -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        var total = 0
        while total < buffer.count {
            let got = pread(descriptor, base + total, buffer.count - total, off_t(offset + Int64(total)))
            if got < 0 {
                if errno == EINTR { continue }
                throw TarnError(.io, "pread \(path) at \(offset + Int64(total)): \(PosixFile.describe(errno))")
            }
            if got == 0 { break }
            total += got
        }
        return total
    }

    /// Reads exactly `count` bytes at `offset`.
    /// - Throws: `TarnError(.corrupt)` when the file is shorter than expected.
    public func read(count: Int, at offset: Int64) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        let got = try out.withUnsafeMutableBytes { try read(into: $0, at: offset) }
        guard got == count else {
            throw TarnError(.corrupt, "\(path): expected \(count) bytes at offset \(offset), read \(got)")
        }
        return out
    }

    /// Flushes data and metadata to stable storage.
    public func sync() throws {
        guard fsync(descriptor) == 0 else { throw TarnError(.io, "fsync \(path): \(PosixFile.describe(errno))") }
    }

    /// The file's size in bytes.
    public func size() throws -> Int64 {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw TarnError(.io, "fstat \(path): \(PosixFile.describe(errno))") }
        return Int64(info.st_size)
    }

    /// Truncates or extends the file to `size` bytes.
    public func truncate(to size: Int64) throws {
        guard ftruncate(descriptor, off_t(size)) == 0 else {
            throw TarnError(.io, "ftruncate \(path): \(PosixFile.describe(errno))")
        }
    }

    /// The text of an errno value.
    public static func describe(_ code: Int32) -> String { "\(String(cString: strerror(code))) (errno \(code))" }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Durable file-system operations: the write-temp → fsync → rename → fsync-directory pattern that
/// makes a file appear whole or not at all after a crash.
public enum FileSystem {
    /// Creates `path` and any missing parents (like `mkdir -p`).
    /// - Throws: `TarnError(.io)` when a component cannot be created.
    public static func createDirectory(_ path: String, permissions: mode_t = 0o755) throws {
        if isDirectory(path) { return }
        var prefix = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/") {
            prefix += component
            if mkdir(prefix, permissions) != 0 && errno != EEXIST {
                throw TarnError(.io, "mkdir \(prefix): \(PosixFile.describe(errno))")
            }
            prefix += "/"
        }
    }

    /// Whether `path` exists and is a directory.
    public static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    /// Whether anything exists at `path`.
    public static func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    /// Size of the file at `path`, or nil if missing.
    public static func fileSize(_ path: String) -> Int64? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return Int64(info.st_size)
    }

    /// Flushes a directory's entries (new names, renames) to stable storage.
    public static func syncDirectory(_ path: String) throws {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw TarnError(.io, "open dir \(path): \(PosixFile.describe(errno))") }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw TarnError(.io, "fsync dir \(path): \(PosixFile.describe(errno))") }
    }

    /// Atomically replaces `destination` with `source` (same file system).
    public static func rename(_ source: String, to destination: String) throws {
        guard Glibc.rename(source, destination) == 0 else {
            throw TarnError(.io, "rename \(source) → \(destination): \(PosixFile.describe(errno))")
        }
    }

    /// Removes a file; a missing file is not an error.
    public static func removeFile(_ path: String) throws {
        if unlink(path) != 0 && errno != ENOENT {
            throw TarnError(.io, "unlink \(path): \(PosixFile.describe(errno))")
        }
    }

    /// Removes a directory tree; a missing one is not an error.
    public static func removeTree(_ path: String) throws {
        guard exists(path) else { return }
        if !isDirectory(path) { return try removeFile(path) }
        for name in try listDirectory(path) { try removeTree(path + "/" + name) }
        if rmdir(path) != 0 && errno != ENOENT { throw TarnError(.io, "rmdir \(path): \(PosixFile.describe(errno))") }
    }

    /// Names in a directory, excluding `.` and `..`, in no particular order.
    public static func listDirectory(_ path: String) throws -> [String] {
        guard let dir = opendir(path) else {
            let code = errno
            throw TarnError(code == ENOENT ? .notFound : .io, "opendir \(path): \(PosixFile.describe(code))")
        }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: Int(NAME_MAX) + 1) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// Writes `bytes` to `path` so that after a crash the file is either absent/old or whole.
    ///
    /// Writes a temp file beside the destination, fsyncs it, renames it over the destination and
    /// fsyncs the directory so the rename itself is durable.
    /// - Parameters:
    ///   - bytes: the full contents.
    ///   - path: the destination.
    ///   - permissions: mode bits of the new file.
    public static func writeAtomically(_ bytes: [UInt8], to path: String, permissions: mode_t = 0o644) throws {
        let directory = parentDirectory(of: path)
        let temp = "\(path).tmp-\(Identifiers.randomHex(byteCount: 6, uppercase: false))"
        do {
            let file = try PosixFile(path: temp, mode: .createNew, permissions: permissions)
            try file.write(bytes)
            try file.sync()
            try rename(temp, to: path)
            try syncDirectory(directory)
        } catch {
            try? removeFile(temp)
            throw error
        }
    }

    /// Reads a whole (small) file.
    public static func readFile(_ path: String) throws -> [UInt8] {
        let file = try PosixFile(path: path, mode: .read)
        let size = try file.size()
        return try file.read(count: Int(size), at: 0)
    }

    /// The directory part of a path (`"."` when there is none).
    public static func parentDirectory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// Sets a file's permission bits.
    public static func setPermissions(_ path: String, _ permissions: mode_t) throws {
        guard chmod(path, permissions) == 0 else { throw TarnError(.io, "chmod \(path): \(PosixFile.describe(errno))") }
    }

    /// Permission bits of a file.
    public static func permissions(_ path: String) -> mode_t? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return info.st_mode & 0o7777
    }
}

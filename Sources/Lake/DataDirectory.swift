import Foundation
import TarnCore

#if canImport(Glibc)
import Glibc
#endif

/// A data directory owned by exactly one process for as long as this value lives.
///
/// Ownership is an exclusive `flock` on `tarn.lock`; the kernel releases it when the process
/// dies, so a crashed server never leaves a stale lock behind. The lock file records the owner's
/// pid for the error message a second process gets.
public final class DataDirectory: Sendable {
    /// Absolute path of the directory.
    public let path: String
    private let lockFile: PosixFile

    /// Creates the directory if needed and takes its lock.
    /// - Throws: `TarnError(.conflict)` naming the owner's pid when another process holds it.
    public init(path: String) throws {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        self.path = absolute
        try FileSystem.createDirectory(absolute, permissions: 0o700)
        let lockPath = absolute + "/tarn.lock"
        let file = try PosixFile(path: lockPath, mode: .readWrite, permissions: 0o600)
        if flock(file.descriptor, LOCK_EX | LOCK_NB) != 0 {
            let owner = (try? FileSystem.readFile(lockPath)).map { String(decoding: $0, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) } ?? "unknown"
            throw TarnError(
                .conflict,
                "the data directory \(absolute) is in use by another tarn process (pid \(owner.isEmpty ? "unknown" : owner)); stop it, or point --data at another directory")
        }
        try file.truncate(to: 0)
        try file.write(Array("\(getpid())\n".utf8), at: 0)
        lockFile = file
    }
}

extension PosixFile {
    /// Writes bytes at an offset (convenience over the raw-buffer form).
    func write(_ bytes: [UInt8], at offset: Int64) throws {
        try bytes.withUnsafeBytes { try write($0, at: offset) }
    }
}

import Foundation
import TarnCore

/// A fresh directory under the system temp dir, removed when `remove()` is called.
public struct TemporaryDirectory: Sendable {
    /// The directory's absolute path.
    public let path: String

    /// Creates a new, empty directory named after `prefix`.
    public init(prefix: String = "tarn-test") throws {
        let base = ProcessInfo.processInfo.environment["TMPDIR"] ?? "/tmp"
        path = "\(base)/\(prefix)-\(Identifiers.randomHex(byteCount: 8, uppercase: false))"
        try FileSystem.createDirectory(path)
    }

    /// Deletes the directory and everything in it.
    public func remove() { try? FileSystem.removeTree(path) }
}

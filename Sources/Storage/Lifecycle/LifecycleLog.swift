import Foundation
import Synchronization
import TarnCore

/// The durable record of every lifecycle action: one JSON object per line in
/// `DIR/storage/lifecycle/actions.log`, appended after the action committed and fsynced once per
/// run, so operators can audit what moved and what was deleted, and when.
public final class LifecycleLog: Sendable {
    /// The log file's path.
    public let path: String
    private let file: Mutex<PosixFile?>

    /// Opens (creating) the log at `path`.
    public init(path: String) throws {
        try FileSystem.createDirectory(FileSystem.parentDirectory(of: path))
        self.path = path
        self.file = Mutex(try PosixFile(path: path, mode: .append, permissions: 0o600))
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    /// Appends one action.
    public func append(_ record: LifecycleActionRecord) throws {
        var line = try Self.encoder.encode(record)
        line.append(0x0A)
        try file.withLock { file in try file?.write(Array(line)) }
    }

    /// Makes everything appended so far durable.
    public func sync() throws { try file.withLock { try $0?.sync() } }

    /// Every record in the log, oldest first (for `tarn lifecycle log` and tests).
    public static func read(path: String) throws -> [LifecycleActionRecord] {
        guard FileSystem.exists(path) else { return [] }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try FileSystem.readFile(path).split(separator: 0x0A).map { line in
            do {
                return try decoder.decode(LifecycleActionRecord.self, from: Data(line))
            } catch {
                throw TarnError(.corrupt, "\(path): unreadable lifecycle log line: \(error)")
            }
        }
    }
}

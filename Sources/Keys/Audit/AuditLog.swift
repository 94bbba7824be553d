import Foundation
import Synchronization
import TarnCore

/// One key use as the audit log records it: the CloudTrail event of Tarn's KMS.
public struct AuditEvent: Sendable, Equatable, Codable {
    /// When it happened (ISO 8601, milliseconds).
    public var time: String
    /// The caller's ARN.
    public var principal: String
    /// The KMS operation, e.g. `Decrypt`.
    public var operation: String
    /// The key's ARN, when the request named or resolved one.
    public var key: String?
    /// The encryption context of the request.
    public var context: [String: String]
    /// `allowed` or `denied`.
    public var decision: String
    /// The error code when the operation failed (denied or otherwise).
    public var error: String?
    /// The service acting for the caller (`s3.us-east-1.amazonaws.com`), if any.
    public var via: String?
    /// The request id.
    public var requestID: String?
}

/// The append-only audit log: one JSON object per line, appended with `O_APPEND`.
///
/// A line appended for a KMS API request is durable before `append` returns (fsync), so a key
/// use whose response has been sent is in the log after a power loss too. Concurrent key uses
/// share fsyncs (`GroupSync`): one appender syncs every line written so far while the others
/// wait for it. Key uses S3 makes while serving an object (SSE-KMS without a Bucket Key, one per
/// GET or PUT) are written at once and synced in the background, milliseconds later, instead:
/// waiting for an fsync in every GET would cap such GETs at a few hundred per second, and
/// CloudTrail itself delivers events minutes after the call. A crash loses at most those
/// background lines of the last moments and lines whose key operations had not answered yet,
/// never a half-written earlier line (each line goes out in one `write`). Nothing in Tarn
/// rewrites or truncates the file.
public final class AuditLog: Sendable {
    /// The log file.
    public let path: String
    private let file: PosixFile
    /// Serializes writes, so a line written in several `write` calls is never interleaved.
    private let writing = Mutex(())
    private let durability: GroupSync

    /// Opens (creating if needed) the log at `path`, mode 0600.
    public convenience init(path: String) throws {
        try self.init(path: path, sync: { try $0.sync() })
    }

    /// Opens the log with the way lines are made durable (tests observe or delay it).
    init(path: String, sync: @escaping @Sendable (PosixFile) throws -> Void) throws {
        try FileSystem.createDirectory(FileSystem.parentDirectory(of: path), permissions: 0o700)
        self.path = path
        let file = try PosixFile(path: path, mode: .append, permissions: 0o600)
        self.file = file
        durability = GroupSync(sync: { try sync(file) })
    }

    /// fsyncs performed so far (tests: concurrent appends share them).
    public var syncCount: Int { durability.syncCount }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    /// Formats a time as the log writes it (ISO 8601, UTC, milliseconds).
    public static func timestamp(_ date: Date) -> String { ISO8601.format(date) }

    /// Appends one event.
    /// - Parameter waitUntilDurable: return only once the line is fsynced (KMS API requests);
    ///   false syncs it in the background on a blocking-I/O thread (key uses inside S3 requests).
    /// - Throws: `IOError` when the write or the fsync fails (after a failed fsync every later
    ///   append fails too: the file is not trusted again).
    public func append(_ event: AuditEvent, waitUntilDurable: Bool = true) throws {
        var line = try Self.encoder.encode(event)
        line.append(0x0A)
        try writing.withLock { _ in try line.withUnsafeBytes { try file.write($0) } }
        let ticket = durability.wrote()
        if waitUntilDurable {
            try durability.waitDurable(ticket)
        } else {
            let durability = self.durability
            BlockingIO.submit { try? durability.waitDurable(ticket) }
        }
    }

    /// Every event in the log, oldest first (for `tarn kms audit` and tests).
    public func events() throws -> [AuditEvent] {
        let bytes = try FileSystem.readFile(path)
        return try bytes.split(separator: 0x0A).map { line in
            do {
                return try JSONDecoder().decode(AuditEvent.self, from: Data(line))
            } catch {
                throw TarnError(.corrupt, "audit log \(path): unreadable line: \(String(decoding: line.prefix(200), as: UTF8.self))")
            }
        }
    }
}

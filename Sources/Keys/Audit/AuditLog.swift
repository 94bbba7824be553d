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
/// Appending without fsync keeps a key use at microseconds; the kernel writes the lines out, and
/// a crash loses at most the last moments of audit, never a half-written earlier line (each
/// line goes out in one `write`). Nothing in Tarn rewrites or truncates the file.
public final class AuditLog: Sendable {
    /// The log file.
    public let path: String
    private let file: Mutex<PosixFile>

    /// Opens (creating if needed) the log at `path`, mode 0600.
    public init(path: String) throws {
        try FileSystem.createDirectory(FileSystem.parentDirectory(of: path), permissions: 0o700)
        self.path = path
        file = Mutex(try PosixFile(path: path, mode: .append, permissions: 0o600))
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    /// Formats a time as the log writes it (ISO 8601, UTC, milliseconds).
    public static func timestamp(_ date: Date) -> String { ISO8601.format(date) }

    /// Appends one event.
    /// - Throws: `IOError` when the write fails; callers fail the key use then, since an
    ///   unaudited key use is not allowed.
    public func append(_ event: AuditEvent) throws {
        var line = try Self.encoder.encode(event)
        line.append(0x0A)
        try file.withLock { file in try line.withUnsafeBytes { try file.write($0) } }
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

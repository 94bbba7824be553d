import Foundation
import TarnCore

/// Conditional GET/HEAD/copy-source headers, evaluated as RFC 9110 §13.2.2 orders them and as S3
/// documents: If-Match (else If-Unmodified-Since) can fail with 412; If-None-Match (else
/// If-Modified-Since) can answer 304.
public struct ReadConditions: Sendable, Equatable {
    /// `If-Match` ETags (or `*`).
    public var ifMatch: String?
    /// `If-None-Match` ETags (or `*`).
    public var ifNoneMatch: String?
    /// `If-Modified-Since`.
    public var ifModifiedSince: Date?
    /// `If-Unmodified-Since`.
    public var ifUnmodifiedSince: Date?

    /// Creates conditions.
    public init(ifMatch: String? = nil, ifNoneMatch: String? = nil, ifModifiedSince: Date? = nil, ifUnmodifiedSince: Date? = nil) {
        self.ifMatch = ifMatch
        self.ifNoneMatch = ifNoneMatch
        self.ifModifiedSince = ifModifiedSince
        self.ifUnmodifiedSince = ifUnmodifiedSince
    }

    /// Whether no condition is set.
    public var isEmpty: Bool { ifMatch == nil && ifNoneMatch == nil && ifModifiedSince == nil && ifUnmodifiedSince == nil }

    /// Throws `PreconditionFailed` (412) or `NotModified` (304) when the object fails a condition.
    /// - Parameter notModifiedAsFailure: copy sources answer 412 where GET would answer 304.
    public func check(_ object: ObjectInfo, notModifiedAsFailure: Bool = false) throws {
        // HTTP dates have one-second resolution; compare whole seconds.
        let modified = object.lastModified.timeIntervalSince1970.rounded(.down)
        let failed = TarnError(.preconditionFailed, "At least one of the pre-conditions you specified did not hold")
        if let ifMatch {
            if !Self.matches(ifMatch, object.etag) { throw failed }
        } else if let since = ifUnmodifiedSince, modified > since.timeIntervalSince1970 {
            throw failed
        }
        let notModified = notModifiedAsFailure ? failed : TarnError(.notModified, "Not Modified")
        if let ifNoneMatch {
            if Self.matches(ifNoneMatch, object.etag) { throw notModified }
        } else if let since = ifModifiedSince, modified <= since.timeIntervalSince1970 {
            throw notModified
        }
    }

    /// Whether a comma-separated ETag list (or `*`) names `etag`.
    static func matches(_ list: String, _ etag: String) -> Bool {
        list.split(separator: ",").contains { candidate in
            let trimmed = candidate.trimmingCharacters(in: " ")
            return trimmed == "*" || ETag.unquoted(trimmed) == etag
        }
    }
}

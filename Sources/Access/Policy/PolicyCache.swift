import Synchronization
import TarnCore

/// Parsed policies by text, so a bucket or key policy is parsed once, not per request.
///
/// Bounded: when full it is emptied (policies change rarely; the next requests re-parse).
public final class PolicyCache: Sendable {
    private struct Entry: Hashable {
        var text: String
        var resource: Bool
    }

    private let entries = Mutex<[Entry: PolicyDocument]>([:])
    private let capacity: Int

    /// Creates a cache holding up to `capacity` documents.
    public init(capacity: Int = 4096) { self.capacity = capacity }

    /// The parsed document for `text`.
    /// - Throws: `MalformedPolicy` when it does not parse (not cached).
    public func document(_ text: String, kind: PolicyDocument.Kind) throws -> PolicyDocument {
        let entry = Entry(text: text, resource: kind == .resource)
        if let document = entries.withLock({ $0[entry] }) { return document }
        let document = try PolicyDocument(json: text, kind: kind)
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[entry] = document
        }
        return document
    }
}

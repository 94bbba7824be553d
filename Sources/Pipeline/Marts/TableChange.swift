import TarnCore

/// What changed in a table (or mart) since the marts that read it were refreshed.
public enum TableChange: Sendable, Equatable {
    /// Only these partitions, as Hive paths (`year=2024/month=3/day=1`), as a job run's manifest
    /// lists them.
    case partitions(Set<String>)
    /// Anything may have changed: an unpartitioned table, a run whose manifest could not be read,
    /// a mart rebuilt in full.
    case whole

    /// Both changes together: partitions add up, and anything plus `whole` is `whole`.
    public func merged(with other: TableChange) -> TableChange {
        switch (self, other) {
        case (.partitions(let a), .partitions(let b)): .partitions(a.union(b))
        default: .whole
        }
    }

    /// The `key=value` pairs of a Hive partition path, values unescaped (`%XX`, by
    /// `HivePartitionPath.unescape`, as the query engine reads the same paths) and
    /// `HivePartitionPath.nullMarker` (NULL) kept as written; nil when a segment is not `key=value`.
    static func pairs(_ path: String) -> [String: String]? {
        var pairs: [String: String] = [:]
        for segment in path.split(separator: "/", omittingEmptySubsequences: true) {
            guard let equals = segment.firstIndex(of: "="), equals != segment.startIndex else { return nil }
            let key = String(segment[..<equals]).lowercased()
            pairs[key] = HivePartitionPath.unescape(segment[segment.index(after: equals)...])
        }
        return pairs
    }
}

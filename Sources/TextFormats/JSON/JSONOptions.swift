/// How JSON Lines text maps to typed rows.
public struct JSONOptions: Sendable, Hashable {
    /// Rows per record batch.
    public var batchSize: Int = 4096
    /// Longest line accepted, in bytes; longer lines are rejected (and skipped).
    public var maxLineBytes: Int = 16 << 20
    /// Deepest nesting of objects and arrays accepted.
    public var maxDepth: Int = 512
    /// Largest single value accepted, in bytes.
    public var maxFieldBytes: Int = 8 << 20
    /// At most this many bytes of a rejected line are kept in its report.
    public var maxRejectTextBytes: Int = 4096
    /// Whether a NULL (or missing key) in a field declared `nullable: false` rejects the row.
    public var enforceNotNull: Bool = true
    /// Whether member names match schema fields ignoring ASCII case (the Hive JSON SerDe's
    /// `case.insensitive`, on by default in Athena).
    public var caseInsensitiveKeys: Bool = false

    /// Defaults: exact key matching, 4096-row batches.
    public init() {}
}

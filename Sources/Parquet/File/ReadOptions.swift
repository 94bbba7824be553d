import Columnar

/// Choices a reader makes where files leave room for interpretation.
public struct ReadOptions: Sendable, Hashable {
    /// Unit INT96 timestamps decode to. Nanoseconds (the default, as pyarrow) overflow outside
    /// 1677…2262; Spark's far-future sentinels need microseconds.
    public var int96Unit: TimeUnit = .nanoseconds
    /// Whether BYTE_ARRAY columns without a string annotation read as `string` rather than
    /// `binary` (Impala and old Hive wrote strings unannotated).
    public var binaryAsString = false
    /// Whether to verify page CRC-32s when a writer stored them (pyarrow does not by default).
    public var verifyChecksums = false
    /// Upper bound on the uncompressed size of one page; a corrupt header claiming more is
    /// rejected before allocating.
    public var maxPageSize = 1 << 30
    /// Upper bound on the values one page may claim: a few bytes of RLE can promise billions of
    /// levels, and real writers cut pages at around 20 k rows.
    public var maxPageValues = 1 << 26

    /// Default options.
    public init() {}

    /// Options with the given values.
    public init(int96Unit: TimeUnit = .nanoseconds, binaryAsString: Bool = false, verifyChecksums: Bool = false) {
        self.int96Unit = int96Unit
        self.binaryAsString = binaryAsString
        self.verifyChecksums = verifyChecksums
    }
}

/// Column chunk or page statistics as stored (`Statistics` in parquet.thrift): PLAIN-encoded
/// bounds (byte arrays without their length prefix) and counts.
///
/// `min`/`max` are the deprecated fields, "determined by signed comparison only";
/// `minValue`/`maxValue` follow the column order. `ColumnStatistics` turns these into typed values.
public struct Statistics: Sendable, Hashable {
    /// Deprecated maximum (signed order).
    public var max: [UInt8]?
    /// Deprecated minimum (signed order).
    public var min: [UInt8]?
    /// Number of nulls, when the writer said (absent is not zero).
    public var nullCount: Int64?
    /// Number of distinct values, when known.
    public var distinctCount: Int64?
    /// Upper bound in the column order.
    public var maxValue: [UInt8]?
    /// Lower bound in the column order.
    public var minValue: [UInt8]?
    /// Whether `maxValue` is an actual value (false when truncated).
    public var isMaxValueExact: Bool?
    /// Whether `minValue` is an actual value.
    public var isMinValueExact: Bool?
    /// Number of NaN values (floating point columns).
    public var nanCount: Int64?

    /// Creates statistics.
    public init(max: [UInt8]? = nil, min: [UInt8]? = nil, nullCount: Int64? = nil, distinctCount: Int64? = nil,
                maxValue: [UInt8]? = nil, minValue: [UInt8]? = nil, isMaxValueExact: Bool? = nil,
                isMinValueExact: Bool? = nil, nanCount: Int64? = nil) {
        self.max = max
        self.min = min
        self.nullCount = nullCount
        self.distinctCount = distinctCount
        self.maxValue = maxValue
        self.minValue = minValue
        self.isMaxValueExact = isMaxValueExact
        self.isMinValueExact = isMinValueExact
        self.nanCount = nanCount
    }
}

import Columnar

/// Statistics of one column chunk as typed values, for pruning row groups: a predicate
/// `x > 10` can skip a row group whose `max` is at most 10.
///
/// Bounds follow the column order: `minValue`/`maxValue` when the writer stored them; the
/// deprecated `min`/`max` only for types whose order is signed (integers, floats, dates,
/// timestamps), since they were "determined by signed comparison" and are wrong for strings and
/// unsigned integers. Floating-point bounds that are NaN are dropped, as parquet.thrift asks.
public struct ColumnStatistics: Sendable, Hashable {
    /// Lower bound of the non-null values (may be below the true minimum when inexact).
    public var min: Value?
    /// Upper bound of the non-null values.
    public var max: Value?
    /// Number of nulls, when the writer said.
    public var nullCount: Int64?
    /// Number of distinct values, when the writer said.
    public var distinctCount: Int64?
    /// Number of NaNs (floating point), when the writer said.
    public var nanCount: Int64?
    /// Whether `min` is an actual value of the column (false when truncated; nil when unknown).
    public var isMinExact: Bool?
    /// Whether `max` is an actual value of the column.
    public var isMaxExact: Bool?

    /// Creates statistics.
    public init(min: Value? = nil, max: Value? = nil, nullCount: Int64? = nil, distinctCount: Int64? = nil,
                nanCount: Int64? = nil, isMinExact: Bool? = nil, isMaxExact: Bool? = nil) {
        self.min = min
        self.max = max
        self.nullCount = nullCount
        self.distinctCount = distinctCount
        self.nanCount = nanCount
        self.isMinExact = isMinExact
        self.isMaxExact = isMaxExact
    }

    /// Interprets stored statistics for `leaf`.
    /// - Parameters:
    ///   - statistics: the thrift statistics.
    ///   - leaf: the column they belong to.
    ///   - order: the file's column order for the leaf (nil when the writer gave none).
    public init(_ statistics: Statistics, leaf: LeafColumn, order: ColumnOrder?) {
        self.init(nullCount: statistics.nullCount, distinctCount: statistics.distinctCount, nanCount: statistics.nanCount,
                  isMinExact: statistics.isMinValueExact, isMaxExact: statistics.isMaxValueExact)
        var minBytes: [UInt8]?, maxBytes: [UInt8]?
        let orderKnown: Bool
        switch order {
        case .typeDefined?, .ieee754TotalOrder?: orderKnown = true
        case .int96Timestamp?, .unknown?: orderKnown = false
        case nil: orderKnown = true  // min_value/max_value imply the type order by definition.
        }
        if orderKnown, statistics.minValue != nil || statistics.maxValue != nil {
            minBytes = statistics.minValue
            maxBytes = statistics.maxValue
        } else if Self.deprecatedFieldsApply(to: leaf) {
            minBytes = statistics.min
            maxBytes = statistics.max
            isMinExact = nil
            isMaxExact = nil
        }
        if leaf.physicalType == .int96 { minBytes = nil; maxBytes = nil }
        min = minBytes.flatMap { Self.decode($0, leaf: leaf) }
        max = maxBytes.flatMap { Self.decode($0, leaf: leaf) }
        if case .double(let low)? = min, case .double(let high)? = max {
            if low.isNaN || high.isNaN {
                min = nil
                max = nil
            } else {
                // "If the min is +0, the row group may contain -0 values as well" (and vice versa).
                if low == 0 { min = .double(-0.0) }
                if high == 0 { max = .double(0.0) }
            }
        }
        if min == nil || max == nil {
            min = nil
            max = nil
        }
    }

    /// Whether the deprecated signed-order `min`/`max` are valid for the leaf's type.
    static func deprecatedFieldsApply(to leaf: LeafColumn) -> Bool {
        switch leaf.dataType {
        case .int8, .int16, .int32, .int64, .float32, .float64, .date, .time, .timestamp, .boolean: true
        case .decimal: leaf.physicalType == .int32 || leaf.physicalType == .int64
        default: false
        }
    }

    /// Decodes one PLAIN-encoded bound ("except that variable-length byte arrays do not include
    /// a length prefix") as a value of the leaf's type; nil when the bytes do not fit.
    static func decode(_ bytes: [UInt8], leaf: LeafColumn) -> Value? {
        func load<T: FixedWidthInteger>(_ type: T.Type) -> T? {
            guard bytes.count == MemoryLayout<T>.size else { return nil }
            return bytes.withUnsafeBytes { T(littleEndian: $0.loadUnaligned(as: T.self)) }
        }
        switch (leaf.physicalType, leaf.dataType) {
        case (.boolean, _): return bytes.count == 1 ? .bool(bytes[0] != 0) : nil
        case (.int32, .date): return load(Int32.self).map { .date($0) }
        case (.int32, .time(let unit)): return load(Int32.self).map { .time(Int64($0), unit) }
        case (.int32, .decimal(_, let scale)): return load(Int32.self).map { .decimal(Int128($0), scale: scale) }
        case (.int32, .uint8), (.int32, .uint16), (.int32, .uint32): return load(UInt32.self).map { .uint(UInt64($0)) }
        case (.int32, _): return load(Int32.self).map { .int(Int64($0)) }
        case (.int64, .timestamp(let unit, _)): return load(Int64.self).map { .timestamp($0, unit) }
        case (.int64, .time(let unit)): return load(Int64.self).map { .time($0, unit) }
        case (.int64, .decimal(_, let scale)): return load(Int64.self).map { .decimal(Int128($0), scale: scale) }
        case (.int64, .uint64): return load(UInt64.self).map { .uint($0) }
        case (.int64, _): return load(Int64.self).map { .int($0) }
        case (.float, _): return load(UInt32.self).map { .double(Double(Float(bitPattern: $0))) }
        case (.double, _): return load(UInt64.self).map { .double(Double(bitPattern: $0)) }
        case (.int96, _): return nil
        case (_, .decimal(_, let scale)):
            guard !bytes.isEmpty, bytes.count <= 16 else { return nil }
            var value = Int128(Int8(bitPattern: bytes[0]))
            for byte in bytes.dropFirst() { value = value << 8 | Int128(byte) }
            return .decimal(value, scale: scale)
        case (.fixedLenByteArray, .float32):
            guard bytes.count == 2 else { return nil }
            return .double(Double(Float16Bits.decode(UInt16(bytes[0]) | UInt16(bytes[1]) << 8)))
        case (_, .string): return .string(String(decoding: bytes, as: UTF8.self))
        default: return .bytes(bytes)
        }
    }
}

extension ParquetMetadata {
    /// Statistics of one column chunk, or nil when the writer stored none.
    public func statistics(rowGroup: Int, leaf: Int) -> ColumnStatistics? {
        guard let stored = fileMetaData.rowGroups[rowGroup].columns[leaf].metaData?.statistics else { return nil }
        let order = fileMetaData.columnOrders.flatMap { leaf < $0.count ? $0[leaf] : nil }
        return ColumnStatistics(stored, leaf: schema.leaves[leaf], order: order)
    }

    /// Statistics of a top-level primitive column by name (nil for nested columns or no stats).
    public func statistics(rowGroup: Int, column name: String) -> ColumnStatistics? {
        guard let field = schema.fieldIndex(name) else { return nil }
        let leaves = schema.leafIndices(ofField: field)
        guard leaves.count == 1, schema.leaves[leaves[0]].maxRepetitionLevel == 0 else { return nil }
        return statistics(rowGroup: rowGroup, leaf: leaves[0])
    }
}

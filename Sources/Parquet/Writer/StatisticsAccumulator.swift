import Columnar

/// Running min/max/null count of a column chunk being written, in the column's logical order:
/// signed for signed integers, unsigned for unsigned ones, numeric for floats (NaN excluded),
/// unsigned bytewise for strings and binary.
struct StatisticsAccumulator {
    enum Bound: Equatable {
        case bool(Bool)
        case int(Int64)
        case uint(UInt64)
        case double(Double)
        case wide(Int128)
        case bytes([UInt8])

        static func < (a: Bound, b: Bound) -> Bool {
            switch (a, b) {
            case (.bool(let x), .bool(let y)): return !x && y
            case (.int(let x), .int(let y)): return x < y
            case (.uint(let x), .uint(let y)): return x < y
            case (.double(let x), .double(let y)): return x < y
            case (.wide(let x), .wide(let y)): return x < y
            case (.bytes(let x), .bytes(let y)): return x.lexicographicallyPrecedes(y)
            default: return false
            }
        }
    }

    var min: Bound?
    var max: Bound?
    var nullCount: Int64 = 0
    var nanCount: Int64 = 0

    mutating func merge(_ low: Bound?, _ high: Bound?) {
        if let low, min == nil || low < min! { min = low }
        if let high, max == nil || max! < high { max = high }
    }

    /// Folds the non-null values of `column` in.
    mutating func add(_ column: Column) {
        let validity = column.validity
        nullCount += Int64(column.nullCount)
        @inline(__always) func scan<T: Comparable>(_ values: [T], _ wrap: (T) -> Bound) {
            var low: T?, high: T?
            values.withUnsafeBufferPointer { buffer in
                for index in 0..<buffer.count where validity?[index] ?? true {
                    let value = buffer[index]
                    if low == nil || value < low! { low = value }
                    if high == nil || high! < value { high = value }
                }
            }
            merge(low.map(wrap), high.map(wrap))
        }
        @inline(__always) func scanFloat<T: BinaryFloatingPoint>(_ values: [T]) {
            var low: T?, high: T?
            for index in 0..<values.count where validity?[index] ?? true {
                let value = values[index]
                if value.isNaN {
                    nanCount += 1
                    continue
                }
                if low == nil || value < low! { low = value }
                if high == nil || high! < value { high = value }
            }
            merge(low.map { .double(Double($0)) }, high.map { .double(Double($0)) })
        }
        switch column.storage {
        case .bool(let v): scan(v.map { $0 ? 1 : 0 } as [Int]) { .bool($0 == 1) }
        case .int8(let v): scan(v) { .int(Int64($0)) }
        case .int16(let v): scan(v) { .int(Int64($0)) }
        case .int32(let v): scan(v) { .int(Int64($0)) }
        case .int64(let v): scan(v) { .int($0) }
        case .uint8(let v): scan(v) { .uint(UInt64($0)) }
        case .uint16(let v): scan(v) { .uint(UInt64($0)) }
        case .uint32(let v): scan(v) { .uint(UInt64($0)) }
        case .uint64(let v): scan(v) { .uint($0) }
        case .float32(let v): scanFloat(v)
        case .float64(let v): scanFloat(v)
        case .int128(let v): scan(v) { .wide($0) }
        case .bytes(let offsets, let data):
            data.withUnsafeBytes { raw in
                var low: Range<Int>?, high: Range<Int>?
                func less(_ a: Range<Int>, _ b: Range<Int>) -> Bool {
                    let common = Swift.min(a.count, b.count)
                    for i in 0..<common where raw[a.lowerBound + i] != raw[b.lowerBound + i] {
                        return raw[a.lowerBound + i] < raw[b.lowerBound + i]
                    }
                    return a.count < b.count
                }
                for index in 0..<(offsets.count - 1) where validity?[index] ?? true {
                    let range = Int(offsets[index])..<Int(offsets[index + 1])
                    if low == nil || less(range, low!) { low = range }
                    if high == nil || less(high!, range) { high = range }
                }
                merge(low.map { .bytes(Array(raw[$0])) }, high.map { .bytes(Array(raw[$0])) })
            }
        case .fixedBytes(let width, let data):
            var low: ArraySlice<UInt8>?, high: ArraySlice<UInt8>?
            for index in 0..<(width == 0 ? 0 : data.count / width) where validity?[index] ?? true {
                let value = data[index * width..<(index + 1) * width]
                if low == nil || value.lexicographicallyPrecedes(low!) { low = value }
                if high == nil || high!.lexicographicallyPrecedes(value) { high = value }
            }
            merge(low.map { .bytes(Array($0)) }, high.map { .bytes(Array($0)) })
        case .list, .structure:
            break
        }
    }

    /// The thrift statistics for a leaf of physical type `physical`, PLAIN-encoding the bounds.
    func statistics(for leaf: WriteLeaf) -> Statistics {
        var result = Statistics(nullCount: nullCount)
        if leaf.physical == .float || leaf.physical == .double { result.nanCount = nanCount }
        guard let min, let max else { return result }
        guard var low = encode(min, leaf), var high = encode(max, leaf) else { return result }
        // Zeros per parquet.thrift: "-0.0 should be written into the min … +0.0 into the max".
        if case .double(let value) = min, value == 0 { low = encode(.double(-0.0), leaf)! }
        if case .double(let value) = max, value == 0 { high = encode(.double(0.0), leaf)! }
        // Very long strings would bloat the footer; leave them out rather than truncate.
        if low.count > 4096 || high.count > 4096 { return result }
        result.minValue = low
        result.maxValue = high
        result.isMinValueExact = true
        result.isMaxValueExact = true
        // The deprecated fields are signed-order bounds; set them where that matches the type so
        // old readers (parquet-mr < 1.10, Hive) can prune too.
        switch (leaf.field.type, leaf.physical) {
        case (.int8, _), (.int16, _), (.int32, _), (.int64, _), (.float32, _), (.float64, _), (.date, _), (.timestamp, _),
             (.time, _), (.decimal, .int32), (.decimal, .int64), (.boolean, _):
            result.min = low
            result.max = high
        default: break
        }
        return result
    }

    private func encode(_ bound: Bound, _ leaf: WriteLeaf) -> [UInt8]? {
        func bytes<T>(_ value: T) -> [UInt8] { withUnsafeBytes(of: value) { Array($0) } }
        switch (bound, leaf.physical) {
        case (.bool(let b), .boolean): return [b ? 1 : 0]
        case (.int(let i), .int32): return bytes(Int32(truncatingIfNeeded: i &* leaf.scale).littleEndian)
        case (.int(let i), .int64): return bytes((i &* leaf.scale).littleEndian)
        case (.uint(let u), .int32): return bytes(UInt32(truncatingIfNeeded: u).littleEndian)
        case (.uint(let u), .int64): return bytes(u.littleEndian)
        case (.double(let d), .float): return bytes(Float(d).bitPattern.littleEndian)
        case (.double(let d), .double): return bytes(d.bitPattern.littleEndian)
        case (.int(let i), .fixedLenByteArray): return DecimalBytes.bigEndian(Int128(i), width: leaf.width)
        case (.wide(let w), .fixedLenByteArray): return DecimalBytes.bigEndian(w, width: leaf.width)
        case (.wide(let w), .int64): return bytes(Int64(truncatingIfNeeded: w).littleEndian)
        case (.wide(let w), .int32): return bytes(Int32(truncatingIfNeeded: w).littleEndian)
        case (.bytes(let b), .byteArray), (.bytes(let b), .fixedLenByteArray): return b
        default: return nil
        }
    }
}

/// Big-endian two's complement of decimals for FIXED_LEN_BYTE_ARRAY storage.
enum DecimalBytes {
    static func bigEndian(_ value: Int128, width: Int) -> [UInt8] {
        (0..<width).map { index in UInt8(truncatingIfNeeded: value >> (8 * (width - 1 - index))) }
    }
}

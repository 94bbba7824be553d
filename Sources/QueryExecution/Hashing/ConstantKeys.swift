import Columnar
import Foundation

/// Whether a batch's group key takes one value in every row, so the aggregator can look up one
/// group for the whole batch instead of encoding, hashing and probing each row.
///
/// Why: hive partition columns (`year`, `month`, `day`) are constant in every batch of a file,
/// and queries group by them (p09 `GROUP BY day`; p01's `year, month` before a string). On p09
/// per-row key encoding and probing of a constant key was about a fifth of the query's CPU.
/// The check stops at the first row that differs, so a varying key costs a row or two.
enum ConstantKeys {
    /// Whether all `count` rows of `column` hold the same value (all NULL counts as the same;
    /// NULL and a value do not). Storages it does not inspect answer false.
    static func isConstant(_ column: Column, count n: Int) -> Bool {
        guard n > 1 else { return true }
        if let validity = column.validity {
            let first = validity[0]
            for i in 1..<n where validity[i] != first { return false }
            if !first { return true }
        }
        switch column.storage {
        case .int64(let v): return sameBits(v, n)
        case .int32(let v): return sameBits(v, n)
        case .int16(let v): return sameBits(v, n)
        case .int8(let v): return sameBits(v, n)
        case .bool(let v): return same(v, n)
        case .float64(let v):
            // Bit patterns: -0.0 and 0.0 are one group but different bits; a false answer only
            // means the per-row path runs.
            return v.withUnsafeBufferPointer { p in
                let first = p[0].bitPattern
                for i in 1..<n where p[i].bitPattern != first { return false }
                return true
            }
        case .bytes(let offsets, let data):
            return offsets.withUnsafeBufferPointer { o in
                data.withUnsafeBytes { d in
                    let start = Int(o[0]), length = Int(o[1]) - start
                    for i in 1..<n {
                        let s = Int(o[i])
                        guard Int(o[i + 1]) - s == length else { return false }
                        if length > 0 && memcmp(d.baseAddress! + s, d.baseAddress! + start, length) != 0 { return false }
                    }
                    return true
                }
            }
        default:
            return false
        }
    }

    /// `same` for integers without a branch per value: differences are OR-ed together over
    /// blocks, which the compiler vectorizes, and the answer is checked once per block (the
    /// per-value early exit kept the loop scalar; on p09 this check was an eighth of the CPU).
    static func sameBits<T: FixedWidthInteger>(_ values: [T], _ n: Int) -> Bool {
        values.withUnsafeBufferPointer { p in
            let first = p[0]
            var start = 1
            while start < n {
                let end = Swift.min(n, start + 4096)
                var differ: T = 0
                for i in start..<end { differ |= p[i] ^ first }
                if differ != 0 { return false }
                start = end
            }
            return true
        }
    }

    private static func same<T: Equatable>(_ values: [T], _ n: Int) -> Bool {
        values.withUnsafeBufferPointer { p in
            let first = p[0]
            for i in 1..<n where p[i] != first { return false }
            return true
        }
    }
}

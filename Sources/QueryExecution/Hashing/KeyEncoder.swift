import Columnar
import Foundation
import TarnCore

/// Group and join keys of a batch, encoded row-wise so one hash and one comparison handle any
/// number and mix of key columns.
///
/// All-fixed-width keys (integers, dates, timestamps, decimals, floats, booleans) become
/// `wordsPerRow` 64-bit words per row, the last word holding the null bits; keys with strings become a byte string per row (`null flag`, then 8/16 value bytes or
/// a 4-byte length and the UTF-8 bytes). Null slots are zeroed so equal nulls encode equally
/// (GROUP BY puts NULLs in one group; joins skip rows with `nullRows` set).
struct EncodedKeys {
    let count: Int
    var hashes: [UInt64]
    /// Rows where some key is NULL (nil: none).
    let nullRows: [Bool]?
    /// Fixed-width encoding (when `wordsPerRow > 0`).
    let words: [UInt64]
    let wordsPerRow: Int
    /// Variable-width encoding (when `wordsPerRow == 0`).
    let bytes: [UInt8]
    let offsets: [Int]
    /// Whether rows flagged in `nullRows` compare equal to each other whatever their bytes (the
    /// single-string encoding uses the column's own buffers, whose null slots hold anything).
    var nullsBySlot = false
}

enum KeyEncoder {
    @inline(__always) static func mix(_ h: UInt64, _ w: UInt64) -> UInt64 {
        var x = (h ^ w) &* 0x9E37_79B9_7F4A_7C15
        x ^= x >> 29
        return x
    }

    @inline(__always) static func finish(_ h: UInt64) -> UInt64 {
        var x = h
        x ^= x >> 33
        x &*= 0xFF51_AFD7_ED55_8CCD
        x ^= x >> 33
        return x
    }

    static func isFixed(_ column: Column) -> Bool {
        switch column.storage {
        case .bytes, .fixedBytes, .list, .structure: false
        default: true
        }
    }

    static func wordCount(_ column: Column) -> Int {
        if case .int128 = column.storage { return 2 }
        return 1
    }

    /// The 64-bit words of a fixed-width column (floats by normalized bit pattern).
    static func fixedWords(_ column: Column) -> [[UInt64]] {
        switch column.storage {
        case .float64(let v):
            return [v.map { $0 == 0 ? 0 : ($0.isNaN ? Double.nan.bitPattern : $0.bitPattern) }]
        case .float32(let v):
            return [v.map { $0 == 0 ? 0 : ($0.isNaN ? Double.nan.bitPattern : Double($0).bitPattern) }]
        case .int128(let v):
            return [v.map { UInt64(truncatingIfNeeded: $0) }, v.map { UInt64(truncatingIfNeeded: $0 >> 64) }]
        case .int64(let v):
            return [v.map { UInt64(bitPattern: $0) }]
        default:
            return [column.int64Values.map { UInt64(bitPattern: $0) }]
        }
    }

    static func encode(_ columns: [Column], count n: Int) -> EncodedKeys {
        var nullRows: [Bool]? = nil
        for column in columns {
            if let validity = column.validity {
                if nullRows == nil { nullRows = [Bool](repeating: false, count: n) }
                for i in 0..<n where !validity[i] { nullRows![i] = true }
            }
        }
        if columns.allSatisfy(isFixed) {
            return encodeFixed(columns, count: n, nullRows: nullRows)
        }
        if columns.count == 1, case .bytes(let offsets, let data) = columns[0].storage {
            return encodeSingleBytes(offsets: offsets, data: data, count: n, nullRows: nullRows)
        }
        return encodeBytes(columns, count: n, nullRows: nullRows)
    }

    private static func encodeFixed(_ columns: [Column], count n: Int, nullRows: [Bool]?) -> EncodedKeys {
        let valueWords = columns.reduce(0) { $0 + wordCount($1) }
        // The null word is always present so every batch of a query has the same layout.
        let hasNulls = nullRows != nil
        let w = valueWords + 1
        var words = [UInt64](repeating: 0, count: n * w)
        var hashes = [UInt64](repeating: 0x243F_6A88_85A3_08D3, count: n)
        var k = 0
        for (c, column) in columns.enumerated() {
            let parts = fixedWords(column)
            let validity = column.validity
            for part in parts {
                part.withUnsafeBufferPointer { p in
                    words.withUnsafeMutableBufferPointer { out in
                        hashes.withUnsafeMutableBufferPointer { h in
                            if let validity {
                                for i in 0..<n {
                                    let v = validity[i] ? p[i] : 0
                                    out[i * w + k] = v
                                    h[i] = mix(h[i], v)
                                }
                            } else {
                                for i in 0..<n {
                                    out[i * w + k] = p[i]
                                    h[i] = mix(h[i], p[i])
                                }
                            }
                        }
                    }
                }
                k += 1
            }
            if hasNulls, let validity {
                let bit = UInt64(1) << UInt64(c % 64)
                for i in 0..<n where !validity[i] { words[i * w + valueWords] |= bit }
            }
        }
        // The null word is hashed in every batch, also one without NULLs (where it is 0): a key
        // must hash the same whichever batch it comes in, or its rows split into two groups.
        for i in 0..<n { hashes[i] = finish(mix(hashes[i], words[i * w + valueWords])) }
        return EncodedKeys(count: n, hashes: hashes, nullRows: nullRows, words: words, wordsPerRow: w, bytes: [], offsets: [])
    }

    /// One string key: the column's bytes are the key, without copying them. NULL rows hash to a
    /// constant and match each other by their null flag (see `nullsBySlot`).
    private static func encodeSingleBytes(offsets: [Int32], data: [UInt8], count n: Int, nullRows: [Bool]?) -> EncodedKeys {
        var wide = [Int](repeating: 0, count: n + 1)
        var hashes = [UInt64](repeating: 0, count: n)
        offsets.withUnsafeBufferPointer { o in
            wide.withUnsafeMutableBufferPointer { w in
                for i in 0...n { w[i] = Int(o[i]) }
            }
            data.withUnsafeBytes { d in
                hashes.withUnsafeMutableBufferPointer { h in
                    for i in 0..<n {
                        if let nullRows, nullRows[i] {
                            h[i] = 0x6E75_6C6C_6B65_7921
                        } else {
                            h[i] = hashBytes(UnsafeRawBufferPointer(rebasing: d[Int(o[i])..<Int(o[i + 1])]))
                        }
                    }
                }
            }
        }
        var keys = EncodedKeys(count: n, hashes: hashes, nullRows: nullRows, words: [], wordsPerRow: 0, bytes: data, offsets: wide)
        keys.nullsBySlot = true
        return keys
    }

    private static func encodeBytes(_ columns: [Column], count n: Int, nullRows: [Bool]?) -> EncodedKeys {
        // Row lengths first, then fill; all loops run on raw buffers.
        var offsets = [Int](repeating: 0, count: n + 1)
        offsets.withUnsafeMutableBufferPointer { lengths in
            for column in columns {
                let validity = column.validity
                switch column.storage {
                case .bytes(let o, _):
                    o.withUnsafeBufferPointer { o in
                        for i in 0..<n {
                            let present = validity?[i] ?? true
                            lengths[i + 1] += present ? 5 + Int(o[i + 1] - o[i]) : 1
                        }
                    }
                case .fixedBytes(let width, _):
                    for i in 0..<n { lengths[i + 1] += (validity?[i] ?? true) ? 1 + width : 1 }
                default:
                    let size = 1 + 8 * wordCount(column)
                    for i in 0..<n { lengths[i + 1] += (validity?[i] ?? true) ? size : 1 }
                }
            }
            for i in 0..<n { lengths[i + 1] += lengths[i] }
        }
        var bytes = [UInt8](repeating: 0, count: offsets[n])
        var cursor = Array(offsets.dropLast())
        bytes.withUnsafeMutableBytes { out in
            cursor.withUnsafeMutableBufferPointer { cursor in
                for column in columns {
                    let validity = column.validity
                    switch column.storage {
                    case .bytes(let o, let data):
                        data.withUnsafeBytes { d in
                            o.withUnsafeBufferPointer { o in
                                for i in 0..<n {
                                    if let validity, !validity[i] { cursor[i] += 1; continue }
                                    let at = cursor[i]
                                    out[at] = 1
                                    let start = Int(o[i]), length = Int(o[i + 1]) - start
                                    out.storeBytes(of: UInt32(truncatingIfNeeded: length).littleEndian, toByteOffset: at + 1, as: UInt32.self)
                                    if length > 0 {
                                        (out.baseAddress! + at + 5).copyMemory(from: d.baseAddress! + start, byteCount: length)
                                    }
                                    cursor[i] = at + 5 + length
                                }
                            }
                        }
                    case .fixedBytes(let width, let data):
                        data.withUnsafeBytes { d in
                            for i in 0..<n {
                                if let validity, !validity[i] { cursor[i] += 1; continue }
                                out[cursor[i]] = 1
                                if width > 0 { (out.baseAddress! + cursor[i] + 1).copyMemory(from: d.baseAddress! + i * width, byteCount: width) }
                                cursor[i] += 1 + width
                            }
                        }
                    default:
                        let parts = fixedWords(column)
                        for i in 0..<n {
                            if let validity, !validity[i] { cursor[i] += 1; continue }
                            out[cursor[i]] = 1
                            for (k, part) in parts.enumerated() {
                                out.storeBytes(of: part[i].littleEndian, toByteOffset: cursor[i] + 1 + 8 * k, as: UInt64.self)
                            }
                            cursor[i] += 1 + 8 * parts.count
                        }
                    }
                }
            }
        }
        var hashes = [UInt64](repeating: 0, count: n)
        bytes.withUnsafeBytes { b in
            offsets.withUnsafeBufferPointer { o in
                hashes.withUnsafeMutableBufferPointer { h in
                    for i in 0..<n { h[i] = hashBytes(UnsafeRawBufferPointer(rebasing: b[o[i]..<o[i + 1]])) }
                }
            }
        }
        return EncodedKeys(count: n, hashes: hashes, nullRows: nullRows, words: [], wordsPerRow: 0, bytes: bytes, offsets: offsets)
    }

    /// A fast 64-bit hash of bytes (8 bytes per step). The last partial word is read as one
    /// (overlapping) 8-byte load when the value has 8 bytes or more, else in 4/2/1-byte pieces:
    /// short strings (categories, regions, codes) are most group and join keys, and a byte-wise
    /// tail loop was a visible part of their hashing.
    @inline(__always) static func hashBytes(_ b: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = 0x243F_6A88_85A3_08D3 ^ UInt64(b.count)
        var i = 0
        let n = b.count
        while i + 8 <= n {
            h = mix(h, b.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            i += 8
        }
        if i < n {
            if n >= 8 {
                // The 8 bytes ending at n: deterministic for equal values, and the length is in h.
                h = mix(h, b.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self))
            } else {
                var tail: UInt64 = 0
                var shift: UInt64 = 0
                if n - i >= 4 {
                    tail = UInt64(b.loadUnaligned(fromByteOffset: i, as: UInt32.self))
                    shift = 32
                    i += 4
                }
                if n - i >= 2 {
                    tail |= UInt64(b.loadUnaligned(fromByteOffset: i, as: UInt16.self)) << shift
                    shift += 16
                    i += 2
                }
                if i < n { tail |= UInt64(b[i]) << shift }
                h = mix(h, tail)
            }
        }
        return finish(h)
    }
}

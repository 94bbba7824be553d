import Columnar

/// A 128-bit fingerprint of a row's dedupe key.
///
/// Two rows are taken as duplicates when their fingerprints agree. With 126 significant bits
/// the chance that two different keys collide among a billion keys is about 10⁻²⁰, far below
/// the rate of undetected disk errors, so no key bytes are kept. The two low bits of `low` are
/// reserved by `KeySet` (occupied and "added by this run" flags).
struct KeyHash: Hashable, Sendable {
    var high: UInt64
    var low: UInt64

    /// The fingerprint with the reserved bits cleared.
    @inline(__always) var canonical: KeyHash { KeyHash(high: high, low: low & ~3) }
}

/// Computes dedupe fingerprints column by column: each key column folds its values into two
/// running 64-bit states per row, seeded differently, so the loops stay tight per physical type
/// and nothing is allocated per row.
///
/// The mixing step is a 64×64→128-bit multiply folded by XOR of its halves, the construction
/// fast non-cryptographic hashes use; two states with independent seeds and constants give the
/// 128 bits.
enum KeyHasher {
    static let seedHigh: UInt64 = 0x243F_6A88_85A3_08D3
    static let seedLow: UInt64 = 0x1319_8A2E_0370_7344
    static let mulHigh: UInt64 = 0x9E37_79B9_7F4A_7C15
    static let mulLow: UInt64 = 0xC2B2_AE3D_27D4_EB4F
    /// Folded in for a NULL so that NULL differs from every value (including 0 and "").
    static let nullMarker: UInt64 = 0xA409_3822_299F_31D0

    @inline(__always)
    static func fold(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let product = a.multipliedFullWidth(by: b)
        return product.high ^ product.low
    }

    /// A 64-bit hash of bytes, 8 at a time.
    @inline(__always)
    static func hashBytes(_ bytes: UnsafeRawBufferPointer, seed: UInt64) -> UInt64 {
        var state = seed ^ (UInt64(bytes.count) &* 0xFF51_AFD7_ED55_8CCD)
        var index = 0
        let count = bytes.count
        while index + 8 <= count {
            let word = bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            state = fold(state ^ word, 0xA076_1D64_78BD_642F)
            index += 8
        }
        if index < count {
            var word: UInt64 = 0
            var shift: UInt64 = 0
            while index < count {
                word |= UInt64(bytes[index]) << shift
                shift += 8
                index += 1
            }
            state = fold(state ^ word, 0xE703_7ED1_A0B4_28DB)
        }
        return fold(state, 0x8EBC_6AF0_9C88_C6E3)
    }

    /// Fingerprints of the key columns of every row.
    /// - Parameters:
    ///   - columns: the key columns, in key order, all of `rowCount` rows.
    ///   - rowCount: rows in the batch.
    /// - Returns: one fingerprint per row.
    static func hashes(_ columns: [Column], rowCount: Int) -> [KeyHash] {
        var high = [UInt64](repeating: seedHigh, count: rowCount)
        var low = [UInt64](repeating: seedLow, count: rowCount)
        for column in columns { mix(column, into: &high, &low) }
        return (0..<rowCount).map { KeyHash(high: fold(high[$0], mulHigh), low: fold(low[$0], mulLow)) }
    }

    /// Folds one column into the running states.
    static func mix(_ column: Column, into high: inout [UInt64], _ low: inout [UInt64]) {
        let validity = column.validity
        @inline(__always) func add(_ row: Int, _ value: UInt64) {
            let valid = validity?[row] ?? true
            let word = valid ? value : nullMarker
            high[row] = fold(high[row] ^ word, mulHigh)
            low[row] = fold(low[row] ^ word ^ (valid ? 0 : 1), mulLow)
        }
        switch column.storage {
        case .bool(let v): for row in v.indices { add(row, v[row] ? 1 : 2) }
        case .int8(let v): for row in v.indices { add(row, UInt64(bitPattern: Int64(v[row]))) }
        case .int16(let v): for row in v.indices { add(row, UInt64(bitPattern: Int64(v[row]))) }
        case .int32(let v): for row in v.indices { add(row, UInt64(bitPattern: Int64(v[row]))) }
        case .int64(let v): for row in v.indices { add(row, UInt64(bitPattern: v[row])) }
        case .uint8(let v): for row in v.indices { add(row, UInt64(v[row])) }
        case .uint16(let v): for row in v.indices { add(row, UInt64(v[row])) }
        case .uint32(let v): for row in v.indices { add(row, UInt64(v[row])) }
        case .uint64(let v): for row in v.indices { add(row, v[row]) }
        case .float32(let v): for row in v.indices { add(row, canonicalBits(Double(v[row]))) }
        case .float64(let v): for row in v.indices { add(row, canonicalBits(v[row])) }
        case .int128(let v):
            for row in v.indices {
                add(row, UInt64(truncatingIfNeeded: v[row]))
                add(row, UInt64(truncatingIfNeeded: v[row] >> 64))
            }
        case .bytes(let offsets, let data):
            data.withUnsafeBytes { raw in
                for row in 0..<(offsets.count - 1) {
                    let value = UnsafeRawBufferPointer(rebasing: raw[Int(offsets[row])..<Int(offsets[row + 1])])
                    let valid = validity?[row] ?? true
                    let first = valid ? hashBytes(value, seed: 0x4528_21E6_38D0_1377) : nullMarker
                    let second = valid ? hashBytes(value, seed: 0xBE54_66CF_34E9_0C6C) : nullMarker ^ 1
                    high[row] = fold(high[row] ^ first, mulHigh)
                    low[row] = fold(low[row] ^ second, mulLow)
                }
            }
        case .fixedBytes(let width, let data):
            data.withUnsafeBytes { raw in
                for row in 0..<(width == 0 ? 0 : data.count / width) {
                    let value = UnsafeRawBufferPointer(rebasing: raw[row * width..<(row + 1) * width])
                    add(row, hashBytes(value, seed: 0x4528_21E6_38D0_1377))
                }
            }
        case .list, .structure:
            // JobPlan only admits scalar columns; a nested key column is a programmer error.
            preconditionFailure("dedupe key column of nested type \(column.type)")
        }
    }

    /// Bits of a double with every zero and every NaN made equal, so equal values hash equally.
    @inline(__always)
    static func canonicalBits(_ value: Double) -> UInt64 {
        if value == 0 { return 0 }
        if value.isNaN { return Double.nan.bitPattern }
        return value.bitPattern
    }
}

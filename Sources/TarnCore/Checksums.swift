import CCRCFold
import CZlib

/// Running CRC-32 (IEEE 802.3, the `x-amz-checksum-crc32` algorithm, what boto3 and the AWS CLI
/// send by default).
///
/// Reflected polynomial 0xEDB88320, initial value and final xor all ones. Folded with PCLMULQDQ
/// where the CPU has it, with slice-by-8 tables for short inputs, the remainder and the tail
/// (zlib costs ~100 ns per call however short: `TarnBench checksums-short`, and a Kinesis
/// record's CRC is one such call); zlib alone where the CPU cannot fold.
public struct CRC32: RunningCRC {
    /// The CRC register.
    public var register: UInt32 = ~0
    /// Starts an empty checksum.
    public init() {}

    static let folding = CRCFolding<UInt32>(reflectedPolynomial: 0xEDB8_8320)

    /// The register after `bytes` (folded unless `folding` is false, zlib's then).
    public static func update(_ state: UInt32, _ bytes: UnsafeRawBufferPointer, folding: Bool) -> UInt32 {
        guard folding, CRCFoldingSupport.available else { return zlibUpdate(state, bytes) }
        return Self.folding.update(state, bytes, folding: true)
    }

    /// zlib's CRC-32 on the bare register (zlib complements on the way in and out).
    private static func zlibUpdate(_ state: UInt32, _ bytes: UnsafeRawBufferPointer) -> UInt32 {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return state }
        var remaining = bytes.count
        var pointer = base.assumingMemoryBound(to: UInt8.self)
        var crc = UInt(~state)
        // zlib takes a 32-bit length, so feed huge buffers in pieces.
        while remaining > 0 {
            let piece = min(remaining, 1 << 30)
            crc = CZlib.crc32(crc, pointer, UInt32(piece))
            pointer += piece
            remaining -= piece
        }
        return ~UInt32(truncatingIfNeeded: crc)
    }
}

/// Running CRC-32C (Castagnoli, the `x-amz-checksum-crc32c` algorithm).
///
/// Reflected polynomial 0x82F63B78, initial value and final xor all ones. Folded with PCLMULQDQ
/// where the CPU has it (the slice-by-8 tables alone ran at 1.9 GB/s); the tables for short
/// inputs, the remainder and the tail.
public struct CRC32C: RunningCRC {
    /// The CRC register.
    public var register: UInt32 = ~0
    /// Starts an empty checksum.
    public init() {}

    static let folding = CRCFolding<UInt32>(reflectedPolynomial: 0x82F6_3B78)

    /// The register after `bytes` (folded unless `folding` is false).
    public static func update(_ state: UInt32, _ bytes: UnsafeRawBufferPointer, folding: Bool) -> UInt32 {
        Self.folding.update(state, bytes, folding: folding)
    }
}

/// Running CRC-64/NVME (the `x-amz-checksum-crc64nvme` algorithm).
///
/// Reflected polynomial 0x9A6C9329AC4BC9B5, initial value and final xor all ones. S3 computes it
/// for every object, and the slice-by-8 tables ran at about 1.8 GB/s, a fifth of a large PUT's
/// server CPU: folded with PCLMULQDQ where the CPU has it, the tables for short inputs, the
/// remainder and the tail.
public struct CRC64NVME: RunningCRC {
    /// The CRC register.
    public var register: UInt64 = ~0
    /// Starts an empty checksum.
    public init() {}

    static let folding = CRCFolding<UInt64>(reflectedPolynomial: 0x9A6C_9329_AC4B_C9B5)

    /// The register after `bytes` (folded unless `folding` is false).
    public static func update(_ state: UInt64, _ bytes: UnsafeRawBufferPointer, folding: Bool) -> UInt64 {
        Self.folding.update(state, bytes, folding: folding)
    }
}

/// A running reflected CRC with all-ones initial value and final xor, as the S3 checksums are.
public protocol RunningCRC: Sendable {
    /// The register's type (its width is the CRC's).
    associatedtype Word: FixedWidthInteger & UnsignedInteger & Sendable
    /// The CRC register: the checksum before its final complement.
    var register: Word { get set }
    /// Starts an empty checksum.
    init()
    /// The register after `bytes`, folded with carry-less multiplication when `folding` (and the
    /// CPU can), byte-wise otherwise.
    static func update(_ register: Word, _ bytes: UnsafeRawBufferPointer, folding: Bool) -> Word
}

// Inlinable so that callers in other modules (a Kinesis record's CRC, a multipart part's)
// get code specialized for the concrete CRC rather than generic arithmetic.
extension RunningCRC {
    /// The checksum of everything fed so far.
    @inlinable public var value: Word { ~register }

    /// Feeds bytes into the checksum.
    /// - Parameter bytes: the next bytes of the stream.
    @inlinable public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        register = Self.update(register, bytes, folding: CRCFoldingSupport.available)
    }

    /// Feeds bytes into the checksum.
    @inlinable public mutating func update(_ bytes: [UInt8]) { bytes.withUnsafeBytes { update($0) } }

    /// The big-endian bytes of the value, as S3 base64-encodes it.
    @inlinable public var bigEndianBytes: [UInt8] { withUnsafeBytes(of: value.bigEndian) { Array($0) } }
}

/// What this CPU can fold with (`CCRCFold`), asked once.
@usableFromInline enum CRCFoldingSupport {
    /// Whether this CPU can fold (PCLMULQDQ).
    @usableFromInline static let available = tarn_crc_fold_available() != 0
    /// Whether it can fold 256 bytes per step with 512-bit registers (AVX-512F, VPCLMULQDQ):
    /// twice the speed of the 128-bit fold on long buffers (docs/BENCHMARKS.md).
    static let wideAvailable = tarn_crc_fold_wide_available() != 0
}

/// One reflected CRC's byte-wise tables and its carry-less-multiply folding (`CCRCFold`): the
/// bulk of a buffer becomes one 16-byte block, and the tables finish that block and the tail.
struct CRCFolding<Word: FixedWidthInteger & UnsignedInteger & Sendable>: Sendable {
    /// The slice-by-8 tables: short inputs, the folded block, the tail.
    let table: SliceBy8Table<Word>
    /// (lo, hi) words moving a 16-byte block by 128, 256, 384, 512, 1024, 1536 and 2048 bits.
    let constants: [UInt64]

    /// The tables and fold constants of a reflected polynomial (its x^width term implied).
    init(reflectedPolynomial: Word) {
        table = SliceBy8Table(reflectedPolynomial: reflectedPolynomial)
        constants = [128, 256, 384, 512, 1024, 1536, 2048].flatMap { bits in
            [Self.reflectedResidue(power: bits + 63, reflectedPolynomial), Self.reflectedResidue(power: bits - 1, reflectedPolynomial)]
        }
    }

    /// rev64(x^power mod P): moving a block by D bits needs x^(D+63) and x^(D-1) mod P, each
    /// bit-reversed into 64 bits (a carry-less product of reflected values carries one extra
    /// factor x; the derivation is in crc_fold.c). Derived here rather than written down, so a
    /// polynomial is all a CRC names; 14 residues of at most 2,111 shifts, once per process.
    static func reflectedResidue(power: Int, _ reflectedPolynomial: Word) -> UInt64 {
        let width = Word.bitWidth
        // P without its x^width term, most significant bit = highest power.
        let polynomial = UInt64(reflectedPolynomial).reversedBits >> (64 - width)
        let top = UInt64(1) << (width - 1)
        let mask = width == 64 ? UInt64.max : (UInt64(1) << width) - 1
        var residue: UInt64 = 1  // x^0
        for _ in 0..<power {
            let carry = residue & top != 0
            residue = (residue << 1) & mask
            if carry { residue ^= polynomial }
        }
        return residue.reversedBits
    }

    /// The register after `bytes`: folded when `folding` (and the CPU can) and the buffer is
    /// long enough, else by the tables alone. `wide` picks the 512-bit fold where there is one.
    func update(_ state: Word, _ bytes: UnsafeRawBufferPointer, folding: Bool, wide: Bool = CRCFoldingSupport.wideAvailable) -> Word {
        // `available` again: a caller's `folding: true` must not run PCLMULQDQ on a CPU without it.
        guard folding, CRCFoldingSupport.available, bytes.count >= 64, let base = bytes.baseAddress else { return table.update(state, bytes) }
        var remainder: (UInt64, UInt64) = (0, 0)
        let consumed = constants.withUnsafeBufferPointer { constants in
            withUnsafeMutableBytes(of: &remainder) { block in
                tarn_crc_fold(
                    constants.baseAddress!, UInt64(state), base.assumingMemoryBound(to: UInt8.self), bytes.count,
                    wide && CRCFoldingSupport.wideAvailable ? 1 : 0, block.baseAddress!.assumingMemoryBound(to: UInt8.self))
            }
        }
        let folded = withUnsafeBytes(of: &remainder) { table.update(0, $0) }
        return table.update(folded, UnsafeRawBufferPointer(rebasing: bytes[consumed...]))
    }
}

extension UInt64 {
    /// The bits in reverse order (bit 0 becomes bit 63).
    var reversedBits: UInt64 {
        var value = self, result: UInt64 = 0
        for _ in 0..<64 {
            result = (result << 1) | (value & 1)
            value >>= 1
        }
        return result
    }
}

/// Slice-by-8 tables for a reflected CRC of width 32 or 64 bits.
struct SliceBy8Table<Word: FixedWidthInteger & UnsignedInteger & Sendable>: Sendable {
    /// 8 tables of 256 entries, flattened: `table[k * 256 + byte]`.
    let table: [Word]

    init(reflectedPolynomial: Word) {
        var table = [Word](repeating: 0, count: 8 * 256)
        for byte in 0..<256 {
            var crc = Word(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ reflectedPolynomial : crc >> 1 }
            table[byte] = crc
        }
        for byte in 0..<256 {
            for slice in 1..<8 {
                let previous = table[(slice - 1) * 256 + byte]
                table[slice * 256 + byte] = (previous >> 8) ^ table[Int(truncatingIfNeeded: previous & 0xFF)]
            }
        }
        self.table = table
    }

    func update(_ start: Word, _ bytes: UnsafeRawBufferPointer) -> Word {
        var crc = start
        let count = bytes.count
        guard count > 0 else { return crc }
        return table.withUnsafeBufferPointer { t in
            var index = 0
            // Eight bytes per step: fold the 64-bit word into the running value, then look up
            // each of its bytes in its own table (the standard slice-by-8 construction).
            while index + 8 <= count {
                let word = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self))
                // Both widths fit in the 64-bit word, so the old value is shifted out entirely.
                let mixed = word ^ UInt64(truncatingIfNeeded: crc)
                var next: Word = t[7 * 256 + Int(mixed & 0xFF)]
                next ^= t[6 * 256 + Int((mixed >> 8) & 0xFF)]
                next ^= t[5 * 256 + Int((mixed >> 16) & 0xFF)]
                next ^= t[4 * 256 + Int((mixed >> 24) & 0xFF)]
                next ^= t[3 * 256 + Int((mixed >> 32) & 0xFF)]
                next ^= t[2 * 256 + Int((mixed >> 40) & 0xFF)]
                next ^= t[1 * 256 + Int((mixed >> 48) & 0xFF)]
                next ^= t[Int(mixed >> 56)]
                crc = next
                index += 8
            }
            while index < count {
                crc = (crc >> 8) ^ t[Int(truncatingIfNeeded: (crc ^ Word(bytes[index])) & 0xFF)]
                index += 1
            }
            return crc
        }
    }
}

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

    static let folding = CRCFolding(constants: [
        0x6567_3B46_0000_0000, 0x9BA5_4C6F_0000_0000, 0x9570_D495_0000_0000, 0x01B5_FD1D_0000_0000,
        0x69CC_FC0D_0000_0000, 0x2A28_3862_0000_0000, 0x653D_9822_0000_0000, 0xCAD3_8E8F_0000_0000,
        0x7D65_7A10_0000_0000, 0x7406_FA95_0000_0000, 0x67F7_9476_0000_0000, 0xC56D_9496_0000_0000,
        0x7CC8_E1E7_0000_0000, 0x03F9_F863_0000_0000,
    ])

    /// The register after `bytes` (folded unless `folding` is false, zlib's then).
    public static func update(_ state: UInt32, _ bytes: UnsafeRawBufferPointer, folding: Bool) -> UInt32 {
        guard folding, CRCFolding.available else { return zlibUpdate(state, bytes) }
        return Self.folding.update(state, bytes, folding: true) { CRCTables.crc32.update($0, $1) }
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

    static let folding = CRCFolding(constants: [
        0x3743_F7BD_0000_0000, 0x3171_D430_0000_0000, 0x33CC_BBBC_0000_0000, 0xA215_8B34_0000_0000,
        0xA46E_F4AA_0000_0000, 0x6051_243F_0000_0000, 0x1C19_243B_0000_0000, 0x75BB_A45B_0000_0000,
        0x6577_B245_0000_0000, 0x7417_153F_0000_0000, 0x7CCB_BBF2_0000_0000, 0x31C9_4608_0000_0000,
        0xE9A5_D8BE_0000_0000, 0x1426_A815_0000_0000,
    ])

    /// The register after `bytes` (folded unless `folding` is false).
    public static func update(_ state: UInt32, _ bytes: UnsafeRawBufferPointer, folding: Bool) -> UInt32 {
        Self.folding.update(state, bytes, folding: folding) { CRCTables.crc32c.update($0, $1) }
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

    static let folding = CRCFolding(constants: [
        0xEADC_41FD_2BA3_D420, 0x21E9_761E_2526_21AC, 0xB0BC_2E58_9204_F500, 0xE1E0_BB9D_45D7_A44C,
        0xBDD7_AC0E_E1A4_A0F0, 0xA3FF_DC1F_E8E8_2A8B, 0x0C32_CDB3_1E18_A84A, 0x6224_2240_ACE5_045A,
        0xA1CA_681E_733F_9C40, 0x5F85_2FB6_1E8D_92DC, 0x758E_E09D_A263_E275, 0x6D2D_13DE_8038_B4CA,
        0x37CC_D3E1_4069_CABC, 0xA043_808C_0F78_2663,
    ])

    /// The register after `bytes` (folded unless `folding` is false).
    public static func update(_ state: UInt64, _ bytes: UnsafeRawBufferPointer, folding: Bool) -> UInt64 {
        Self.folding.update(state, bytes, folding: folding) { CRCTables.crc64nvme.update($0, $1) }
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
        register = Self.update(register, bytes, folding: CRCFolding.available)
    }

    /// Feeds bytes into the checksum.
    @inlinable public mutating func update(_ bytes: [UInt8]) { bytes.withUnsafeBytes { update($0) } }

    /// The big-endian bytes of the value, as S3 base64-encodes it.
    @inlinable public var bigEndianBytes: [UInt8] { withUnsafeBytes(of: value.bigEndian) { Array($0) } }
}

/// Carry-less-multiply folding (`CCRCFold`) for one reflected polynomial: the bulk of a buffer
/// becomes one 16-byte block, and a byte-wise update finishes that block and the tail.
@usableFromInline struct CRCFolding: Sendable {
    /// (lo, hi) words moving a 16-byte block by 128, 256, 384, 512, 1024, 1536 and 2048 bits:
    /// rev64(x^(D+63) mod P) and rev64(x^(D-1) mod P) (derivation in crc_fold.c).
    let constants: [UInt64]

    init(constants: [UInt64]) {
        precondition(constants.count == 14, "a CRC fold needs 14 constants")
        self.constants = constants
    }

    /// Whether this CPU can fold (PCLMULQDQ).
    @usableFromInline static let available = tarn_crc_fold_available() != 0
    /// Whether it can fold 256 bytes per step with 512-bit registers (AVX-512F, VPCLMULQDQ):
    /// twice the speed of the 128-bit fold on long buffers (docs/BENCHMARKS.md).
    static let wideAvailable = tarn_crc_fold_wide_available() != 0

    /// The register after `bytes`: folded when `folding` and the buffer is long enough, else
    /// `finish` alone.
    func update<Word: FixedWidthInteger & UnsignedInteger>(
        _ state: Word, _ bytes: UnsafeRawBufferPointer, folding: Bool, wide: Bool = CRCFolding.wideAvailable,
        finish: (Word, UnsafeRawBufferPointer) -> Word
    ) -> Word {
        // `available` again: a caller's `folding: true` must not run PCLMULQDQ on a CPU without it.
        guard folding, Self.available, bytes.count >= 64, let base = bytes.baseAddress else { return finish(state, bytes) }
        var remainder: (UInt64, UInt64) = (0, 0)
        let consumed = constants.withUnsafeBufferPointer { constants in
            withUnsafeMutableBytes(of: &remainder) { block in
                tarn_crc_fold(
                    constants.baseAddress!, UInt64(state), base.assumingMemoryBound(to: UInt8.self), bytes.count,
                    wide && Self.wideAvailable ? 1 : 0, block.baseAddress!.assumingMemoryBound(to: UInt8.self))
            }
        }
        let folded = withUnsafeBytes(of: &remainder) { finish(0, $0) }
        return finish(folded, UnsafeRawBufferPointer(rebasing: bytes[consumed...]))
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

enum CRCTables {
    static let crc32 = SliceBy8Table<UInt32>(reflectedPolynomial: 0xEDB8_8320)
    static let crc32c = SliceBy8Table<UInt32>(reflectedPolynomial: 0x82F6_3B78)
    static let crc64nvme = SliceBy8Table<UInt64>(reflectedPolynomial: 0x9A6C_9329_AC4B_C9B5)
}

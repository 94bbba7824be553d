import Testing
@testable import TarnCore

/// Check values from the CRC catalogue (reveng.sourceforge.io/crc-catalogue): each algorithm's
/// checksum of the ASCII string "123456789".
@Suite struct ChecksumTests {
    let check = Array("123456789".utf8)

    @Test func crc32CheckValue() {
        var crc = CRC32()
        crc.update(check)
        #expect(crc.value == 0xCBF4_3926)
    }

    @Test func crc32cCheckValue() {
        var crc = CRC32C()
        crc.update(check)
        #expect(crc.value == 0xE306_9283)
    }

    @Test func crc64nvmeCheckValue() {
        var crc = CRC64NVME()
        crc.update(check)
        #expect(crc.value == 0xAE8B_1486_0A79_9888)
    }

    /// Feeding in pieces of every size must equal one-shot: exercises the 8-byte main loop, the
    /// byte tail and their joins.
    @Test(arguments: [1, 3, 7, 8, 9, 64, 1000])
    func incrementalEqualsOneShot(piece: Int) {
        let data = (0..<5000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        var whole32c = CRC32C(), whole64 = CRC64NVME(), whole32 = CRC32()
        whole32c.update(data); whole64.update(data); whole32.update(data)
        var part32c = CRC32C(), part64 = CRC64NVME(), part32 = CRC32()
        var offset = 0
        while offset < data.count {
            let chunk = Array(data[offset..<min(data.count, offset + piece)])
            part32c.update(chunk); part64.update(chunk); part32.update(chunk)
            offset += piece
        }
        #expect(part32c.value == whole32c.value)
        #expect(part64.value == whole64.value)
        #expect(part32.value == whole32.value)
    }

    /// The PCLMULQDQ folding (finished by the tables) must equal the byte-wise updates (zlib for
    /// CRC-32, the tables for the others) for every length around its block sizes (64-byte steps, 16-byte blocks, the
    /// tail) and from any running state.
    @Test func foldingEqualsByteWiseUpdates() {
        // Without PCLMULQDQ (not an x86-64 from after 2010) the byte-wise updates are all there is.
        guard CRCFoldingSupport.available else { return }
        var generator = SystemRandomNumberGenerator()
        let data = (0..<5000).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let lengths = Array(0...300) + [511, 512, 513, 767, 768, 769, 1023, 1024, 1025, 2047, 2048, 2049, 4095, 4096, 4999]
        data.withUnsafeBytes { all in
            for length in lengths {
                for start in [0, 1, 7] where start + length <= all.count {
                    let slice = UnsafeRawBufferPointer(rebasing: all[start..<start + length])
                    for state in [~UInt64(0), 0, 0x0123_4567_89AB_CDEF] {
                        #expect(
                            CRC64NVME.update(state, slice, folding: true) == CRC64NVME.update(state, slice, folding: false),
                            "CRC-64/NVME length \(length), start \(start), state \(state)")
                    }
                    // The 128-bit fold too where the 512-bit one is what `folding: true` picks.
                    for state in [~UInt64(0), 0x0123_4567_89AB_CDEF] {
                        let narrow = CRC64NVME.folding.update(state, slice, folding: true, wide: false)
                        #expect(narrow == CRC64NVME.update(state, slice, folding: false), "narrow CRC-64/NVME length \(length)")
                    }
                    for state in [~UInt32(0), 0x89AB_CDEF] {
                        let narrow32 = CRC32.folding.update(state, slice, folding: true, wide: false)
                        #expect(narrow32 == CRC32.update(state, slice, folding: false), "narrow CRC-32 length \(length)")
                        let narrow32c = CRC32C.folding.update(state, slice, folding: true, wide: false)
                        #expect(narrow32c == CRC32C.update(state, slice, folding: false), "narrow CRC-32C length \(length)")
                    }
                    for state in [~UInt32(0), 0, 0x89AB_CDEF] {
                        #expect(
                            CRC32.update(state, slice, folding: true) == CRC32.update(state, slice, folding: false),
                            "CRC-32 length \(length), start \(start), state \(state)")
                        #expect(
                            CRC32C.update(state, slice, folding: true) == CRC32C.update(state, slice, folding: false),
                            "CRC-32C length \(length), start \(start), state \(state)")
                    }
                }
            }
        }
        // Long inputs: the catalogue's check string repeated, folded, against the byte-wise value.
        let long = Array(repeating: Array("123456789".utf8), count: 20).flatMap { $0 }
        long.withUnsafeBytes { bytes in
            var crc64 = CRC64NVME(), crc32 = CRC32(), crc32c = CRC32C()
            crc64.update(bytes); crc32.update(bytes); crc32c.update(bytes)
            #expect(crc64.value == ~CRC64NVME.update(~0, bytes, folding: false))
            #expect(crc32.value == ~CRC32.update(~0, bytes, folding: false))
            #expect(crc32c.value == ~CRC32C.update(~0, bytes, folding: false))
        }
    }

    /// Known values for long inputs, computed independently (Python's zlib.crc32 for CRC-32 and
    /// a bit-wise model for the others), so a fold and a table that agree on a wrong answer fail.
    @Test func longInputsMatchIndependentValues() {
        let bytes = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        var crc32 = CRC32(), crc32c = CRC32C(), crc64 = CRC64NVME()
        crc32.update(bytes); crc32c.update(bytes); crc64.update(bytes)
        #expect(crc32.value == 0x8902_161E)
        #expect(crc32c.value == 0xFF52_EE97)
        #expect(crc64.value == 0x849B_AA14_C18C_6E4E)
    }

    /// The fold constants are derived from each polynomial at run time; these values came from
    /// an independent Python model (polynomial arithmetic over GF(2), checked there against a
    /// bit-wise CRC), so a wrong derivation fails here even where the CPU cannot fold.
    @Test func derivedFoldConstantsMatchAnIndependentModel() {
        #expect(Array(CRC64NVME.folding.constants.prefix(2)) == [0xEADC_41FD_2BA3_D420, 0x21E9_761E_2526_21AC])
        #expect(Array(CRC64NVME.folding.constants.suffix(2)) == [0x37CC_D3E1_4069_CABC, 0xA043_808C_0F78_2663])
        #expect(Array(CRC32.folding.constants.prefix(2)) == [0x6567_3B46_0000_0000, 0x9BA5_4C6F_0000_0000])
        #expect(Array(CRC32.folding.constants.suffix(2)) == [0x7CC8_E1E7_0000_0000, 0x03F9_F863_0000_0000])
        #expect(Array(CRC32C.folding.constants.prefix(2)) == [0x3743_F7BD_0000_0000, 0x3171_D430_0000_0000])
        #expect(Array(CRC32C.folding.constants.suffix(2)) == [0xE9A5_D8BE_0000_0000, 0x1426_A815_0000_0000])
        #expect(CRC32C.folding.constants.count == 14)
    }

    @Test func hexRoundTrip() {
        let bytes: [UInt8] = [0, 1, 0xAB, 0xFF]
        #expect(Hex.encode(bytes) == "0001abff")
        #expect(Hex.decode("0001ABff") == bytes)
        #expect(Hex.decode("abc") == nil)
        #expect(Hex.decode("zz") == nil)
    }
}

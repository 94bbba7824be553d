import Crypto
import Testing

@testable import Storage

/// The MD5 a PUT's ETag is made of must not depend on whether, where or in which pieces the
/// hashing was offloaded.
@Suite struct OffloadedMD5Tests {
    /// Deterministic bytes (a simple LCG), so a failure reproduces.
    static func body(_ count: Int, seed: UInt64 = 7) -> [UInt8] {
        var state = seed
        return (0..<count).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: state >> 56)
        }
    }

    static func reference(_ bytes: [UInt8]) -> [UInt8] { Array(Insecure.MD5.hash(data: bytes)) }

    @Test(arguments: [
        0, 1, OffloadedMD5.inlineLimit, OffloadedMD5.inlineLimit + 1,
        OffloadedMD5.inlineLimit + OffloadedMD5.chunkSize * OffloadedMD5.maxPendingChunks * 2 + 12_345,
    ])
    func matchesOneShotMD5(size: Int) {
        let bytes = Self.body(size)
        // Uneven pieces, like network reads: some straddle the inline limit and chunk borders.
        let pieceSizes = [1, 65_536, 100_003, 7, 1 << 20, 3_000_001]
        let md5 = OffloadedMD5(limited: false)
        var offset = 0
        var index = 0
        bytes.withUnsafeBytes { all in
            while offset < size {
                let count = min(pieceSizes[index % pieceSizes.count], size - offset)
                md5.update(UnsafeRawBufferPointer(rebasing: all[offset..<offset + count]))
                offset += count
                index += 1
            }
        }
        #expect(md5.finalize() == Self.reference(bytes))
    }

    /// Past `maxOffloaded` uploads hashing in the background, further ones stay inline; slots
    /// come back when a digest is done (or dropped, as an aborted upload's is).
    @Test func limitedOffloadingKeepsExtraUploadsInline() {
        let bytes = Self.body(3 << 20, seed: 5)
        var digests: [OffloadedMD5] = []
        for _ in 0..<(OffloadedMD5.maxOffloaded + 3) {
            let md5 = OffloadedMD5()
            bytes.withUnsafeBytes { all in
                for start in stride(from: 0, to: all.count, by: 500_000) {
                    md5.update(UnsafeRawBufferPointer(rebasing: all[start..<min(start + 500_000, all.count)]))
                }
            }
            digests.append(md5)
        }
        for md5 in digests { #expect(md5.finalize() == Self.reference(bytes)) }
    }

    @Test func digesterWithAndWithoutOffloadAgree() {
        let bytes = Self.body(5 << 20, seed: 99)
        var inline = ObjectDigester(algorithm: .crc64nvme)
        var offloaded = ObjectDigester(algorithm: .crc64nvme, offloadingMD5: true)
        bytes.withUnsafeBytes { all in
            for start in stride(from: 0, to: all.count, by: 300_000) {
                let piece = UnsafeRawBufferPointer(rebasing: all[start..<min(start + 300_000, all.count)])
                inline.update(piece)
                offloaded.update(piece)
            }
        }
        let (inlineMD5, inlineCRC) = inline.finalize()
        let (offloadedMD5, offloadedCRC) = offloaded.finalize()
        #expect(offloadedMD5 == inlineMD5)
        #expect(offloadedMD5 == Self.reference(bytes))
        #expect(offloadedCRC == inlineCRC)
        #expect(offloaded.byteCount == Int64(bytes.count))
    }

    /// Many uploads at once share the blocking-I/O threads; each must still get its own digest.
    @Test func concurrentUploadsKeepTheirOwnDigests() async {
        let bodies = (0..<12).map { Self.body((3 << 20) + $0 * 4097, seed: UInt64($0)) }
        let digests = await withTaskGroup(of: (Int, [UInt8]).self) { group in
            for (index, body) in bodies.enumerated() {
                group.addTask {
                    let md5 = OffloadedMD5(limited: false)
                    body.withUnsafeBytes { all in
                        for start in stride(from: 0, to: all.count, by: 65_536) {
                            md5.update(UnsafeRawBufferPointer(rebasing: all[start..<min(start + 65_536, all.count)]))
                        }
                    }
                    return (index, md5.finalize())
                }
            }
            var result: [Int: [UInt8]] = [:]
            for await (index, digest) in group { result[index] = digest }
            return result
        }
        for (index, body) in bodies.enumerated() { #expect(digests[index] == Self.reference(body)) }
    }
}

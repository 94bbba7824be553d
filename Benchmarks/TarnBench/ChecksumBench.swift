import TarnCore

/// Throughput of the S3 checksum algorithms over a 64 MiB buffer (GB/s), the best of five
/// passes each (as `Benchmarks/peers/checksum_peers.py` takes for the peers).
@Sendable func checksumsBenchmark(_ arguments: [String]) async throws {
    let data = [UInt8](repeating: 0xA5, count: 64 << 20)
    func best<CRC: RunningCRC>(_ type: CRC.Type) -> (seconds: Double, value: CRC.Word) {
        var fastest = Double.infinity
        var value: CRC.Word = 0
        for _ in 0..<5 {
            var crc = CRC()
            fastest = min(fastest, measure { crc.update(data) })
            value = crc.value
        }
        return (fastest, value)
    }
    let crc32 = best(CRC32.self), crc32c = best(CRC32C.self), crc64 = best(CRC64NVME.self)
    report("crc32", Double(data.count) / crc32.seconds / 1e9, "GB/s")
    report("crc32c", Double(data.count) / crc32c.seconds / 1e9, "GB/s")
    report("crc64nvme", Double(data.count) / crc64.seconds / 1e9, "GB/s")
    if crc32.value == 0 && crc32c.value == 0 && crc64.value == 0 { print("(impossible)") }
}

/// Nanoseconds per call for short inputs (Kinesis records, small objects), folded against the
/// byte-wise update, to choose where folding starts paying: `TarnBench checksums-short`.
@Sendable func shortChecksumsBenchmark(_ arguments: [String]) async throws {
    let data = (0..<8192).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ 7) }
    let calls = 200_000
    func nanoseconds<Word: FixedWidthInteger>(_ size: Int, _ update: (Word, UnsafeRawBufferPointer) -> Word) -> Double {
        var state: Word = 0
        var fastest = Double.infinity
        data.withUnsafeBytes { all in
            let slice = UnsafeRawBufferPointer(rebasing: all[0..<size])
            for _ in 0..<3 {
                fastest = min(fastest, measure { for _ in 0..<calls { state = update(state, slice) } })
            }
        }
        if state == 1 { print("(unlikely)") }
        return fastest / Double(calls) * 1e9
    }
    for size in [64, 100, 128, 200, 256, 512, 1024, 4096] {
        report("crc32_fold_\(size)", nanoseconds(size) { CRC32.update($0, $1, folding: true) }, "ns")
        report("crc32_zlib_\(size)", nanoseconds(size) { CRC32.update($0, $1, folding: false) }, "ns")
        report("crc32c_fold_\(size)", nanoseconds(size) { CRC32C.update($0, $1, folding: true) }, "ns")
        report("crc32c_table_\(size)", nanoseconds(size) { CRC32C.update($0, $1, folding: false) }, "ns")
        report("crc64_fold_\(size)", nanoseconds(size) { CRC64NVME.update($0, $1, folding: true) }, "ns")
        report("crc64_table_\(size)", nanoseconds(size) { CRC64NVME.update($0, $1, folding: false) }, "ns")
    }
}

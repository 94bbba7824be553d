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

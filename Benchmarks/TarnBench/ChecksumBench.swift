import TarnCore

/// Throughput of the S3 checksum algorithms over a 64 MiB buffer (GB/s).
@Sendable func checksumsBenchmark(_ arguments: [String]) async throws {
    let data = [UInt8](repeating: 0xA5, count: 64 << 20)
    var crc32 = CRC32(), crc32c = CRC32C(), crc64 = CRC64NVME()
    let t32 = measure { crc32.update(data) }
    let t32c = measure { crc32c.update(data) }
    let t64 = measure { crc64.update(data) }
    report("crc32", Double(data.count) / t32 / 1e9, "GB/s")
    report("crc32c", Double(data.count) / t32c / 1e9, "GB/s")
    report("crc64nvme", Double(data.count) / t64 / 1e9, "GB/s")
    if crc32.value == 0 && crc32c.value == 0 && crc64.value == 0 { print("(impossible)") }
}

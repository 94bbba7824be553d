import TarnCore

/// The on-disk form of a run's new dedupe keys for one partition: written and fsynced before
/// the run commits, referenced by the commit, never modified afterwards.
///
/// ```
/// "TARNKEY1"                       8 bytes, magic and version
/// count                            UInt64 little-endian
/// count × (high, low)              UInt64 little-endian each
/// CRC-32C of all bytes above       UInt32 little-endian
/// ```
/// A torn or bit-flipped file fails its CRC and is reported, never half-loaded.
enum KeyFile {
    static let magic: [UInt8] = Array("TARNKEY1".utf8)

    /// Writes `keys` to `path` durably (temp file, fsync, rename, fsync directory).
    static func write(_ keys: [KeyHash], to path: String) throws {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(16 + keys.count * 16 + 4)
        bytes += magic
        append(UInt64(keys.count), to: &bytes)
        for key in keys {
            append(key.high, to: &bytes)
            append(key.low, to: &bytes)
        }
        var crc = CRC32C()
        bytes.withUnsafeBytes { crc.update($0) }
        withUnsafeBytes(of: crc.value.littleEndian) { bytes.append(contentsOf: $0) }
        try FileSystem.createDirectory(FileSystem.parentDirectory(of: path))
        try FileSystem.writeAtomically(bytes, to: path)
    }

    /// Reads the keys of `path` into `set` (as already committed, not added by this run).
    /// - Returns: how many keys the file held.
    /// - Throws: `TarnError(.corrupt)` naming the file when it is truncated or fails its CRC.
    @discardableResult
    static func load(_ path: String, into set: inout KeySet) throws -> Int {
        let bytes = try FileSystem.readFile(path)
        guard bytes.count >= 20, Array(bytes[0..<8]) == magic else {
            throw TarnError(.corrupt, "dedupe key file \(path): \(bytes.count) bytes without the TARNKEY1 header")
        }
        return try bytes.withUnsafeBytes { raw -> Int in
            let count = Int(UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)))
            let expected = 16 + count * 16 + 4
            guard count >= 0, count < Int.max / 32, bytes.count == expected else {
                throw TarnError(.corrupt, "dedupe key file \(path): header says \(count) keys (\(expected) bytes), file has \(bytes.count)")
            }
            var crc = CRC32C()
            crc.update(UnsafeRawBufferPointer(rebasing: raw[0..<(expected - 4)]))
            let stored = UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: expected - 4, as: UInt32.self))
            guard crc.value == stored else {
                throw TarnError(.corrupt, "dedupe key file \(path): CRC-32C \(crc.value) does not match the stored \(stored)")
            }
            for index in 0..<count {
                let offset = 16 + index * 16
                let key = KeyHash(
                    high: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)),
                    low: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset + 8, as: UInt64.self)))
                _ = set.insert(key, markAdded: false)
            }
            return count
        }
    }

    private static func append(_ value: UInt64, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }
}

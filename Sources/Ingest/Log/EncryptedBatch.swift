import Storage
import TarnCore

/// The on-disk framing of one encrypted append batch in a shard's segment file, next to the
/// plaintext `LogFrame`s of records written before encryption started (or after it stopped).
///
/// ```
///  offset size  field
///   0     4     header CRC-32C over bytes 4 ..< 36 (little-endian)
///   4     4     batch length in bytes, header included, with bit 31 set (the "encrypted" flag)
///   8     8     ordinal of the batch's first record
///  16     8     arrival time, epoch milliseconds (one per batch, as for plaintext frames)
///  24     4     record count (≥ 1)
///  28     4     data key generation
///  32     4     CRC-32 over bytes 36 ..< length
///  36     …     nonce (12) ‖ AES-256-GCM ciphertext ‖ tag (16)   (`RecordCipher`)
/// ```
///
/// The plaintext is the batch's `LogFrame`s exactly as they would have been written, so a
/// reader that opened the batch parses them with the plaintext code. Bit 31 of the length can
/// mark the batch because a plaintext frame is at most 30 + 1 KiB + 1 MiB long; the frame
/// decoder rejects such a length. Bytes 8 ..< 32 are the AES-GCM associated data; the segment
/// key (`StreamKeyring.segmentCipher`) binds stream, shard and segment, so a batch cannot be
/// replayed elsewhere. The CRC-32 over the sealed bytes lets recovery find a torn tail without
/// the key (the KMS key may be unavailable when the lake starts).
enum EncryptedBatch {
    /// Bytes before the sealed payload.
    static let headerSize = 36
    /// Bit 31 of the length field.
    static let flag: UInt32 = 0x8000_0000

    /// A batch header, decoded and checked.
    struct Header: Sendable, Equatable {
        var length: Int
        var firstOrdinal: UInt64
        var arrival: Int64
        var count: Int
        var generation: UInt32
        var sealedCRC: UInt32
    }

    /// Whether the entry at `offset` is an encrypted batch (bit 31 of its length is set).
    static func isEncrypted(in raw: UnsafeRawBufferPointer, at offset: Int) -> Bool {
        guard offset >= 0, raw.count - offset >= 8 else { return false }
        return UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self)) & flag != 0
    }

    /// Decodes the header at `offset`, or nil when it is not a valid batch header.
    static func header(in raw: UnsafeRawBufferPointer, at offset: Int) -> Header? {
        guard offset >= 0, raw.count - offset >= headerSize else { return nil }
        let stored = UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
        var crc = CRC32C()
        crc.update(UnsafeRawBufferPointer(rebasing: raw[(offset + 4)..<(offset + headerSize)]))
        guard crc.value == stored else { return nil }
        let field = UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self))
        guard field & flag != 0 else { return nil }
        let length = Int(field & ~flag)
        let count = Int(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset + 24, as: UInt32.self)))
        guard length >= headerSize + RecordCipher.overhead + count * LogFrame.headerSize, count >= 1 else { return nil }
        return Header(
            length: length,
            firstOrdinal: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset + 8, as: UInt64.self)),
            arrival: Int64(littleEndian: raw.loadUnaligned(fromByteOffset: offset + 16, as: Int64.self)),
            count: count,
            generation: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset + 28, as: UInt32.self)),
            sealedCRC: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset + 32, as: UInt32.self)))
    }

    /// Whether the sealed bytes after a header match their checksum (the whole batch in `raw`).
    static func sealedIsIntact(_ header: Header, in raw: UnsafeRawBufferPointer, at offset: Int) -> Bool {
        guard raw.count - offset >= header.length else { return false }
        var crc = CRC32()
        crc.update(UnsafeRawBufferPointer(rebasing: raw[(offset + headerSize)..<(offset + header.length)]))
        return crc.value == header.sealedCRC
    }

    /// Seals a batch's sealed frames (ordinals assigned) into one encrypted entry.
    static func seal(
        frames: [UInt8], firstOrdinal: UInt64, count: Int, arrival: Int64, generation: UInt32, cipher: RecordCipher
    ) throws -> [UInt8] {
        var entry = [UInt8](repeating: 0, count: headerSize)
        entry.reserveCapacity(headerSize + RecordCipher.overhead + frames.count)
        entry.withUnsafeMutableBytes { raw in
            raw.storeBytes(of: firstOrdinal.littleEndian, toByteOffset: 8, as: UInt64.self)
            raw.storeBytes(of: arrival.littleEndian, toByteOffset: 16, as: Int64.self)
            raw.storeBytes(of: UInt32(count).littleEndian, toByteOffset: 24, as: UInt32.self)
            raw.storeBytes(of: generation.littleEndian, toByteOffset: 28, as: UInt32.self)
        }
        let sealed = try cipher.seal(frames, associatedData: Array(entry[8..<32]))
        entry.append(contentsOf: sealed)
        var payload = CRC32()
        sealed.withUnsafeBytes { payload.update($0) }
        let length = UInt32(entry.count) | flag
        entry.withUnsafeMutableBytes { raw in
            raw.storeBytes(of: length.littleEndian, toByteOffset: 4, as: UInt32.self)
            raw.storeBytes(of: payload.value.littleEndian, toByteOffset: 32, as: UInt32.self)
            var crc = CRC32C()
            crc.update(UnsafeRawBufferPointer(rebasing: raw[4..<headerSize]))
            raw.storeBytes(of: crc.value.littleEndian, toByteOffset: 0, as: UInt32.self)
        }
        return entry
    }

    /// Opens a batch: its plaintext frames.
    /// - Throws: `Corrupt` when it does not decrypt (wrong key, moved or tampered).
    static func open(_ header: Header, in raw: UnsafeRawBufferPointer, at offset: Int, cipher: RecordCipher) throws -> [UInt8] {
        guard raw.count - offset >= header.length else {
            throw TarnError(.corrupt, "an encrypted batch of \(header.length) bytes at \(offset) has only \(raw.count - offset) bytes")
        }
        let associated = Array(UnsafeRawBufferPointer(rebasing: raw[(offset + 8)..<(offset + 32)]))
        let sealed = Array(UnsafeRawBufferPointer(rebasing: raw[(offset + headerSize)..<(offset + header.length)]))
        return try cipher.open(sealed, associatedData: associated)
    }
}

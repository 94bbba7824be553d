/// Open-addressing hash tables that assign dictionary indices in first-seen order, without
/// allocating per value: fixed-width keys are compared as bit patterns (so floats dedupe by
/// representation), byte arrays live in one contiguous buffer.

/// Mixes a 64-bit key into a well-spread hash (the splitmix64 finaliser).
@inline(__always)
func mixHash(_ value: UInt64) -> UInt64 {
    var z = value &+ 0x9E37_79B9_7F4A_7C15
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
}

/// Dictionary of fixed-width values (INT32/FLOAT as `UInt32`, INT64/DOUBLE as `UInt64`).
struct FixedWidthDictionary<Key: FixedWidthInteger & UnsignedInteger> {
    private(set) var values: [Key] = []
    private var table = [Int32](repeating: -1, count: 1024)
    private var mask = 1023

    /// The index of `key`, inserting it when new.
    @inline(__always)
    mutating func index(of key: Key) -> UInt32 {
        var slot = Int(truncatingIfNeeded: mixHash(UInt64(truncatingIfNeeded: key))) & mask
        while true {
            let entry = table[slot]
            if entry < 0 {
                let index = Int32(values.count)
                values.append(key)
                table[slot] = index
                if values.count * 2 > table.count { grow() }
                return UInt32(index)
            }
            if values[Int(entry)] == key { return UInt32(entry) }
            slot = (slot + 1) & mask
        }
    }

    private mutating func grow() {
        table = [Int32](repeating: -1, count: table.count * 2)
        mask = table.count - 1
        for (index, key) in values.enumerated() {
            var slot = Int(truncatingIfNeeded: mixHash(UInt64(truncatingIfNeeded: key))) & mask
            while table[slot] >= 0 { slot = (slot + 1) & mask }
            table[slot] = Int32(index)
        }
    }

    /// Size of the PLAIN-encoded dictionary page.
    var encodedSize: Int { values.count * MemoryLayout<Key>.size }
}

/// Dictionary of byte arrays (BYTE_ARRAY, FIXED_LEN_BYTE_ARRAY).
struct ByteArrayDictionary {
    private(set) var offsets: [Int32] = [0]
    private(set) var data: [UInt8] = []
    private var hashes: [UInt64] = []
    private var table = [Int32](repeating: -1, count: 1024)
    private var mask = 1023

    /// Number of entries.
    var count: Int { hashes.count }

    /// Hashes bytes eight at a time.
    @inline(__always)
    static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = UInt64(bytes.count) &* 0x9E37_79B9_7F4A_7C15
        var position = 0
        while position + 8 <= bytes.count {
            h = mixHash(h ^ bytes.loadUnaligned(fromByteOffset: position, as: UInt64.self))
            position += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while position < bytes.count {
            tail |= UInt64(bytes[position]) << shift
            shift += 8
            position += 1
        }
        return mixHash(h ^ tail)
    }

    /// The index of `bytes`, inserting them when new.
    @inline(__always)
    mutating func index(of bytes: UnsafeRawBufferPointer) -> UInt32 {
        let h = Self.hash(bytes)
        var slot = Int(truncatingIfNeeded: h) & mask
        while true {
            let entry = table[slot]
            if entry < 0 {
                let index = Int32(hashes.count)
                hashes.append(h)
                data.append(contentsOf: bytes)
                offsets.append(Int32(truncatingIfNeeded: data.count))
                table[slot] = index
                if hashes.count * 2 > table.count { grow() }
                return UInt32(index)
            }
            let e = Int(entry)
            if hashes[e] == h {
                let start = Int(offsets[e]), end = Int(offsets[e + 1])
                if end - start == bytes.count {
                    let equal = data.withUnsafeBytes { stored in
                        bytes.count == 0 || memcmpEqual(stored.baseAddress! + start, bytes.baseAddress!, bytes.count)
                    }
                    if equal { return UInt32(e) }
                }
            }
            slot = (slot + 1) & mask
        }
    }

    private mutating func grow() {
        table = [Int32](repeating: -1, count: table.count * 2)
        mask = table.count - 1
        for (index, h) in hashes.enumerated() {
            var slot = Int(truncatingIfNeeded: h) & mask
            while table[slot] >= 0 { slot = (slot + 1) & mask }
            table[slot] = Int32(index)
        }
    }

    /// Size of the PLAIN-encoded dictionary page (4-byte lengths plus bytes; for FIXED_LEN_BYTE_ARRAY
    /// the writer drops the lengths, so this slightly overestimates).
    var encodedSize: Int { data.count + 4 * count }
}

@inline(__always)
func memcmpEqual(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, _ count: Int) -> Bool {
    var index = 0
    while index + 8 <= count {
        if a.loadUnaligned(fromByteOffset: index, as: UInt64.self) != b.loadUnaligned(fromByteOffset: index, as: UInt64.self) { return false }
        index += 8
    }
    while index < count {
        if a.load(fromByteOffset: index, as: UInt8.self) != b.load(fromByteOffset: index, as: UInt8.self) { return false }
        index += 1
    }
    return true
}

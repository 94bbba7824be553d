/// Unpacking of little-endian bit-packed integers, the layout of the RLE/bit-packed hybrid's
/// bit-packed runs ("values are packed from the least significant bit of each byte to the most
/// significant bit of each byte").
///
/// The hot loop reads one unaligned 64-bit word per value and shifts; widths up to 32 bits
/// always fit inside one word whatever the starting bit. Near the end of the buffer, where an
/// 8-byte load could run past it, values are assembled byte by byte instead.
enum BitUnpacking {
    /// Unpacks `count` values of `bitWidth` bits starting at bit 0 of `source`.
    /// - Precondition: `source` holds at least `(count * bitWidth + 7) / 8` bytes (the caller checks
    ///   the run length against the page before calling), and `bitWidth <= 32`.
    @inline(__always)
    static func unpack<T: FixedWidthInteger>(
        _ source: UnsafeRawBufferPointer, bitWidth: Int, count: Int, into out: UnsafeMutablePointer<T>
    ) {
        // Programmer error: the hybrid decoder validates widths before calling.
        precondition(bitWidth <= 32 && (count * bitWidth + 7) / 8 <= source.count, "bit unpack out of range")
        if count == 0 { return }
        if bitWidth == 0 {
            out.initialize(repeating: 0, count: count)
            return
        }
        let base = source.baseAddress!
        let mask = (UInt64(1) << UInt64(bitWidth)) &- 1
        // Values whose 8-byte window stays inside the buffer take the fast path.
        let safeBytes = source.count - 8
        var index = 0
        var bit = 0
        if safeBytes >= 0 {
            let fastCount = Swift.min(count, (safeBytes * 8) / bitWidth + 1)
            // Unrolled by 8 so the compiler keeps the shift amounts in registers.
            while index + 8 <= fastCount {
                for lane in 0..<8 {
                    let b = bit + lane * bitWidth
                    let word = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: b >> 3, as: UInt64.self))
                    out[index + lane] = T(truncatingIfNeeded: (word >> UInt64(b & 7)) & mask)
                }
                index += 8
                bit += 8 * bitWidth
            }
            while index < fastCount {
                let word = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: bit >> 3, as: UInt64.self))
                out[index] = T(truncatingIfNeeded: (word >> UInt64(bit & 7)) & mask)
                index += 1
                bit += bitWidth
            }
        }
        while index < count {
            var word: UInt64 = 0
            let first = bit >> 3
            let last = Swift.min(source.count, first + 8)
            for byte in first..<last { word |= UInt64(source[byte]) << UInt64((byte - first) * 8) }
            out[index] = T(truncatingIfNeeded: (word >> UInt64(bit & 7)) & mask)
            index += 1
            bit += bitWidth
        }
    }

    /// Unpacks the deprecated BIT_PACKED level encoding, which packs "from the most significant
    /// bit to the least significant bit" of each byte.
    static func unpackMSBFirst<T: FixedWidthInteger>(
        _ source: UnsafeRawBufferPointer, bitWidth: Int, count: Int, into out: UnsafeMutablePointer<T>
    ) {
        precondition(bitWidth <= 32 && (count * bitWidth + 7) / 8 <= source.count, "bit unpack out of range")
        var bit = 0
        for index in 0..<count {
            var value: UInt64 = 0
            for _ in 0..<bitWidth {
                let byte = source[bit >> 3]
                value = value << 1 | UInt64((byte >> (7 - UInt8(bit & 7))) & 1)
                bit += 1
            }
            out[index] = T(truncatingIfNeeded: value)
        }
    }
}

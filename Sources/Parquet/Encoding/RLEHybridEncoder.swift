/// Encoder of the RLE / bit-packing hybrid (grammar in `RLEHybridDecoder`).
///
/// Runs of at least 8 equal values become RLE runs; everything else is bit-packed in groups of
/// 8, LSB first. A literal stretch that does not end on a group boundary borrows values from the
/// following run, so only the very last group of the data is ever padded.
enum RLEHybridEncoder {
    /// Shortest repetition worth an RLE run (a bit-packed group holds 8 values).
    static let minimumRun = 8

    /// Appends the encoding of `values` (each below `1 << bitWidth`) to `out`, without a length prefix.
    static func encode<T: FixedWidthInteger>(_ values: UnsafeBufferPointer<T>, bitWidth: Int, into out: inout [UInt8]) {
        let count = values.count
        var index = 0
        while index < count {
            // Length of the run of equal values starting here.
            var run = 1
            while index + run < count && values[index + run] == values[index] { run += 1 }
            if run >= minimumRun {
                writeRLERun(value: UInt64(values[index]), count: run, bitWidth: bitWidth, into: &out)
                index += run
                continue
            }
            // Literal stretch: up to the next run of `minimumRun` equal values.
            var end = index + run
            while end < count {
                var next = 1
                while end + next < count && values[end + next] == values[end] && next < minimumRun { next += 1 }
                if next >= minimumRun { break }
                end += next
            }
            // Round up to whole groups, borrowing from the run that follows (or padding at the end).
            var literal = end - index
            literal = (literal + 7) / 8 * 8
            let available = Swift.min(literal, count - index)
            writeBitPacked(UnsafeBufferPointer(rebasing: values[index..<(index + available)]), groups: literal / 8,
                           bitWidth: bitWidth, into: &out)
            index += available
        }
    }

    static func writeVarint(_ value: UInt64, into out: inout [UInt8]) {
        var value = value
        while value >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        out.append(UInt8(value))
    }

    private static func writeRLERun(value: UInt64, count: Int, bitWidth: Int, into out: inout [UInt8]) {
        writeVarint(UInt64(count) << 1, into: &out)
        var remaining = value
        for _ in 0..<((bitWidth + 7) / 8) {
            out.append(UInt8(truncatingIfNeeded: remaining))
            remaining >>= 8
        }
    }

    /// Writes one bit-packed run of `groups` groups; values beyond `values.count` are zero padding.
    private static func writeBitPacked<T: FixedWidthInteger>(_ values: UnsafeBufferPointer<T>, groups: Int, bitWidth: Int, into out: inout [UInt8]) {
        writeVarint(UInt64(groups) << 1 | 1, into: &out)
        pack(values, paddedTo: groups * 8, bitWidth: bitWidth, into: &out)
    }

    /// Packs values LSB first into `bitWidth` bits each.
    static func pack<T: FixedWidthInteger>(_ values: UnsafeBufferPointer<T>, paddedTo total: Int, bitWidth: Int, into out: inout [UInt8]) {
        if bitWidth == 0 { return }
        var accumulator: UInt64 = 0
        var bits = 0
        let mask: UInt64 = bitWidth >= 64 ? ~0 : (1 << UInt64(bitWidth)) - 1
        for index in 0..<total {
            let value = index < values.count ? UInt64(truncatingIfNeeded: values[index]) & mask : 0
            accumulator |= value << UInt64(bits)
            bits += bitWidth
            while bits >= 8 {
                out.append(UInt8(truncatingIfNeeded: accumulator))
                accumulator >>= 8
                bits -= 8
            }
            // Values wider than 56 bits could overflow the accumulator's shift; widths here are ≤ 32.
        }
        if bits > 0 { out.append(UInt8(truncatingIfNeeded: accumulator)) }
    }
}

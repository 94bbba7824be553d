import TarnCore

/// Decoder of the RLE / bit-packing hybrid used for definition and repetition levels,
/// dictionary indices and RLE booleans. From Encodings.md:
///
/// ```
/// rle-bit-packed-hybrid: <length> <encoded-data>
/// encoded-data := <run>*
/// run := <bit-packed-run> | <rle-run>
/// bit-packed-run := <bit-packed-header> <bit-packed-values>
/// bit-packed-header := varint-encode(<bit-pack-scaled-run-len> << 1 | 1)
/// // we always bit-pack a multiple of 8 values at a time, so we only store the number of values / 8
/// bit-pack-scaled-run-len := (bit-packed-run-len) / 8
/// rle-run := <rle-header> <repeated-value>
/// rle-header := varint-encode( (rle-run-len) << 1)
/// repeated-value := value that is repeated, using a fixed-width of round-up-to-next-byte(bit-width)
/// ```
///
/// The `<length>` prefix is present or not depending on the caller (v1 levels have it, v2 levels
/// and dictionary indices do not), so this decoder starts at `<encoded-data>`.
struct RLEHybridDecoder {
    /// Widest value the hybrid may carry here (levels and dictionary indices fit in 32 bits).
    static let maxBitWidth = 32

    private let bytes: UnsafeRawBufferPointer
    private var position = 0
    private let bitWidth: Int
    private let valueBytes: Int
    /// Values left in the current run and its kind.
    private var repeatRemaining = 0
    private var repeatValue: UInt32 = 0
    private var packedRemaining = 0
    private var packedBitOffset = 0
    private var packedStart = 0
    let context: String

    /// Starts decoding `bytes` (the encoded data, no length prefix) of `bitWidth`-bit values.
    /// - Throws: `TarnError(.corrupt)` if `bitWidth` is over 32.
    init(_ bytes: UnsafeRawBufferPointer, bitWidth: Int, context: String) throws {
        guard bitWidth >= 0 && bitWidth <= Self.maxBitWidth else {
            throw TarnError(.corrupt, "\(context): invalid RLE bit width \(bitWidth) (maximum \(Self.maxBitWidth))")
        }
        self.bytes = bytes
        self.bitWidth = bitWidth
        self.valueBytes = (bitWidth + 7) / 8
        self.context = context
    }

    /// Bytes consumed so far (run headers and values).
    var consumed: Int { position }

    private mutating func readVarint() throws -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < bytes.count else { throw TarnError(.corrupt, "\(context): truncated RLE run header") }
            let byte = bytes[position]
            position += 1
            guard shift < 64 else { throw TarnError(.corrupt, "\(context): RLE run header varint too long") }
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
        }
    }

    /// Reads the next run header; returns false at the end of the data.
    private mutating func nextRun() throws -> Bool {
        guard position < bytes.count else { return false }
        let header = try readVarint()
        if header & 1 == 1 {
            let groups = header >> 1
            guard groups <= UInt64(Int32.max / 8), bitWidth == 0 || groups <= UInt64(bytes.count) else {
                throw TarnError(.corrupt, "\(context): bit-packed run of \(groups) groups in \(bytes.count) bytes")
            }
            let declared = Int(groups) * 8
            let available = bitWidth == 0 ? declared : (bytes.count - position) * 8 / bitWidth
            // A final run may be cut short by writers that do not pad the last group; read what
            // is there, and let the caller's count check catch real truncation.
            packedRemaining = Swift.min(declared, available)
            packedStart = position
            packedBitOffset = 0
            let runBytes = (declared * bitWidth + 7) / 8
            position = Swift.min(bytes.count, position + runBytes)
        } else {
            let length = header >> 1
            guard length <= UInt64(Int32.max) else { throw TarnError(.corrupt, "\(context): RLE run of \(length) values") }
            guard bytes.count - position >= valueBytes else { throw TarnError(.corrupt, "\(context): truncated RLE repeated value") }
            var value: UInt32 = 0
            for index in 0..<valueBytes { value |= UInt32(bytes[position + index]) << UInt32(index * 8) }
            position += valueBytes
            if bitWidth < 32 && value >> UInt32(bitWidth) != 0 {
                throw TarnError(.corrupt, "\(context): RLE value \(value) wider than \(bitWidth) bits")
            }
            repeatRemaining = Int(length)
            repeatValue = value
        }
        return true
    }

    /// Decodes exactly `count` values into `out`.
    /// - Throws: `TarnError(.corrupt)` when the data ends before `count` values.
    mutating func decode<T: FixedWidthInteger>(into out: UnsafeMutablePointer<T>, count: Int) throws {
        var produced = 0
        while produced < count {
            if repeatRemaining > 0 {
                let n = Swift.min(repeatRemaining, count - produced)
                (out + produced).update(repeating: T(truncatingIfNeeded: repeatValue), count: n)
                repeatRemaining -= n
                produced += n
            } else if packedRemaining > 0 {
                let n = Swift.min(packedRemaining, count - produced)
                let startByte = packedStart + packedBitOffset / 8
                // Runs always start byte-aligned and we consume whole groups except at the end of
                // a call, so keep the sub-byte offset by unpacking from the group start.
                let skipBits = packedBitOffset % 8
                if skipBits == 0 {
                    let needed = (n * bitWidth + 7) / 8
                    BitUnpacking.unpack(UnsafeRawBufferPointer(rebasing: bytes[startByte..<startByte + needed]),
                                        bitWidth: bitWidth, count: n, into: out + produced)
                } else {
                    try unpackUnaligned(from: startByte, skipBits: skipBits, count: n, into: out + produced)
                }
                packedBitOffset += n * bitWidth
                packedRemaining -= n
                produced += n
            } else if try !nextRun() {
                throw TarnError(.corrupt, "\(context): RLE data ends after \(produced) of \(count) values")
            }
        }
    }

    /// Slow path for resuming a bit-packed run in the middle of a byte.
    private func unpackUnaligned<T: FixedWidthInteger>(from startByte: Int, skipBits: Int, count: Int, into out: UnsafeMutablePointer<T>) throws {
        let mask = (UInt64(1) << UInt64(bitWidth)) &- 1
        var bit = skipBits
        for index in 0..<count {
            var word: UInt64 = 0
            let first = startByte + bit >> 3
            let last = Swift.min(bytes.count, first + 8)
            for byte in first..<last { word |= UInt64(bytes[byte]) << UInt64((byte - first) * 8) }
            out[index] = T(truncatingIfNeeded: (word >> UInt64(bit & 7)) & mask)
            bit += bitWidth
        }
    }

    /// Decodes `count` values into a new array.
    mutating func decode<T: FixedWidthInteger>(count: Int, as: T.Type = T.self) throws -> [T] {
        try [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            if count > 0 {
                buffer.baseAddress!.initialize(repeating: 0, count: count)
                initialized = count
                try decode(into: buffer.baseAddress!, count: count)
            }
        }
    }
}

/// Number of bits needed for values `0...maximum` ("the bit width is the number of bits needed
/// to represent the maximum level").
@inline(__always)
func bitWidth(forMaximum maximum: Int) -> Int {
    maximum <= 0 ? 0 : Int.bitWidth - maximum.leadingZeroBitCount
}

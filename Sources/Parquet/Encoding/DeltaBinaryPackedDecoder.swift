import TarnCore

/// DELTA_BINARY_PACKED decoding (Encodings.md):
///
/// ```
/// <header> <block 1> <block 2> ... <block n>
/// header: <block size in values> <number of miniblocks in a block> <total value count> <first value>
///   (ULEB128, ULEB128, ULEB128, zigzag ULEB128)
/// block: <min delta> <list of bitwidths of miniblocks> <miniblocks>
///   min delta: zigzag ULEB128; bit widths: one byte per miniblock;
///   each miniblock: its values bit-packed, LSB first, at its bit width
/// ```
///
/// "If, in the last block, less than <number of miniblocks in a block> miniblocks are needed to
/// store the values, the bytes storing the bit widths of the unneeded miniblocks are still
/// present, their value should be zero, but readers must accept arbitrary values as well. There
/// are no additional padding bytes for the miniblock bodies though." Arithmetic wraps, so INT32
/// columns decode through Int64 and truncate.
struct DeltaBinaryPackedDecoder {
    private let bytes: UnsafeRawBufferPointer
    /// Offset of the next unread byte.
    private(set) var position = 0
    private(set) var totalCount: Int
    private var blockSize: Int
    private var miniblocksPerBlock: Int
    private var valuesPerMiniblock: Int
    private let context: String

    private var first: Int64
    private var previous: Int64 = 0
    private var produced = 0
    private var scratch: [UInt8] = []
    private var deltas: [UInt64] = []

    /// Reads the header at the start of `bytes`.
    init(_ bytes: UnsafeRawBufferPointer, context: String) throws {
        self.bytes = bytes
        self.context = context
        self.blockSize = 0
        self.miniblocksPerBlock = 0
        self.valuesPerMiniblock = 0
        self.totalCount = 0
        self.first = 0
        let blockSize = try readVarint()
        let miniblocks = try readVarint()
        let total = try readVarint()
        let first = try readZigZag()
        guard blockSize > 0, blockSize % 128 == 0, blockSize <= 1 << 20, miniblocks > 0, blockSize % miniblocks == 0,
              (blockSize / miniblocks) % 32 == 0, total <= UInt64(Int32.max)
        else {
            throw TarnError(.corrupt, "\(context): invalid DELTA_BINARY_PACKED header (block \(blockSize), miniblocks \(miniblocks), values \(total))")
        }
        self.blockSize = Int(blockSize)
        self.miniblocksPerBlock = Int(miniblocks)
        self.valuesPerMiniblock = Int(blockSize / miniblocks)
        self.totalCount = Int(total)
        self.first = first
    }

    private mutating func readVarint() throws -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < bytes.count else { throw TarnError(.corrupt, "\(context): truncated DELTA_BINARY_PACKED data") }
            let byte = bytes[position]
            position += 1
            guard shift < 64 else { throw TarnError(.corrupt, "\(context): DELTA_BINARY_PACKED varint too long") }
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
        }
    }

    private mutating func readZigZag() throws -> Int64 {
        let raw = try readVarint()
        return Int64(bitPattern: raw >> 1) ^ -Int64(bitPattern: raw & 1)
    }

    /// Decodes all `totalCount` values, passing each to `sink` in order.
    mutating func decodeAll(_ sink: (Int64) -> Void) throws {
        guard totalCount > 0 else { return }
        sink(first)
        previous = first
        produced = 1
        var bitWidths = [Int](repeating: 0, count: miniblocksPerBlock)
        deltas = [UInt64](repeating: 0, count: valuesPerMiniblock)
        while produced < totalCount {
            let minDelta = try readZigZag()
            guard bytes.count - position >= miniblocksPerBlock else {
                throw TarnError(.corrupt, "\(context): truncated DELTA_BINARY_PACKED block header")
            }
            for index in 0..<miniblocksPerBlock { bitWidths[index] = Int(bytes[position + index]) }
            position += miniblocksPerBlock
            for miniblock in 0..<miniblocksPerBlock where produced < totalCount {
                let width = bitWidths[miniblock]
                guard width <= 64 else { throw TarnError(.corrupt, "\(context): miniblock bit width \(width) over 64") }
                let wanted = Swift.min(valuesPerMiniblock, totalCount - produced)
                let fullBytes = valuesPerMiniblock * width / 8
                let neededBytes = (wanted * width + 7) / 8
                guard bytes.count - position >= neededBytes else {
                    throw TarnError(.corrupt, "\(context): DELTA_BINARY_PACKED miniblock needs \(neededBytes) bytes, \(bytes.count - position) remain")
                }
                let available = Swift.min(fullBytes, bytes.count - position)
                unpack(width: width, byteCount: available, count: wanted)
                position += available
                for index in 0..<wanted {
                    previous = previous &+ minDelta &+ Int64(bitPattern: deltas[index])
                    sink(previous)
                }
                produced += wanted
            }
        }
    }

    /// Unpacks `count` values of `width` bits from the next `byteCount` bytes into `deltas`,
    /// through a zero-padded copy so 64-bit loads never leave the buffer.
    private mutating func unpack(width: Int, byteCount: Int, count: Int) {
        if width == 0 {
            for index in 0..<count { deltas[index] = 0 }
            return
        }
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[position..<position + byteCount]))
        scratch.append(contentsOf: repeatElement(0, count: 16))
        let mask: UInt64 = width == 64 ? ~0 : (UInt64(1) << UInt64(width)) &- 1
        scratch.withUnsafeBytes { raw in
            deltas.withUnsafeMutableBufferPointer { out in
                var bit = 0
                for index in 0..<count {
                    let byte = bit >> 3, shift = UInt64(bit & 7)
                    var value = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: byte, as: UInt64.self)) >> shift
                    if shift > 0 && Int(shift) + width > 64 {
                        value |= UInt64(raw[byte + 8]) << (64 - shift)
                    }
                    out[index] = value & mask
                    bit += width
                }
            }
        }
    }
}

import TarnCore

/// Reads an object's bytes across its segments. Holds open handles, so the bytes stay readable
/// even if the object is overwritten or deleted meanwhile (POSIX unlink semantics).
public struct ObjectReader: Sendable {
    /// The object's metadata at open time.
    public let info: ObjectInfo
    let segments: [any BlobReader]

    /// Fills `buffer` with bytes starting at `offset`; returns the count (short only at the end).
    public func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) throws -> Int {
        var filled = 0
        var segmentStart: Int64 = 0
        for (index, segment) in info.segments.enumerated() {
            let segmentEnd = segmentStart + segment.size
            let position = offset + Int64(filled)
            if filled == buffer.count { break }
            if position < segmentEnd && position >= segmentStart {
                let within = position - segmentStart
                let wanted = min(Int64(buffer.count - filled), segment.size - within)
                let target = UnsafeMutableRawBufferPointer(rebasing: buffer[filled..<filled + Int(wanted)])
                let got = try segments[index].read(into: target, at: within)
                guard got == Int(wanted) else {
                    throw TarnError(.corrupt, "object \(info.bucket)/\(info.key): blob \(segment.blob) holds fewer bytes than recorded (wanted \(wanted) at \(within), read \(got))")
                }
                filled += got
            }
            segmentStart = segmentEnd
        }
        return filled
    }

    /// The bytes in `range` as an array (for small reads).
    public func read(_ range: Range<Int64>) throws -> [UInt8] {
        let count = Int(range.upperBound - range.lowerBound)
        var out = [UInt8](repeating: 0, count: count)
        let got = try out.withUnsafeMutableBytes { try read(into: $0, at: range.lowerBound) }
        guard got == count else { throw TarnError(.corrupt, "object \(info.bucket)/\(info.key): expected \(count) bytes at \(range.lowerBound), read \(got)") }
        return out
    }
}

import TarnCore

/// BYTE_STREAM_SPLIT decoding (Encodings.md): "K byte-streams are created where K is the size
/// in bytes of the data type. The individual bytes of a value are scattered to the
/// corresponding stream and the streams are concatenated", so byte `k` of value `i` is at
/// `k * count + i`.
enum ByteStreamSplitDecoder {
    /// Reassembles `count` values of `width` bytes into `out` (appending); returns bytes consumed.
    static func decode(_ bytes: UnsafeRawBufferPointer, count: Int, width: Int, into out: inout [UInt8], context: String) throws -> Int {
        let needed = count * width
        guard width > 0, bytes.count >= needed else {
            throw TarnError(.corrupt, "\(context): BYTE_STREAM_SPLIT needs \(needed) bytes for \(count) values, page has \(bytes.count)")
        }
        let start = out.count
        out.append(contentsOf: repeatElement(0, count: needed))
        out.withUnsafeMutableBytes { destination in
            let base = destination.baseAddress! + start
            for stream in 0..<width {
                let source = bytes.baseAddress! + stream * count
                for index in 0..<count { base.storeBytes(of: source.load(fromByteOffset: index, as: UInt8.self), toByteOffset: index * width + stream, as: UInt8.self) }
            }
        }
        return needed
    }
}

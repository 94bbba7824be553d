import TarnCore

extension ShardLog {
    /// Rebuilds the in-memory index from the segment files.
    ///
    /// Every segment but the newest was synced before its successor was created, so its frames
    /// are trusted after a header check. The newest may end in a write that a crash tore (its
    /// batch was never acknowledged): it is scanned with both checksums (for an encrypted batch: its
    /// header's and its sealed bytes', so no key is needed) and cut at the first bad frame. A segment whose records do not continue the previous one's ordinals is corrupt.
    static func recover(directory: String) throws -> State {
        let names = try FileSystem.listDirectory(directory).filter { $0.hasSuffix(".seg") }.sorted()
        var state = State()
        for (position, name) in names.enumerated() {
            guard let first = UInt64(name.dropLast(4)), name.count == 24 else {
                throw TarnError(.corrupt, "\(directory)/\(name): not a segment file name")
            }
            let isNewest = position == names.count - 1
            let path = directory + "/" + name
            let file = try PosixFile(path: path, mode: .readWrite)
            let size = try file.size()
            let bytes = try file.read(count: Int(size), at: 0)
            var segment = Segment(file: file, firstOrdinal: first, offsets: [], size: 0, firstArrival: 0, lastArrival: 0)
            if position > 0 && first != state.nextOrdinal {
                throw TarnError(.corrupt, "\(path): expected the segment after ordinal \(state.nextOrdinal), found one starting at \(first)")
            }
            let valid: Int = bytes.withUnsafeBytes { raw in
                var offset = 0
                while offset < raw.count {
                    let expected = first + UInt64(segment.offsets.count)
                    if EncryptedBatch.isEncrypted(in: raw, at: offset) {
                        // An encrypted batch: checked without the key (its header and sealed
                        // bytes carry checksums), so recovery needs no key service.
                        guard let batch = EncryptedBatch.header(in: raw, at: offset), batch.firstOrdinal == expected,
                            offset + batch.length <= raw.count, !isNewest || EncryptedBatch.sealedIsIntact(batch, in: raw, at: offset)
                        else { break }
                        if segment.offsets.isEmpty { segment.firstArrival = batch.arrival }
                        segment.lastArrival = batch.arrival
                        for _ in 0..<batch.count { segment.offsets.append(UInt32(offset)) }
                        offset += batch.length
                        continue
                    }
                    guard let header = LogFrame.header(in: raw, at: offset),
                        header.ordinal == expected,
                        offset + header.length <= raw.count,
                        !isNewest || LogFrame.payloadIsIntact(header, in: raw, at: offset)
                    else { break }
                    if segment.offsets.isEmpty { segment.firstArrival = header.arrival }
                    segment.lastArrival = header.arrival
                    segment.offsets.append(UInt32(offset))
                    offset += header.length
                }
                return offset
            }
            if valid < bytes.count {
                guard isNewest else {
                    throw TarnError(.corrupt, "\(path): invalid frame at offset \(valid) of \(bytes.count) in a sealed segment")
                }
                // The torn tail of an unacknowledged batch: cut it off durably.
                try file.truncate(to: Int64(valid))
                try file.sync()
            }
            segment.size = Int64(valid)
            state.nextOrdinal = segment.endOrdinal
            state.lastArrival = max(state.lastArrival, segment.lastArrival)
            if segment.offsets.isEmpty && !isNewest { continue }
            state.segments.append(segment)
        }
        if let first = state.segments.first, state.segments.count == 1, first.offsets.isEmpty {
            state.nextOrdinal = first.firstOrdinal
        }
        state.durableEnd = state.nextOrdinal
        return state
    }
}

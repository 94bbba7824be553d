import Storage
import TarnCore

/// Records read from a shard: their frames copied into one buffer, with views into it.
public struct LogReadResult: Sendable {
    /// One record, as ranges into `buffer`.
    public struct Record: Sendable {
        /// Position in the shard.
        public var ordinal: UInt64
        /// Arrival time, epoch milliseconds.
        public var arrival: Int64
        /// The partition key's bytes in `buffer`.
        public var partitionKey: Range<Int>
        /// The data's bytes in `buffer`.
        public var data: Range<Int>
    }

    /// The frames' bytes.
    public var buffer: [UInt8]
    /// The records, in order.
    public var records: [Record]
    /// Where the next read should start.
    public var nextOrdinal: UInt64
    /// The durable end of the shard when this was read.
    public var durableEnd: UInt64
    /// Arrival time of the newest durable record (epoch ms).
    public var tipArrival: Int64

    /// The partition key of a record as a string.
    public func partitionKey(_ record: Record) -> String { String(decoding: buffer[record.partitionKey], as: UTF8.self) }
    /// The data of a record.
    public func data(_ record: Record) -> [UInt8] { Array(buffer[record.data]) }
}

extension ShardLog {
    /// Reads durable records from `ordinal` on, decrypting encrypted batches (their plaintext
    /// frames are appended to the result's buffer, after the bytes read from the file).
    /// - Parameters:
    ///   - ordinal: the first record wanted; positions before the oldest stored record start there.
    ///   - maxRecords: the most records to return.
    ///   - maxBytes: stop before the frames exceed this many bytes (at least one record is returned).
    ///   - cutoff: skip records that arrived before this time (retention), epoch ms.
    ///   - now: the time the data key's reuse period is measured against, epoch ms (nil: the
    ///     system clock).
    /// - Throws: `TarnError(.corrupt)` when a frame fails its checksums or a batch does not
    ///   decrypt; the key service's error when an encrypted batch's key cannot be used.
    public func read(from ordinal: UInt64, maxRecords: Int, maxBytes: Int, notBefore cutoff: Int64 = .min, now: Int64? = nil) throws -> LogReadResult {
        // Plan the byte ranges under the lock, read them after releasing it.
        struct Piece { let file: PosixFile; let segment: UInt64; let start: Int64; let end: Int64; let count: Int }
        let (pieces, start, durableEnd, tip): ([Piece], UInt64, UInt64, Int64) = state.withLock { state in
            let start = max(ordinal, state.segments.first?.firstOrdinal ?? state.nextOrdinal)
            var pieces: [Piece] = []
            var next = start, records = 0, bytes: Int64 = 0
            guard var index = Self.segmentIndex(containing: start, in: state.segments) else { return ([], start, state.durableEnd, state.lastArrival) }
            while index < state.segments.count, next < state.durableEnd, records < maxRecords {
                let segment = state.segments[index]
                let from = Int(next - segment.firstOrdinal)
                var to = from
                let limit = Int(min(segment.endOrdinal, state.durableEnd) - segment.firstOrdinal)
                while to < limit, records < maxRecords {
                    // The records of an encrypted batch share its offset: the batch's bytes count
                    // once, at the first of its records this read takes.
                    let first = to == from || segment.offsets[to] != segment.offsets[to - 1]
                    let frameBytes = first ? segment.entryEnd(containing: to) - Int64(segment.offsets[to]) : 0
                    if records > 0 && bytes + frameBytes > maxBytes { break }
                    bytes += frameBytes
                    records += 1
                    to += 1
                }
                if to > from {
                    pieces.append(
                        Piece(file: segment.file, segment: segment.firstOrdinal, start: Int64(segment.offsets[from]), end: segment.entryEnd(containing: to - 1), count: to - from))
                    next = segment.firstOrdinal + UInt64(to)
                }
                if to < limit || (records > 0 && bytes >= maxBytes) { break }
                index += 1
            }
            return (pieces, start, state.durableEnd, state.lastArrival)
        }
        var buffer = [UInt8](repeating: 0, count: pieces.reduce(0) { $0 + Int($1.end - $1.start) })
        var records: [LogReadResult.Record] = []
        records.reserveCapacity(pieces.reduce(0) { $0 + $1.count })
        var position = 0
        var next = start
        for piece in pieces {
            let length = Int(piece.end - piece.start)
            let got = try buffer.withUnsafeMutableBytes { raw in
                try piece.file.read(into: UnsafeMutableRawBufferPointer(rebasing: raw[position..<(position + length)]), at: piece.start)
            }
            guard got == length else {
                throw TarnError(.corrupt, "\(piece.file.path): expected \(length) bytes at offset \(piece.start), read \(got)")
            }
            var taken = 0
            var offset = position
            var cipher: (generation: UInt32, cipher: RecordCipher)?
            while taken < piece.count {
                let encrypted = buffer.withUnsafeBytes { EncryptedBatch.isEncrypted(in: UnsafeRawBufferPointer(rebasing: $0[..<(position + length)]), at: offset) }
                guard encrypted else {
                    try Self.take(frameAt: offset, of: buffer, expecting: next, notBefore: cutoff, into: &records, path: piece.file.path, fileOffset: piece.start + Int64(offset - position))
                    offset += buffer.withUnsafeBytes { LogFrame.header(in: $0, at: offset)?.length ?? 0 }
                    next += 1
                    taken += 1
                    continue
                }
                let fileOffset = piece.start + Int64(offset - position)
                guard let batch = buffer.withUnsafeBytes({ EncryptedBatch.header(in: UnsafeRawBufferPointer(rebasing: $0[..<(position + length)]), at: offset) }),
                    next >= batch.firstOrdinal, next < batch.firstOrdinal + UInt64(batch.count)
                else {
                    throw TarnError(.corrupt, "\(piece.file.path): encrypted batch holding record \(next) at offset \(fileOffset) fails its checksum")
                }
                guard let keyring else {
                    throw TarnError(.unsupported, "\(piece.file.path): an encrypted batch at offset \(fileOffset), but this log has no keys")
                }
                if cipher?.generation != batch.generation {
                    cipher = (batch.generation, try keyring.segmentCipher(batch.generation, shard: shard, segment: piece.segment, now: now ?? Self.systemMilliseconds))
                }
                let frames = try buffer.withUnsafeBytes { raw in
                    do {
                        return try EncryptedBatch.open(batch, in: raw, at: offset, cipher: cipher!.cipher)
                    } catch let error as TarnError {
                        throw TarnError(error.code, "\(piece.file.path): batch at offset \(fileOffset): \(error.message)")
                    }
                }
                // The plaintext frames go after everything read; the records point there.
                var inner = buffer.count
                buffer.append(contentsOf: frames)
                for ordinal in batch.firstOrdinal..<(batch.firstOrdinal + UInt64(batch.count)) {
                    let frameLength = buffer.withUnsafeBytes { LogFrame.header(in: $0, at: inner)?.length ?? 0 }
                    if ordinal >= next && taken < piece.count {
                        try Self.take(frameAt: inner, of: buffer, expecting: next, notBefore: cutoff, into: &records, path: piece.file.path, fileOffset: fileOffset)
                        next += 1
                        taken += 1
                    }
                    guard frameLength > 0 else { break }
                    inner += frameLength
                }
                offset += batch.length
            }
            position += length
        }
        return LogReadResult(buffer: buffer, records: records, nextOrdinal: next, durableEnd: durableEnd, tipArrival: tip)
    }

    /// Checks the plaintext frame at `offset` of `buffer` and adds its record (unless retention
    /// hides it).
    private static func take(
        frameAt offset: Int, of buffer: [UInt8], expecting ordinal: UInt64, notBefore cutoff: Int64, into records: inout [LogReadResult.Record],
        path: String, fileOffset: Int64
    ) throws {
        try buffer.withUnsafeBytes { raw in
            guard let header = LogFrame.header(in: raw, at: offset), header.ordinal == ordinal, LogFrame.payloadIsIntact(header, in: raw, at: offset) else {
                throw TarnError(.corrupt, "\(path): record \(ordinal) at offset \(fileOffset) fails its checksum")
            }
            if header.arrival >= cutoff {
                let keyStart = offset + LogFrame.headerSize
                records.append(
                    LogReadResult.Record(
                        ordinal: header.ordinal, arrival: header.arrival, partitionKey: keyStart..<(keyStart + header.keyLength),
                        data: (keyStart + header.keyLength)..<(offset + header.length)))
            }
        }
    }

    /// The first durable ordinal whose record arrived at or after `timestamp` (epoch ms), or the
    /// durable end when none did.
    public func ordinal(atOrAfter timestamp: Int64) throws -> UInt64 {
        let (segments, durableEnd) = state.withLock { ($0.segments, $0.durableEnd) }
        guard let index = segments.firstIndex(where: { $0.lastArrival >= timestamp && !$0.offsets.isEmpty }) else { return durableEnd }
        let segment = segments[index]
        if segment.firstArrival >= timestamp { return min(segment.firstOrdinal, durableEnd) }
        // Arrival times never decrease within a shard: binary search, reading only headers.
        var low = 0, high = segment.offsets.count - 1  // answer in low...high; record `high` qualifies
        var header = [UInt8](repeating: 0, count: EncryptedBatch.headerSize)
        while low < high {
            let middle = (low + high) / 2
            let got = try header.withUnsafeMutableBytes { try segment.file.read(into: $0, at: Int64(segment.offsets[middle])) }
            // An encrypted batch's header is longer, and holds the one arrival time of its records.
            let arrival: Int64? = header.withUnsafeBytes { raw in
                let raw = UnsafeRawBufferPointer(rebasing: raw[..<got])
                return EncryptedBatch.isEncrypted(in: raw, at: 0) ? EncryptedBatch.header(in: raw, at: 0)?.arrival : LogFrame.header(in: raw, at: 0)?.arrival
            }
            guard let arrival else {
                throw TarnError(.corrupt, "\(segment.file.path): unreadable frame header at offset \(segment.offsets[middle])")
            }
            if arrival >= timestamp { high = middle } else { low = middle + 1 }
        }
        return min(segment.firstOrdinal + UInt64(low), durableEnd)
    }

    /// Arrival time of the record at `ordinal`, if it is stored and durable.
    public func arrival(of ordinal: UInt64) throws -> Int64? {
        let result = try read(from: ordinal, maxRecords: 1, maxBytes: 1)
        guard let record = result.records.first, record.ordinal == ordinal else { return nil }
        return record.arrival
    }

    static func segmentIndex(containing ordinal: UInt64, in segments: [Segment]) -> Int? {
        guard !segments.isEmpty else { return nil }
        var low = 0, high = segments.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if segments[middle].firstOrdinal <= ordinal { low = middle } else { high = middle - 1 }
        }
        return segments[low].firstOrdinal <= ordinal ? low : nil
    }
}

extension ShardLog.Segment {
    /// The byte offset where the entry (frame or encrypted batch) holding record `index` ends.
    func entryEnd(containing index: Int) -> Int64 {
        var next = index + 1
        while next < offsets.count && offsets[next] == offsets[index] { next += 1 }
        return next < offsets.count ? Int64(offsets[next]) : size
    }
}

extension ShardLog {
    static var systemMilliseconds: Int64 { Int64((SystemClock().now().timeIntervalSince1970 * 1000).rounded(.down)) }
}

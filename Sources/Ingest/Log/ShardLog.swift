import Storage
import Synchronization
import TarnCore

/// One shard's records: an append-only log split into segment files named by the ordinal of
/// their first record (`00000000000000000000.seg`, …), with an in-memory index of where each
/// record starts.
///
/// Appends write a whole batch with one `pwrite` under the shard's lock; durability comes from
/// the lake-wide `DurabilityScheduler`, and only the synced prefix of the log is visible to
/// readers. When a segment is full it is synced before its successor is created, so after a
/// crash only the newest segment can end in a torn write; recovery (`ShardLog+Recovery`) cuts
/// it at the first frame whose checksums fail.
public final class ShardLog: SyncTarget {
    /// The shard's directory.
    public let directory: String
    /// The shard's index.
    public let shard: Int
    let segmentBytes: Int64
    /// The stream's data keys, for encrypted batches; nil for logs of unencrypted streams
    /// (Firehose's internal logs).
    let keyring: StreamKeyring?
    let state: Mutex<State>

    struct Segment {
        let file: PosixFile
        let firstOrdinal: UInt64
        /// Byte offset of each record; UInt32 because segments are capped below 4 GiB.
        var offsets: [UInt32]
        var size: Int64
        var firstArrival: Int64
        var lastArrival: Int64
        /// The segment cipher of the generation appends last used (derived once per segment).
        var cipher: (generation: UInt32, cipher: RecordCipher)? = nil

        var endOrdinal: UInt64 { firstOrdinal + UInt64(offsets.count) }
    }

    struct State {
        var segments: [Segment] = []
        /// The ordinal the next appended record gets.
        var nextOrdinal: UInt64 = 0
        /// Records below this ordinal are on stable storage and readable.
        var durableEnd: UInt64 = 0
        var lastArrival: Int64 = 0
        /// Set when a sync failed: the page cache may have dropped the dirty pages, so the log
        /// accepts no more writes until it is reopened (after a restart, recovery decides).
        var failure: TarnError?
        var closed = false
    }

    /// The default segment size (64 MiB).
    public static let defaultSegmentBytes: Int64 = 64 << 20

    /// Opens (creating if needed) the log in `directory`, recovering its newest segment.
    /// - Parameters:
    ///   - directory: the shard's directory.
    ///   - shard: the shard's index.
    ///   - segmentBytes: roll to a new segment past this size (at most 1 GiB).
    /// - Throws: `TarnError(.io)` / `.corrupt` when the files cannot be read.
    public convenience init(directory: String, shard: Int, segmentBytes: Int64 = ShardLog.defaultSegmentBytes) throws {
        try self.init(directory: directory, shard: shard, segmentBytes: segmentBytes, keyring: nil)
    }

    init(directory: String, shard: Int, segmentBytes: Int64, keyring: StreamKeyring?) throws {
        precondition(segmentBytes > 0 && segmentBytes <= 1 << 30, "segment size must be in 1 B ... 1 GiB")
        self.directory = directory
        self.shard = shard
        self.segmentBytes = segmentBytes
        self.keyring = keyring
        try FileSystem.createDirectory(directory)
        self.state = Mutex(try Self.recover(directory: directory))
    }

    /// The ordinal the next record will get (= number of records ever appended).
    public var nextOrdinal: UInt64 { state.withLock { $0.nextOrdinal } }
    /// Records below this ordinal are durable and readable.
    public var durableEnd: UInt64 { state.withLock { $0.durableEnd } }
    /// The oldest ordinal still stored (retention may have removed earlier segments).
    public var firstStoredOrdinal: UInt64 { state.withLock { $0.segments.first?.firstOrdinal ?? $0.nextOrdinal } }
    /// Arrival time of the newest record (epoch ms), or 0 when empty.
    public var lastArrival: Int64 { state.withLock { $0.lastArrival } }
    /// Bytes stored across segments.
    public var storedBytes: Int64 { state.withLock { $0.segments.reduce(0) { $0 + $1.size } } }

    // MARK: appending

    /// Appends a batch: assigns consecutive ordinals and one arrival time (`now`, or the previous
    /// arrival when the clock went back, so arrival times never decrease within a shard) and
    /// writes it with one `pwritev`. The records become durable and readable after the next
    /// `DurabilityScheduler` round that includes this log.
    ///
    /// With `generation`, the batch is written as one `EncryptedBatch` sealed under that data key
    /// generation (one AES-GCM seal per batch, under the lock because the sealed frames carry the
    /// ordinals assigned here).
    /// - Returns: the first record's ordinal.
    /// - Throws: `ResourceInUseException`-style conflict when the shard is closed, `.io` on write
    ///   failure, the key service's error when the data key cannot be used.
    public func append(_ batch: inout LogBatch, now: Int64, encryptedUnder generation: UInt32? = nil) throws -> UInt64 {
        let frames = batch.frameRanges
        return try batch.buffer.withUnsafeBytes { try append(frames: frames, in: $0, now: now, encryptedUnder: generation) }
    }

    /// Appends records whose unsealed frames (`LogFrame.appendUnsealed`, or a decoder that writes
    /// the same layout) lie at `frames` in `buffer`, which stays untouched: the 30-byte headers are
    /// copied and sealed on the side, and each record goes to the file as two pieces of one
    /// `pwritev` (its sealed header, then its key and data from `buffer`), so a PutRecords body
    /// decoded once is never copied again on its way to the shard.
    /// - Returns: the first record's ordinal.
    /// - Throws: as `append(_:now:encryptedUnder:)`.
    public func append(frames: [Range<Int>], in buffer: UnsafeRawBufferPointer, now: Int64, encryptedUnder generation: UInt32? = nil) throws -> UInt64 {
        precondition(!frames.isEmpty, "append needs at least one record")
        precondition(generation == nil || keyring != nil, "an encrypted append needs a log opened with the stream's keyring")
        let headerSize = LogFrame.headerSize
        var plainBytes = 0
        var headers = [UInt8](repeating: 0, count: frames.count * headerSize)
        headers.withUnsafeMutableBytes { out in
            for (index, frame) in frames.enumerated() {
                precondition(frame.lowerBound >= 0 && frame.count >= headerSize && frame.upperBound <= buffer.count, "frame \(frame) outside its buffer of \(buffer.count) bytes")
                (out.baseAddress! + index * headerSize).copyMemory(from: buffer.baseAddress! + frame.lowerBound, byteCount: headerSize)
                plainBytes += frame.count
            }
        }
        return try state.withLock { state in
            if let failure = state.failure { throw failure }
            if state.closed { throw TarnError(.closedShard, "shard \(ShardID.format(shard)) is closed") }
            let arrival = max(now, state.lastArrival)
            var bytes = Int64(plainBytes) + (generation == nil ? 0 : Int64(EncryptedBatch.headerSize + RecordCipher.overhead))
            if state.segments.isEmpty || (state.segments[state.segments.count - 1].size + bytes > segmentBytes && !state.segments[state.segments.count - 1].offsets.isEmpty) {
                try roll(&state)
            }
            let first = state.nextOrdinal
            headers.withUnsafeMutableBytes { raw in
                for index in frames.indices { LogFrame.seal(raw, at: index * headerSize, ordinal: first + UInt64(index), arrival: arrival) }
            }
            let last = state.segments.count - 1
            let base = state.segments[last].size
            var entry: [UInt8]? = nil
            if let generation, let keyring {
                let cipher: RecordCipher
                if let cached = state.segments[last].cipher, cached.generation == generation {
                    cipher = cached.cipher
                } else {
                    cipher = try keyring.segmentCipher(generation, shard: shard, segment: state.segments[last].firstOrdinal, now: now)
                    state.segments[last].cipher = (generation, cipher)
                }
                // The sealed plaintext is the frames exactly as a plaintext append writes them.
                var plain: [UInt8] = []
                plain.reserveCapacity(plainBytes)
                headers.withUnsafeBytes { sealed in
                    for (index, frame) in frames.enumerated() {
                        plain.append(contentsOf: UnsafeRawBufferPointer(rebasing: sealed[(index * headerSize)..<((index + 1) * headerSize)]))
                        plain.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[(frame.lowerBound + headerSize)..<frame.upperBound]))
                    }
                }
                let sealed = try EncryptedBatch.seal(
                    frames: plain, firstOrdinal: first, count: frames.count, arrival: arrival, generation: generation, cipher: cipher)
                bytes = Int64(sealed.count)
                entry = sealed
            }
            do {
                if let entry {
                    try entry.withUnsafeBytes { try state.segments[last].file.write($0, at: base) }
                } else {
                    try headers.withUnsafeBytes { sealed in
                        var pieces: [UnsafeRawBufferPointer] = []
                        pieces.reserveCapacity(frames.count * 2)
                        for (index, frame) in frames.enumerated() {
                            pieces.append(UnsafeRawBufferPointer(rebasing: sealed[(index * headerSize)..<((index + 1) * headerSize)]))
                            pieces.append(UnsafeRawBufferPointer(rebasing: buffer[(frame.lowerBound + headerSize)..<frame.upperBound]))
                        }
                        try GatherWrite.write(pieces, to: state.segments[last].file, at: base)
                    }
                }
            } catch {
                // Leave no partial batch behind: the next append would write after it.
                try? state.segments[last].file.truncate(to: base)
                throw error
            }
            // No reserveCapacity(count + n) here: it reallocates to exactly that size, so every
            // append copied the whole index (~250 KB for a full 64 MiB segment of 1 KiB records);
            // plain appends grow it geometrically.
            if entry != nil {
                // Every record of an encrypted batch starts where the batch does: reading any of
                // them opens the whole batch.
                for _ in 0..<frames.count { state.segments[last].offsets.append(UInt32(truncatingIfNeeded: base)) }
            } else {
                var position = base
                for frame in frames {
                    state.segments[last].offsets.append(UInt32(truncatingIfNeeded: position))
                    position += Int64(frame.count)
                }
            }
            if state.segments[last].size == 0 { state.segments[last].firstArrival = arrival }
            state.segments[last].size = base + bytes
            state.segments[last].lastArrival = arrival
            state.nextOrdinal = first + UInt64(frames.count)
            state.lastArrival = arrival
            return first
        }
    }

    /// Starts a new segment at `nextOrdinal`, first syncing the full one and, afterwards, the
    /// directory, so that only the newest segment can ever need repair.
    private func roll(_ state: inout State) throws {
        if let current = state.segments.last {
            try current.file.sync()
            state.durableEnd = max(state.durableEnd, state.nextOrdinal)
        }
        let path = directory + "/" + Self.segmentName(state.nextOrdinal)
        let file = try PosixFile(path: path, mode: .readWrite)
        try file.truncate(to: 0)
        try FileSystem.syncDirectory(directory)
        state.segments.append(Segment(file: file, firstOrdinal: state.nextOrdinal, offsets: [], size: 0, firstArrival: 0, lastArrival: 0))
    }

    static func segmentName(_ ordinal: UInt64) -> String {
        let digits = String(ordinal)
        return String(repeating: "0", count: max(0, 20 - digits.count)) + digits + ".seg"
    }

    // MARK: durability

    func syncSnapshot() -> SyncSnapshot {
        state.withLock { state in
            SyncSnapshot(files: state.segments.last.map { [$0.file] } ?? [], directory: nil, durableEnd: state.nextOrdinal)
        }
    }

    func syncCompleted(_ snapshot: SyncSnapshot, error: TarnError?) {
        state.withLock { state in
            if let error {
                state.failure = TarnError(.io, "shard \(ShardID.format(shard)) stopped accepting writes after a failed sync: \(error.message)")
            } else {
                state.durableEnd = max(state.durableEnd, snapshot.durableEnd)
            }
        }
    }

    // MARK: lifecycle

    /// Closes the shard to writes (after a split or merge).
    /// - Returns: the number of records it holds (its last ordinal + 1).
    @discardableResult
    public func close() -> UInt64 {
        state.withLock { state in
            state.closed = true
            return state.nextOrdinal
        }
    }

    /// Whether the shard is closed to writes.
    public var isClosed: Bool { state.withLock { $0.closed } }

    /// Deletes whole segments whose newest record arrived before `cutoff` (epoch ms); the
    /// newest segment always stays so ordinals continue. Open readers keep their descriptors, so
    /// a read racing the deletion still completes.
    /// - Returns: how many segments were removed.
    @discardableResult
    public func trim(before cutoff: Int64) throws -> Int {
        let removed: [String] = state.withLock { state in
            var paths: [String] = []
            while state.segments.count > 1, state.segments[0].lastArrival < cutoff, state.segments[0].endOrdinal <= state.durableEnd {
                paths.append(state.segments[0].file.path)
                state.segments.removeFirst()
            }
            return paths
        }
        for path in removed { try FileSystem.removeFile(path) }
        return removed.count
    }

    /// Removes the log's files (the stream was deleted).
    public func destroy() throws {
        state.withLock { state in
            state.closed = true
            state.segments.removeAll()
        }
        try FileSystem.removeTree(directory)
    }
}

extension TarnError.Code {
    /// An append reached a shard that a reshard has just closed; the caller routes again.
    static let closedShard = Self("ClosedShard")
}

extension ShardLog {
    /// Deletes whole segments whose records all lie below `ordinal` (a consumer has delivered
    /// them); the newest segment always stays.
    /// - Returns: how many segments were removed.
    @discardableResult
    public func trim(below ordinal: UInt64) throws -> Int {
        let removed: [String] = state.withLock { state in
            var paths: [String] = []
            while state.segments.count > 1, state.segments[0].endOrdinal <= ordinal {
                paths.append(state.segments[0].file.path)
                state.segments.removeFirst()
            }
            return paths
        }
        for path in removed { try FileSystem.removeFile(path) }
        return removed.count
    }
}

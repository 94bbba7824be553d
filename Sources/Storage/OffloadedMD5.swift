import Crypto
import Dispatch
import Foundation
import Synchronization
import TarnCore

/// An object's MD5 (its ETag) that moves to another core once the body outgrows `inlineLimit`.
///
/// A large PUT makes four passes over every byte: MD5, the additional checksum (CRC64NVME by
/// default), AES-GCM and the copy into the page cache. MD5 is the slowest of them (about
/// 0.6 GB/s here) and is sequential, so it cannot be split; running it beside the other three
/// shortens a PUT's critical path on two cores. Bodies up to `inlineLimit` (almost every
/// request) are hashed inline, because the hand-off would cost more than the hashing.
///
/// Past the limit, bytes are copied into `chunkSize` chunks that one drain job at a time hashes
/// on the `BackgroundCompute` threads, in order. Those are neither Swift's cooperative pool nor
/// the fsync threads, so a writer waiting for room can never starve the hasher nor wait behind
/// other requests' fsyncs. At most `maxPendingChunks` chunks wait,
/// which bounds memory per upload and makes a writer that outruns the hasher wait for it.
final class OffloadedMD5: @unchecked Sendable {
    // `@unchecked`: `md5` is touched by the writer while `offloaded` is false, afterwards only
    // by the single active drain job, which `draining` (under `state`'s lock) makes exclusive;
    // `finalize` reads it after `outstanding.wait()`, which orders it after the last drain.
    static let inlineLimit = 1 << 20
    static let chunkSize = 1 << 20
    static let maxPendingChunks = 4
    /// How many uploads may hash in the background at once. Offloading only pays while a core
    /// is otherwise idle: with 16 concurrent 256 MiB PUTs on 2 cores it cost 10–20 % of
    /// throughput (copies, hand-offs), with one it gained ~28 % (docs/BENCHMARKS.md).
    static let maxOffloaded = max(1, ProcessInfo.processInfo.activeProcessorCount / 2)
    private static let offloadedNow = Atomic<Int>(0)

    private var md5 = Insecure.MD5()
    private var offloaded = false
    /// Past the limit but kept inline because enough other uploads hash in the background.
    private var keptInline = false
    private var inlineCount = 0
    /// The chunk being filled by the writer (writer-only).
    private var staging: [UInt8] = []

    private struct Queue {
        var chunks: [[UInt8]] = []
        var draining = false
        /// Hashed chunks kept for reuse: fresh 1 MiB buffers cost page faults on every chunk.
        var spare: [[UInt8]] = []
    }

    private let state = Mutex(Queue())
    /// One permit per chunk that may wait; the drain job returns it after hashing.
    private let room = DispatchSemaphore(value: OffloadedMD5.maxPendingChunks)
    /// Entered per submitted chunk, left once it is hashed.
    private let outstanding = DispatchGroup()

    /// Whether `maxOffloaded` applies (tests turn it off to exercise the background path).
    private let limited: Bool

    /// A fresh digest.
    /// - Parameter limited: respect `maxOffloaded`; false always offloads past `inlineLimit`.
    init(limited: Bool = true) { self.limited = limited }

    /// Feeds the next body bytes. Called by one writer at a time, in body order.
    func update(_ bytes: UnsafeRawBufferPointer) {
        if !offloaded {
            if keptInline || inlineCount + bytes.count <= Self.inlineLimit {
                md5.update(bufferPointer: bytes)
                inlineCount += bytes.count
                return
            }
            guard Self.offloadedNow.wrappingAdd(1, ordering: .relaxed).newValue <= Self.maxOffloaded || !limited else {
                Self.offloadedNow.wrappingSubtract(1, ordering: .relaxed)
                keptInline = true
                md5.update(bufferPointer: bytes)
                return
            }
            offloaded = true
            staging.reserveCapacity(Self.chunkSize)
        }
        var rest = bytes
        while !rest.isEmpty {
            let take = min(rest.count, Self.chunkSize - staging.count)
            staging.append(contentsOf: UnsafeRawBufferPointer(rebasing: rest[..<take]))
            rest = UnsafeRawBufferPointer(rebasing: rest[take...])
            if staging.count == Self.chunkSize { submitStaging() }
        }
    }

    /// The digest of everything fed; waits (briefly, at most `maxPendingChunks` chunks of
    /// hashing) for the offloaded part.
    func finalize() -> [UInt8] {
        if offloaded {
            if !staging.isEmpty { submitStaging() }
            outstanding.wait()
        }
        return Array(md5.finalize())
    }

    // An aborted upload is never finalized; its slot is returned once the last drain job (which
    // holds a reference) has finished.
    deinit {
        if offloaded { Self.offloadedNow.wrappingSubtract(1, ordering: .relaxed) }
    }

    private func submitStaging() {
        let chunk = staging
        room.wait()
        outstanding.enter()
        let (startDrain, spare) = state.withLock { queue in
            queue.chunks.append(chunk)
            let spare = queue.spare.popLast()
            if queue.draining { return (false, spare) }
            queue.draining = true
            return (true, spare)
        }
        if let spare {
            staging = spare
        } else {
            staging = []
            staging.reserveCapacity(Self.chunkSize)
        }
        if startDrain { BackgroundCompute.submit { [self] in drain() } }
    }

    private func drain() {
        while var chunk = state.withLock({ queue -> [UInt8]? in
            if queue.chunks.isEmpty {
                queue.draining = false
                return nil
            }
            return queue.chunks.removeFirst()
        }) {
            chunk.withUnsafeBytes { md5.update(bufferPointer: $0) }
            // The queue gave up its reference, so this keeps the buffer, not a new allocation.
            chunk.removeAll(keepingCapacity: true)
            let emptied = chunk
            state.withLock { queue in if queue.spare.count < 2 { queue.spare.append(emptied) } }
            room.signal()
            outstanding.leave()
        }
    }
}

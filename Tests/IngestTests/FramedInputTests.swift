import Foundation
import TarnCore
import TarnTesting
import Testing

@testable import Ingest

/// PutRecords bodies decode straight into unsealed log frames, which a shard writes from the
/// shared buffer; the bytes on disk must be exactly the `LogFrame` format written before.
@Suite struct FramedInputTests {
    static let body = #"""
        {"StreamName":"s","Records":[
          {"Data":"b25l","PartitionKey":"alpha"},
          {"PartitionKey":"b\u00e9ta","Data":"dHdvIQ=="},
          {"Data":"","PartitionKey":"c","ExplicitHashKey":"42"},
          {"Data":"Zm91ciBmb3VyIGZvdXI=","PartitionKey":"delta"}]}
        """#

    @Test func decodedRecordsAreUnsealedFrames() throws {
        let request = try RecordsRequestDecoder.decode(Array(Self.body.utf8), partitionKeys: true)
        let input = request.input
        let expected: [(String, String)] = [("alpha", "one"), ("béta", "two!"), ("c", ""), ("delta", "four four four")]
        #expect(input.entries.count == expected.count)
        #expect(input.payloadBytes == expected.reduce(0) { $0 + $1.0.utf8.count + $1.1.utf8.count })
        #expect(input.entries[2].explicitHashKey == 42)
        var previousEnd = 0
        try input.bytes.withUnsafeBytes { raw in
            for (entry, (key, data)) in zip(input.entries, expected) {
                #expect(entry.frame.lowerBound == previousEnd, "frames are back to back")
                previousEnd = entry.frame.upperBound
                #expect(String(decoding: raw[entry.partitionKey], as: UTF8.self) == key)
                #expect(String(decoding: raw[entry.data], as: UTF8.self) == data)
                // Seal a copy the way a shard does, then read it back with the log's decoder.
                var frame = [UInt8](raw[entry.frame])
                frame.withUnsafeMutableBytes { LogFrame.seal($0, at: 0, ordinal: 9, arrival: 1234) }
                let header = try #require(frame.withUnsafeBytes { LogFrame.header(in: $0, at: 0) })
                #expect(header.length == entry.frame.count && header.keyLength == key.utf8.count && header.ordinal == 9 && header.arrival == 1234)
                #expect(frame.withUnsafeBytes { LogFrame.payloadIsIntact(header, in: $0, at: 0) })
            }
        }
        #expect(previousEnd == input.bytes.count)
    }

    @Test func firehoseRecordsHaveEmptyKeys() throws {
        let body = #"{"DeliveryStreamName":"d","Records":[{"Data":"eA=="},{"Data":"eXk="}]}"#
        let request = try RecordsRequestDecoder.decode(Array(body.utf8), partitionKeys: false, maxDataBytes: 1_024_000)
        #expect(request.input.entries.map(\.partitionKey.count) == [0, 0])
        #expect(request.input.entries.map { String(decoding: request.input.bytes[$0.data], as: UTF8.self) } == ["x", "yy"])
    }

    /// A shard takes every other record of the body (as routing by hash does) and writes them
    /// from the shared buffer; the segment must equal the one a contiguous `LogBatch` of the same
    /// records produces.
    @Test func gatheredAppendWritesTheSameBytesAsABatch() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let request = try RecordsRequestDecoder.decode(Array(Self.body.utf8), partitionKeys: true)
        let input = request.input
        let chosen = [0, 1, 3]
        let gathered = try ShardLog(directory: dir.path + "/gathered", shard: 0)
        let frames = chosen.map { input.entries[$0].frame }
        #expect(try input.bytes.withUnsafeBytes { try gathered.append(frames: frames, in: $0, now: 5000) } == 0)
        let contiguous = try ShardLog(directory: dir.path + "/batch", shard: 0)
        var batch = LogBatch()
        input.bytes.withUnsafeBytes { raw in
            for index in chosen {
                batch.append(
                    partitionKey: UnsafeRawBufferPointer(rebasing: raw[input.entries[index].partitionKey]),
                    data: UnsafeRawBufferPointer(rebasing: raw[input.entries[index].data]))
            }
        }
        #expect(try contiguous.append(&batch, now: 5000) == 0)
        let scheduler = DurabilityScheduler()
        try await scheduler.waitDurable([gathered, contiguous])
        let segment = ShardLog.segmentName(0)
        let written = try Data(contentsOf: URL(fileURLWithPath: dir.path + "/gathered/" + segment))
        #expect(written == (try Data(contentsOf: URL(fileURLWithPath: dir.path + "/batch/" + segment))))
        #expect(written.count == frames.reduce(0) { $0 + $1.count })
        let result = try gathered.read(from: 0, maxRecords: 10, maxBytes: 1 << 20)
        #expect(result.records.map { String(decoding: result.data($0), as: UTF8.self) } == ["one", "two!", "four four four"])
        #expect(result.records.map(\.ordinal) == [0, 1, 2])
        // The input's buffer is left as it was: its frames stay unsealed.
        #expect(input.bytes.withUnsafeBytes { LogFrame.header(in: $0, at: 0) } == nil)
    }

    @Test func gatherWriteSplitsPastIOVMax() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let count = GatherWrite.maxPieces * 2 + 3
        let storage = (0..<(count * 2)).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 >> 8) }
        // Pieces in reverse memory order, so no two neighbours are adjacent in memory.
        let order = Array((0..<count).reversed())
        let file = try PosixFile(path: dir.path + "/f", mode: .readWrite)
        try storage.withUnsafeBytes { raw in
            try GatherWrite.write(order.map { UnsafeRawBufferPointer(rebasing: raw[($0 * 2)..<($0 * 2 + 2)]) }, to: file, at: 3)
        }
        let written = try Data(contentsOf: URL(fileURLWithPath: dir.path + "/f"))
        #expect(written.count == 3 + count * 2)
        #expect(Array(written.dropFirst(3)) == order.flatMap { storage[($0 * 2)..<($0 * 2 + 2)] })
    }
}

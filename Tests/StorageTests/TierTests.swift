import Foundation
import TarnCore
import TarnTesting
import Testing

@testable import Storage

/// Storage classes on local tiers: placement, chunk compression, range reads, and the
/// InvalidObjectState gate on archived objects.
@Suite struct TierTests {
    /// Bytes that compress well but are not trivially repetitive.
    static func compressible(_ count: Int, seed: UInt64 = 1) -> [UInt8] {
        var state = seed
        return (0..<count).map { index in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return index % 7 == 0 ? UInt8(truncatingIfNeeded: state >> 59) : UInt8(ascii: "a") + UInt8(index % 13)
        }
    }

    static func random(_ count: Int) -> [UInt8] { (0..<count).map { _ in UInt8.random(in: 0...255) } }

    @Test func chunkedCompressionRoundTripsAndServesRanges() async throws {
        let directory = try TemporaryDirectory(prefix: "tarn-chunks")
        defer { directory.remove() }
        let raw = try LocalBlobStore(root: directory.path)
        let chunk = ChunkedCompression.chunkSize
        for bytes in [[], [1, 2, 3], Self.compressible(chunk), Self.compressible(3 * chunk + 12_345), Self.random(chunk + 77)] as [[UInt8]] {
            let writer = CompressingBlobWriter(inner: try raw.create())
            // Uneven pieces, so chunk boundaries fall inside writes.
            var offset = 0
            while offset < bytes.count {
                let piece = min(bytes.count - offset, 300_001)
                try bytes[offset..<offset + piece].withUnsafeBytes { try writer.write($0) }
                offset += piece
            }
            try await writer.finish()
            let reader = try DecompressingBlobReader(inner: try raw.open(writer.id), blob: writer.id)
            #expect(reader.size == Int64(bytes.count))
            var whole = [UInt8](repeating: 0, count: bytes.count)
            let got = try whole.withUnsafeMutableBytes { try reader.read(into: $0, at: 0) }
            #expect(got == bytes.count)
            #expect(whole == bytes)
            if bytes.count > chunk + 10 {
                // A range across a chunk boundary decodes only the chunks it touches.
                var middle = [UInt8](repeating: 0, count: 20)
                _ = try middle.withUnsafeMutableBytes { try reader.read(into: $0, at: Int64(chunk - 10)) }
                #expect(middle == Array(bytes[(chunk - 10)..<(chunk + 10)]))
            }
            if bytes.count == 3 * chunk + 12_345 {
                #expect(raw.storedSize(writer.id)! < Int64(bytes.count) / 2)
            }
        }
    }

    @Test func corruptCompressedBlobsThrow() async throws {
        let directory = try TemporaryDirectory(prefix: "tarn-chunks")
        defer { directory.remove() }
        let raw = try LocalBlobStore(root: directory.path)
        let writer = CompressingBlobWriter(inner: try raw.create())
        try Self.compressible(100_000).withUnsafeBytes { try writer.write($0) }
        try await writer.finish()
        let path = raw.path(writer.id)
        var bytes = try FileSystem.readFile(path)
        // Flip a byte of the index: the CRC catches it.
        bytes[bytes.count - ChunkedCompression.footerSize - 2] ^= 0xFF
        try FileSystem.writeAtomically(bytes, to: path)
        #expect { try DecompressingBlobReader(inner: try raw.open(writer.id), blob: writer.id) } throws: { ($0 as? TarnError)?.code == .corrupt }
        // Truncated: no footer.
        try FileSystem.writeAtomically(Array(bytes.prefix(10)), to: path)
        #expect { try DecompressingBlobReader(inner: try raw.open(writer.id), blob: writer.id) } throws: { ($0 as? TarnError)?.code == .corrupt }
    }

    @Test func classesLandOnTheirTiers() async throws {
        let directory = try TemporaryDirectory(prefix: "tarn-tiers")
        defer { directory.remove() }
        let store = try ObjectStore(directory: directory.path, restoreDelays: .immediate)
        try await store.createBucket("tiered")
        let bytes = Self.compressible(2_500_000)
        for storageClass in StorageClass.allCases {
            let object = try await store.put(bucket: "tiered", key: storageClass.rawValue, bytes: bytes, attributes: ObjectAttributes(storageClass: storageClass.rawValue))
            let expected = store.tiers.placement(for: storageClass)
            #expect(object.attributes.placement == expected)
            let tierName = expected?.tier ?? TierConfiguration.standardTier
            let onDisk = FileSystem.fileSize(directory.path + "/" + (store.tiers.configuration.tiers[tierName]!.directory) + "/" + String(object.segments[0].blob.rawValue.prefix(2)) + "/" + object.segments[0].blob.rawValue)
            #expect(onDisk != nil, "\(storageClass) blob is in its tier directory")
            if expected?.compressed == true { #expect(onDisk! < Int64(bytes.count) / 2) } else { #expect(onDisk == Int64(bytes.count)) }
            if storageClass.requiresRestore {
                #expect { try store.open(bucket: "tiered", key: storageClass.rawValue) } throws: { ($0 as? TarnError)?.code == .invalidObjectState }
            } else {
                #expect(try store.get(bucket: "tiered", key: storageClass.rawValue) == bytes)
            }
        }
    }

    @Test func multipartAndCopyFollowTheClass() async throws {
        let directory = try TemporaryDirectory(prefix: "tarn-tiers")
        defer { directory.remove() }
        let store = try ObjectStore(directory: directory.path, restoreDelays: .immediate)
        try await store.createBucket("tiered")
        let part = Self.compressible(Int(MetadataIndex.minimumPartSize))
        let uploadID = try await store.createMultipartUpload(bucket: "tiered", key: "big", attributes: ObjectAttributes(storageClass: "DEEP_ARCHIVE"))
        var parts: [CompletedPart] = []
        for number in 1...2 {
            let (upload, _) = try store.beginPartUpload(bucket: "tiered", key: "big", uploadID: uploadID, partNumber: number)
            try part.withUnsafeBytes { try upload.write($0) }
            parts.append(CompletedPart(number: number, etag: try await upload.commitPart(key: "big", uploadID: uploadID, partNumber: number).etag))
        }
        let object = try await store.completeMultipartUpload(bucket: "tiered", key: "big", uploadID: uploadID, parts: parts)
        #expect(object.attributes.placement == BlobPlacement(tier: "archive", compressed: true))
        #expect { try store.open(bucket: "tiered", key: "big") } throws: { ($0 as? TarnError)?.code == .invalidObjectState }
        // Copying an archived object needs a restore, as in S3.
        await #expect {
            try await store.copyObject(sourceBucket: "tiered", sourceKey: "big", bucket: "tiered", key: "copy", attributes: nil)
        } throws: { ($0 as? TarnError)?.code == .invalidObjectState }
        _ = try await store.restoreObject(bucket: "tiered", key: "big", days: 1)
        #expect(try store.get(bucket: "tiered", key: "big") == part + part)
        var attributes = object.attributes
        attributes.storageClass = "STANDARD_IA"
        let copy = try await store.copyObject(sourceBucket: "tiered", sourceKey: "big", bucket: "tiered", key: "copy", attributes: attributes)
        #expect(copy.attributes.placement == BlobPlacement(tier: "infrequent", compressed: false))
        #expect(copy.attributes.restore == nil)
        #expect(try store.get(bucket: "tiered", key: "copy") == part + part)
    }
}

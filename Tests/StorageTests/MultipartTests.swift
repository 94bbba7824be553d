import Foundation
import TarnCore
import TarnTesting
import Testing

@testable import Storage

@Suite struct MultipartTests {
    func uploadPart(_ store: ObjectStore, _ uploadID: String, _ number: Int, _ bytes: [UInt8]) async throws -> PartInfo {
        let (upload, _) = try store.beginPartUpload(bucket: "test-bucket", key: "big", uploadID: uploadID, partNumber: number)
        try bytes.withUnsafeBytes { try upload.write($0) }
        return try await upload.commitPart(key: "big", uploadID: uploadID, partNumber: number)
    }

    @Test func completeConcatenatesPartsWithS3ETag() async throws {
        let fixture = try await StoreFixture()
        defer { fixture.directory.remove() }
        let store = fixture.store
        let uploadID = try await store.createMultipartUpload(
            bucket: "test-bucket", key: "big", attributes: ObjectAttributes(checksum: ObjectChecksum(algorithm: .sha256, value: "", type: .composite)))
        let part1 = [UInt8](repeating: 1, count: Int(MetadataIndex.minimumPartSize))
        let part2 = [UInt8](repeating: 2, count: 10)
        let p1 = try await uploadPart(store, uploadID, 1, part1)
        _ = try await uploadPart(store, uploadID, 2, [9])  // replaced below
        let p2 = try await uploadPart(store, uploadID, 2, part2)
        #expect(try store.index.parts(uploadID: uploadID).map(\.number) == [1, 2])
        let object = try await store.completeMultipartUpload(
            bucket: "test-bucket", key: "big", uploadID: uploadID,
            parts: [CompletedPart(number: 1, etag: "\"\(p1.etag)\""), CompletedPart(number: 2, etag: p2.etag)])
        #expect(object.size == Int64(part1.count + part2.count))
        #expect(object.etag == ETag.multipart(partETags: [p1.etag, p2.etag]))
        #expect(object.etag.hasSuffix("-2"))
        #expect(object.attributes.checksum?.type == .composite)
        #expect(object.attributes.checksum?.value.hasSuffix("-2") == true)
        let reader = try store.open(bucket: "test-bucket", key: "big")
        // A read that straddles the part boundary.
        let boundary = Int64(part1.count)
        #expect(try reader.read(boundary - 2..<boundary + 3) == [1, 1, 2, 2, 2])
        // The upload is gone; the replaced part-2 blob was collected.
        await #expect { try await store.abortMultipartUpload(bucket: "test-bucket", key: "big", uploadID: uploadID) } throws: {
            ($0 as? TarnError)?.code == .noSuchUpload
        }
        try await store.sweepGarbage()
        #expect(try store.blobs.inventory().count == 2)
    }

    @Test func completeValidatesPartList() async throws {
        let fixture = try await StoreFixture()
        defer { fixture.directory.remove() }
        let store = fixture.store
        let uploadID = try await store.createMultipartUpload(bucket: "test-bucket", key: "big", attributes: ObjectAttributes())
        let small1 = try await uploadPart(store, uploadID, 1, [1, 2, 3])
        let small2 = try await uploadPart(store, uploadID, 2, [4])
        func complete(_ parts: [CompletedPart]) async -> TarnError.Code? {
            do {
                _ = try await store.completeMultipartUpload(bucket: "test-bucket", key: "big", uploadID: uploadID, parts: parts)
                return nil
            } catch { return (error as? TarnError)?.code }
        }
        #expect(await complete([CompletedPart(number: 2, etag: small2.etag), CompletedPart(number: 1, etag: small1.etag)]) == .invalidPartOrder)
        #expect(await complete([CompletedPart(number: 1, etag: "00000000000000000000000000000000")]) == .invalidPart)
        #expect(await complete([CompletedPart(number: 3, etag: small1.etag)]) == .invalidPart)
        #expect(await complete([CompletedPart(number: 1, etag: small1.etag), CompletedPart(number: 2, etag: small2.etag)]) == .entityTooSmall)
        #expect(await complete([]) == .malformedXML)
        #expect { _ = try store.beginPartUpload(bucket: "test-bucket", key: "big", uploadID: uploadID, partNumber: 10_001) } throws: {
            ($0 as? TarnError)?.code == .invalidArgument
        }
        #expect { _ = try store.beginPartUpload(bucket: "test-bucket", key: "other", uploadID: uploadID, partNumber: 1) } throws: {
            ($0 as? TarnError)?.code == .noSuchUpload
        }
        // A single small last part is fine.
        #expect(await complete([CompletedPart(number: 2, etag: small2.etag)]) == nil)
        #expect(try store.get(bucket: "test-bucket", key: "big") == [4])
    }

    @Test func abortRemovesPartsAndBlocksBucketDeletionUntilThen() async throws {
        let fixture = try await StoreFixture()
        defer { fixture.directory.remove() }
        let store = fixture.store
        let uploadID = try await store.createMultipartUpload(bucket: "test-bucket", key: "big", attributes: ObjectAttributes())
        _ = try await uploadPart(store, uploadID, 1, [1])
        await #expect { try await store.deleteBucket("test-bucket") } throws: { ($0 as? TarnError)?.code == .bucketNotEmpty }
        #expect(try store.index.uploads(bucket: "test-bucket", prefix: "", keyMarker: nil, uploadIDMarker: nil, limit: 10).count == 1)
        try await store.abortMultipartUpload(bucket: "test-bucket", key: "big", uploadID: uploadID)
        try await store.sweepGarbage()
        #expect(try store.blobs.inventory().isEmpty)
        try await store.deleteBucket("test-bucket")
    }

    @Test func uploadPartCopyTakesARange() async throws {
        let fixture = try await StoreFixture()
        defer { fixture.directory.remove() }
        let store = fixture.store
        try await store.put(bucket: "test-bucket", key: "src", bytes: Array(0..<100))
        let uploadID = try await store.createMultipartUpload(bucket: "test-bucket", key: "big", attributes: ObjectAttributes())
        let part = try await store.uploadPartCopy(
            sourceBucket: "test-bucket", sourceKey: "src", range: ByteRangeRequest(header: "bytes=10-19"), bucket: "test-bucket", key: "big",
            uploadID: uploadID, partNumber: 1)
        #expect(part.size == 10)
        await #expect {
            try await store.uploadPartCopy(
                sourceBucket: "test-bucket", sourceKey: "src", range: ByteRangeRequest(header: "bytes=90-100"), bucket: "test-bucket",
                key: "big", uploadID: uploadID, partNumber: 2)
        } throws: { ($0 as? TarnError)?.code == .invalidRange }
        _ = try await store.completeMultipartUpload(bucket: "test-bucket", key: "big", uploadID: uploadID, parts: [CompletedPart(number: 1, etag: part.etag)])
        #expect(try store.get(bucket: "test-bucket", key: "big") == Array(10..<20))
    }

    /// A part's `x-amz-checksum-*` value is verified even when the upload was created without an
    /// algorithm (regression: it used to be ignored), and a part naming another algorithm than
    /// the upload's is refused.
    @Test func partChecksumIsAlwaysVerified() async throws {
        let fixture = try await StoreFixture()
        defer { fixture.directory.remove() }
        let store = fixture.store
        let plain = try await store.createMultipartUpload(bucket: "test-bucket", key: "big", attributes: ObjectAttributes())
        let (upload, _) = try store.beginPartUpload(bucket: "test-bucket", key: "big", uploadID: plain, partNumber: 1, checksum: .crc32)
        #expect(upload.checksumAlgorithm == .crc32)
        try [UInt8]("data".utf8).withUnsafeBytes { try upload.write($0) }
        var other = RunningChecksum(.crc32)
        other.update(Array("atad".utf8))
        await #expect {
            try await upload.commitPart(key: "big", uploadID: plain, partNumber: 1, expected: ExpectedDigests(checksum: other.finalize().base64))
        } throws: { ($0 as? TarnError)?.code == .badDigest }
        #expect(try store.index.parts(uploadID: plain).isEmpty)

        let sha = try await store.createMultipartUpload(
            bucket: "test-bucket", key: "big", attributes: ObjectAttributes(checksum: ObjectChecksum(algorithm: .sha256, value: "", type: .composite)))
        #expect {
            try store.beginPartUpload(bucket: "test-bucket", key: "big", uploadID: sha, partNumber: 1, checksum: .crc32)
        } throws: { ($0 as? TarnError)?.code == .invalidRequest }
        let (matching, _) = try store.beginPartUpload(bucket: "test-bucket", key: "big", uploadID: sha, partNumber: 1, checksum: .sha256)
        #expect(matching.checksumAlgorithm == .sha256)
        matching.abort()
    }
}

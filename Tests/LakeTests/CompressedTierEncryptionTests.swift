import Foundation
import Storage
import TarnCore
import TarnTesting
import Testing

@testable import Lake

/// Objects in a compressed tier are compressed before they are encrypted, so the tier saves
/// space on encrypted objects (every object, by default), and they still read back exactly,
/// whole, by range, and as multipart uploads.
@Suite struct CompressedTierEncryptionTests {
    /// A lake whose STANDARD_IA class lives on the compressed archive tier (no restore needed).
    func lake() async throws -> (TemporaryDirectory, Lake) {
        let directory = try TemporaryDirectory(prefix: "tarn-lake-ztier")
        try FileSystem.writeAtomically(Array("classes:\n  STANDARD_IA: archive\n".utf8), to: directory.path + "/tarn.yaml")
        let lake = try Lake(path: directory.path, environment: [:])
        try await lake.store.createBucket("cold")
        return (directory, lake)
    }

    static func csv(rows: Int) -> [UInt8] {
        var text = "order_id,store_id,total\n"
        for row in 0..<rows { text += "O\(String(format: "%09d", row)),S\(String(format: "%04d", row % 200)),\(row % 997).\(row % 100)\n" }
        return Array(text.utf8)
    }

    @Test func encryptedObjectsShrinkInACompressedTierAndReadBack() async throws {
        let (directory, lake) = try await lake()
        defer { directory.remove() }
        var attributes = ObjectAttributes()
        attributes.storageClass = "STANDARD_IA"
        let bytes = Self.csv(rows: 40_000)
        let info = try await lake.store.put(bucket: "cold", key: "raw/sales.csv", bytes: bytes, attributes: attributes)
        #expect(info.attributes.encryption != nil, "SSE-S3 by default")
        #expect(info.attributes.placement?.compressed == true)
        #expect(info.attributes.placement?.compressedBeforeEncryption == true)
        let stored = try #require(lake.store.tiers.storedSize(info.segments[0].blob))
        #expect(stored * 3 < Int64(bytes.count), "stored \(stored) bytes for \(bytes.count) of CSV")
        #expect(try lake.store.get(bucket: "cold", key: "raw/sales.csv") == bytes)
        let reader = try lake.store.open(bucket: "cold", key: "raw/sales.csv")
        var slice = [UInt8](repeating: 0, count: 100_000)
        let got = try slice.withUnsafeMutableBytes { try reader.read(into: $0, at: 300_001) }
        #expect(got == 100_000 && slice == Array(bytes[300_001..<400_001]))
        // Encrypted on disk: the text does not appear in any file of the tier.
        let marker = Array("O000012345,S".utf8)
        for name in try FileSystem.listDirectory(directory.path + "/storage/tiers/archive") {
            let path = directory.path + "/storage/tiers/archive/" + name
            for file in (try? FileSystem.listDirectory(path)) ?? [] {
                let content = try FileSystem.readFile(path + "/" + file)
                #expect(!content.indices.dropLast(marker.count).contains { content[$0..<$0 + marker.count].elementsEqual(marker) })
            }
        }
    }

    @Test func multipartUploadsIntoACompressedTierReadBack() async throws {
        let (directory, lake) = try await lake()
        defer { directory.remove() }
        var attributes = ObjectAttributes()
        attributes.storageClass = "STANDARD_IA"
        let bytes = Self.csv(rows: 300_000)
        let split = 6 << 20
        let uploadID = try await lake.store.createMultipartUpload(bucket: "cold", key: "raw/big.csv", attributes: attributes)
        var parts: [CompletedPart] = []
        for (number, range) in [(1, 0..<split), (2, split..<bytes.count)] {
            let (part, _) = try lake.store.beginPartUpload(bucket: "cold", key: "raw/big.csv", uploadID: uploadID, partNumber: number)
            try Array(bytes[range]).withUnsafeBytes { try part.write($0) }
            let info = try await part.commitPart(key: "raw/big.csv", uploadID: uploadID, partNumber: number)
            parts.append(CompletedPart(number: number, etag: info.etag))
        }
        let object = try await lake.store.completeMultipartUpload(bucket: "cold", key: "raw/big.csv", uploadID: uploadID, parts: parts)
        #expect(object.attributes.placement?.compressedBeforeEncryption == true)
        #expect(try lake.store.get(bucket: "cold", key: "raw/big.csv") == bytes)
    }
}

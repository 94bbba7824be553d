import Foundation
import Testing

@testable import Storage

/// The hand-written attributes JSON must read what `JSONEncoder` wrote (rows from before it
/// existed) and write what `JSONDecoder` reads, for every field and awkward string.
@Suite struct ObjectAttributesJSONTests {
    static var samples: [ObjectAttributes] {
        var full = ObjectAttributes(
            headers: StandardHeaders(
                contentType: "text/csv; charset=\"utf-8\"", contentEncoding: "gzip", contentDisposition: "attachment; filename=\"a\\b.csv\"",
                contentLanguage: "de-CH", cacheControl: "max-age=60", expires: "Thu, 01 Dec 1994 16:00:00 GMT"),
            userMetadata: ["owner": "Zoë 🦊", "empty": "", "line": "a\nb\tc\u{01}\u{7F}", "slash": "a/b"],
            tags: [Tag(key: "zone", value: "raw"), Tag(key: "é", value: "\"quoted\"")],
            storageClass: "STANDARD_IA",
            checksum: ObjectChecksum(algorithm: .crc64nvme, value: "AAAAAAAAAAA=-3", type: .composite),
            partSizes: [5_242_880, 5_242_880, 17],
            partChecksums: ["abc=", "def="],
            encryption: StoredEncryption(
                algorithm: "aws:kms", kmsKeyARN: "arn:aws:kms:us-east-1:000000000000:key/1234", bucketKeyEnabled: true,
                wrappedKey: "d3JhcHBlZA==", salt: "c2FsdA==", context: ["aws:s3:arn": "arn:aws:s3:::bucket"]))
        full.placement = BlobPlacement(tier: "archive", compressed: true, compressedBeforeEncryption: true)
        full.restore = RestoreStatus(
            requested: Date(timeIntervalSince1970: 1_764_000_000.123), tier: .bulk, days: 7,
            readyAt: Date(timeIntervalSince1970: 1_764_043_200.5), expiry: Date(timeIntervalSince1970: 1_764_720_000))
        var sseS3 = ObjectAttributes(
            encryption: StoredEncryption(algorithm: "AES256", kmsKeyARN: nil, bucketKeyEnabled: false, wrappedKey: "eA==", salt: nil, context: [:]))
        sseS3.placement = BlobPlacement(tier: "standard", compressed: false)
        return [ObjectAttributes(), full, sseS3, ObjectAttributes(headers: StandardHeaders(contentType: "application/octet-stream"))]
    }

    @Test func readsWhatJSONEncoderWrote() throws {
        for attributes in Self.samples {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            let text = String(decoding: try encoder.encode(attributes), as: UTF8.self)
            #expect(try ObjectAttributesJSON.decode(text) == attributes)
        }
    }

    @Test func writesWhatJSONDecoderReads() throws {
        for attributes in Self.samples {
            let text = ObjectAttributesJSON.encode(attributes)
            #expect(try JSONDecoder().decode(ObjectAttributes.self, from: Data(text.utf8)) == attributes)
            #expect(try ObjectAttributesJSON.decode(text) == attributes)
        }
    }

    @Test func readsEscapesNullsAndUnknownMembers() throws {
        let text = #"""
            { "headers" : { "contentType" : "a\/b \u00e9 \ud83e\udd8a", "expires": null },
              "future": {"nested": [1, 2.5e3, true, null, "x"]},
              "storageClass": "GLACIER", "tags": [], "userMetadata": {"k": "\"\\"}, "checksum": null }
            """#
        let attributes = try ObjectAttributesJSON.decode(text)
        #expect(attributes.headers.contentType == "a/b é 🦊")
        #expect(attributes.headers.expires == nil)
        #expect(attributes.storageClass == "GLACIER")
        #expect(attributes.userMetadata == ["k": "\"\\"])
        #expect(attributes.checksum == nil)
    }

    @Test(arguments: [
        "", "{", #"{"tags": [}"#, #"{"storageClass": "x"} trailing"#, #"{"storageClass": "unterminated}"#,
        #"{"headers": {"contentType": "\q"}}"#, #"{"partSizes": [1.5]}"#, #"{"checksum": {"algorithm": "CRC32"}}"#,
        #"{"restore": {"days": 1}}"#, "{\"storageClass\": \"a\u{01}\"}",
    ])
    func rejectsMalformedDocuments(text: String) {
        #expect(throws: (any Error).self) { try ObjectAttributesJSON.decode(text) }
    }
}

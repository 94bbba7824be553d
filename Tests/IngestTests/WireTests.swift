import Foundation
import TarnCore
import Testing

@testable import Ingest

@Suite struct WireTests {
    @Test(arguments: [0, 1, 2, 3, 4, 5, 57, 1024])
    func base64MatchesFoundation(length: Int) {
        let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 * 37 + 11) }
        var encoded: [UInt8] = []
        bytes.withUnsafeBytes { Base64.encode($0, appendingTo: &encoded) }
        #expect(String(decoding: encoded, as: UTF8.self) == Data(bytes).base64EncodedString())
        var decoded: [UInt8] = [9]
        #expect(encoded.withUnsafeBytes { Base64.decode($0, appendingTo: &decoded) })
        #expect(decoded == [9] + bytes)
    }

    @Test func base64RejectsGarbage() {
        for bad in ["abc", "ab=c", "a===", "@@@@", "YQ==YQ==x"] {
            var out: [UInt8] = [1]
            #expect(!Array(bad.utf8).withUnsafeBytes { Base64.decode($0, appendingTo: &out) }, "\(bad)")
            #expect(out == [1])
        }
    }

    @Test func decodesPutRecords() throws {
        let body = #"""
            {"Records":[{"Data":"aGVsbG8=","PartitionKey":"p\u00e9"},{"PartitionKey":"k","ExplicitHashKey":"7","Data":"","Extra":[1,{"a":null}]}],
             "StreamName":"clicks"}
            """#
        let request = try RecordsRequestDecoder.decode(Array(body.utf8), partitionKeys: true)
        #expect(request.members["StreamName"] == "clicks")
        #expect(request.input.entries.count == 2)
        let first = request.input.entries[0]
        #expect(String(decoding: request.input.bytes[first.data], as: UTF8.self) == "hello")
        #expect(String(decoding: request.input.bytes[first.partitionKey], as: UTF8.self) == "pé")
        #expect(request.input.entries[1].explicitHashKey == 7 && request.input.entries[1].data.isEmpty)
    }

    @Test func rejectsMalformedRequests() {
        let cases: [(String, TarnError.Code)] = [
            (#"{"StreamName":"s","Records":[]}"#, .validation),
            (#"{"StreamName":"s","Records":[{"Data":"eA=="}]}"#, .validation),
            (#"{"StreamName":"s","Records":[{"PartitionKey":"k"}]}"#, .validation),
            (#"{"StreamName":"s","Records":[{"Data":"e!==","PartitionKey":"k"}]}"#, .serialization),
            (#"{"StreamName":"s","Records":[{"Data":"eA==","PartitionKey":""}]}"#, .validation),
            (#"{"StreamName":"s","Records":[{"Data":"eA==","PartitionKey":"k"}"#, .serialization),
            (#"{"StreamName":"s" "Records":1}"#, .serialization),
            (#"{"StreamName":"s","Records":[{"Data":"eA==","PartitionKey":"k"}]} x"#, .serialization),
            ("{\"StreamName\":\"s\",\"Records\":[{\"Data\":\"eA==\",\"PartitionKey\":\"" + String(repeating: "k", count: 257) + "\"}]}", .validation),
        ]
        for (body, code) in cases {
            #expect(throws: TarnError.self, "\(body)") {
                do { _ = try RecordsRequestDecoder.decode(Array(body.utf8), partitionKeys: true) } catch let error as TarnError {
                    #expect(error.code == code, "\(body): \(error)")
                    throw error
                }
            }
        }
        let many = "{\"Records\":[" + Array(repeating: "{\"Data\":\"eA==\",\"PartitionKey\":\"k\"}", count: 501).joined(separator: ",") + "]}"
        #expect(throws: TarnError.self) { try RecordsRequestDecoder.decode(Array(many.utf8), partitionKeys: true) }
    }

    /// The scanner skips eight bytes at a time; quotes, escapes and control characters must be
    /// found at every offset within a word.
    @Test func stringScanFindsSpecialBytesAtEveryOffset() throws {
        for length in 0..<40 {
            for position in 0...length {
                let prefix = String(repeating: "a", count: position), suffix = String(repeating: "b", count: length - position)
                let escaped = Array(("\"" + prefix + "\\\"" + suffix + "\" ").utf8)
                try escaped.withUnsafeBytes { raw in
                    var scanner = JSONScanner(raw)
                    let token = try scanner.string()
                    #expect(token.hasEscapes && token.range.count == length + 2)
                    #expect(try scanner.decode(token) == prefix + "\"" + suffix)
                }
                let control = Array(("\"" + prefix + "\u{1}" + suffix + "\"").utf8)
                #expect(throws: TarnError.self) {
                    try control.withUnsafeBytes { raw in
                        var scanner = JSONScanner(raw)
                        _ = try scanner.string()
                    }
                }
                let plain = Array(("\"" + prefix + "é" + suffix + "\"").utf8)
                try plain.withUnsafeBytes { raw in
                    var scanner = JSONScanner(raw)
                    let token = try scanner.string()
                    #expect(!token.hasEscapes && token.range.count == length + 2)
                }
            }
        }
    }

    @Test func writesSequenceNumbersLikeDescription() {
        for number in [SequenceNumber(shard: 0, ordinal: 0), SequenceNumber(shard: 12, ordinal: 98_765), SequenceNumber(shard: 9_999_999_999, ordinal: .max)] {
            var writer = JSONWriter()
            writer.sequenceNumber(number)
            #expect(String(decoding: writer.bytes, as: UTF8.self) == "\"\(number.description)\"")
        }
    }

    @Test func writerEscapesAndFormatsTimestamps() {
        var writer = JSONWriter()
        writer.string("a\"b\\c\n\u{1}")
        writer.raw(" ")
        writer.epochSeconds(milliseconds: 1_700_000_000_005)
        writer.raw(" ")
        writer.epochSeconds(milliseconds: 1_700_000_000_000)
        #expect(String(decoding: writer.bytes, as: UTF8.self) == #""a\"b\\c\u000a\u0001" 1700000000.005 1700000000"#)
    }
}

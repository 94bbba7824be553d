import Foundation
import TarnCore
import Testing

@testable import Ingest

/// The two-quads-per-step decoder against Foundation, at every length around its step
/// boundaries and with every padding shape.
@Suite struct Base64Tests {
    static func bytes(_ count: Int, seed: Int = 11) -> [UInt8] { (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ seed &+ $0 >> 3) } }

    /// Decodes through the pointer API into a buffer with guard bytes on both sides.
    static func decodeGuarded(_ text: [UInt8]) -> [UInt8]? {
        guard let count = text.withUnsafeBytes({ Base64.decodedCount(of: $0) }) else { return nil }
        var buffer = [UInt8](repeating: 0xA5, count: count + 16)
        let written = text.withUnsafeBytes { text in buffer.withUnsafeMutableBytes { Base64.decode(text, into: $0.baseAddress! + 8) } }
        guard let written else { return nil }
        #expect(written == count)
        #expect(buffer[..<8].allSatisfy { $0 == 0xA5 } && buffer[(8 + count)...].allSatisfy { $0 == 0xA5 }, "wrote outside \(count) bytes")
        return Array(buffer[8..<(8 + count)])
    }

    @Test(arguments: Array(0...40) + [255, 256, 257, 1022, 1023, 1024, 1025, 4096])
    func roundTripsEveryLength(length: Int) {
        let original = Self.bytes(length)
        let text = Array(Data(original).base64EncodedString().utf8)
        #expect(Self.decodeGuarded(text) == original)
        var appended: [UInt8] = [7]
        #expect(text.withUnsafeBytes { Base64.decode($0, appendingTo: &appended) })
        #expect(appended == [7] + original)
        var encoded: [UInt8] = []
        original.withUnsafeBytes { Base64.encode($0, appendingTo: &encoded) }
        #expect(encoded == text)
    }

    @Test func everyByteValueInEveryPosition() {
        // 256 × 3 bytes: each value lands in each of the three positions of a quad.
        let original = (0..<768).map { UInt8(truncatingIfNeeded: $0 / 3 &+ ($0 % 3) &* 85) }
        #expect(Self.decodeGuarded(Array(Data(original).base64EncodedString().utf8)) == original)
    }

    @Test func paddingShapes() {
        #expect(Self.decodeGuarded(Array("".utf8)) == [])
        #expect(Self.decodeGuarded(Array("YQ==".utf8)) == Array("a".utf8))
        #expect(Self.decodeGuarded(Array("YWI=".utf8)) == Array("ab".utf8))
        #expect(Self.decodeGuarded(Array("YWJj".utf8)) == Array("abc".utf8))
        #expect(Self.decodeGuarded(Array("YWJjZGVmZ2hp".utf8)) == Array("abcdefghi".utf8))
        #expect(Self.decodeGuarded(Array("YWJjZGVmZ2hpag==".utf8)) == Array("abcdefghij".utf8))
        #expect(Self.decodeGuarded(Array("YWJjZGVmZ2hpams=".utf8)) == Array("abcdefghijk".utf8))
    }

    @Test func rejectsMalformedText() {
        for bad in ["a", "ab", "abc", "abcde", "ab=c", "a===", "====", "=AAA", "A=AA", "@@@@", "YQ==YQ==", "YQ==x", "YWJj ZGVm", "YWJj\nZGVm", "YW-j", "YW_j"] {
            #expect(Self.decodeGuarded(Array(bad.utf8)) == nil, "\(bad)")
            var out: [UInt8] = [1]
            #expect(!Array(bad.utf8).withUnsafeBytes { Base64.decode($0, appendingTo: &out) }, "\(bad)")
            #expect(out == [1], "\(bad)")
        }
    }

    @Test func rejectsAnInvalidCharacterAtEveryPosition() {
        // Positions inside the two-quad steps, the single-quad tail and the padded quad.
        let valid = Array(Data(Self.bytes(40)).base64EncodedString().utf8)  // 56 characters, "=" at the end
        #expect(valid.last == UInt8(ascii: "="))
        for position in 0..<(valid.count - 1) {
            for bad in [UInt8(ascii: "*"), UInt8(ascii: "\""), 0x00, 0x80, 0xFF, UInt8(ascii: "=")] {
                // "…x==" is valid two-character padding (its unused bits are ignored, as before).
                if bad == UInt8(ascii: "=") && position == valid.count - 2 { continue }
                var text = valid
                text[position] = bad
                #expect(Self.decodeGuarded(text) == nil, "byte \(bad) at \(position)")
            }
        }
    }

    @Test func putRecordsWithInvalidDataKeepsKinesisError() {
        for data in ["aGVsbG8", "aGVs*G8=", "aGVsbG8=aGVs", "\\u0061GVsbG8="] {
            let body = #"{"StreamName":"s","Records":[{"Data":"aGk=","PartitionKey":"k"},{"Data":"\#(data)","PartitionKey":"k"}]}"#
            do {
                _ = try RecordsRequestDecoder.decode(Array(body.utf8), partitionKeys: true)
                Issue.record("accepted \(data)")
            } catch let error as TarnError {
                #expect(error.code == .serialization)
                #expect(error.message == "records.2.member.data is not valid base64")
            } catch {
                Issue.record("unexpected \(error)")
            }
        }
    }
}

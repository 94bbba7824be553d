import Access
import Foundation
import TarnCore
import Testing

/// Malformed input throws and never traps: deterministic random mutations of valid requests
/// and bodies (a crash fails the whole test run).
@Suite struct RobustnessTests {
    /// A small deterministic generator (SplitMix64) so failures reproduce.
    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
    }

    static let alphabet = Array("=,;/ %:\r\nAaZz09-_.~+&?\u{0}\u{7F}é".utf8)

    static func mutate(_ text: String, _ random: inout Random) -> String {
        var bytes = Array(text.utf8)
        for _ in 0...random.below(4) {
            switch random.below(3) {
            case 0 where !bytes.isEmpty: bytes.remove(at: random.below(bytes.count))
            case 1: bytes.insert(alphabet[random.below(alphabet.count)], at: random.below(bytes.count + 1))
            default: if !bytes.isEmpty { bytes[random.below(bytes.count)] = alphabet[random.below(alphabet.count)] }
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test func mutatedRequestsNeverTrap() {
        var random = Random(state: 42)
        let authenticator = VerificationErrorTests.authenticator()
        let header = VerificationErrorTests.signedGet()
        let presigned = VerificationErrorTests.presignedGet()
        var accepted = 0
        for round in 0..<3000 {
            var request = round % 2 == 0 ? header : presigned
            switch random.below(5) {
            case 0: request.rawPath = Self.mutate(request.rawPath, &random)
            case 1: request.rawQuery = Self.mutate(request.rawQuery, &random)
            case 2 where request.headers.contains("authorization"):
                request.headers.set("authorization", Self.mutate(request.headers["authorization"]!, &random))
            case 3: request.headers.set("x-amz-date", Self.mutate(request.headers["x-amz-date"] ?? "20261125T120000Z", &random))
            default: request.headers.set("x-amz-content-sha256", Self.mutate(request.payloadHashHeader ?? "UNSIGNED-PAYLOAD", &random))
            }
            if (try? authenticator.authenticate(request, service: "s3")) != nil { accepted += 1 }
        }
        // Some mutations are harmless (an unsigned header, an equivalent encoding); most are not.
        #expect(accepted < 1500)
    }

    @Test func mutatedChunkedBodiesNeverTrap() throws {
        var random = Random(state: 7)
        let (configuration, body) = try ChunkedDecoderTests.upload(.streamingSignedTrailer, trailers: [ChunkedDecoderTests.crc], chunkSize: 100, payload: Array(repeating: 0x41, count: 300))
        let (unsignedConfiguration, unsignedBody) = try ChunkedDecoderTests.upload(
            .streamingUnsignedTrailer, trailers: [ChunkedDecoderTests.crc], chunkSize: 100, payload: Array(repeating: 0x41, count: 300))
        var failures = 0
        for round in 0..<3000 {
            let signed = round % 2 == 0
            var bytes = signed ? body : unsignedBody
            for _ in 0...random.below(3) {
                let position = random.below(bytes.count)
                switch random.below(3) {
                case 0: bytes.remove(at: position)
                case 1: bytes.insert(Self.alphabet[random.below(Self.alphabet.count)], at: position)
                default: bytes[position] = Self.alphabet[random.below(Self.alphabet.count)]
                }
            }
            if tarnError({ _ = try ChunkedDecoderTests.decode(signed ? configuration : unsignedConfiguration, bytes, pieceSize: 1 + random.below(64)) }) != nil {
                failures += 1
            }
        }
        #expect(failures > 2500)
    }
}

import Columnar
import Foundation
import Parquet
import TarnCore
import TarnTesting
import Testing

/// Property: whatever bytes a file holds, decoding either succeeds or throws a `TarnError`; it
/// never traps (Swift traps on out-of-bounds access and overflow, which would kill this process).
/// Mutations are seeded, so a failure reproduces; the seed and mutation are in the message.
@Suite struct FuzzTests {
    /// Fixtures covering v1/v2 pages, dictionaries, every codec, delta encodings and nesting.
    static let seeds = [
        "alltypes_plain", "alltypes_dictionary", "alltypes_plain.snappy", "datapage_v2.snappy", "nullable.impala",
        "nested_maps.snappy", "delta_encoding_optional_column", "delta_byte_array", "byte_stream_split.zstd",
        "rle_boolean_encoding", "lz4_raw_compressed", "fixed_length_decimal", "list_columns", "int32_with_null_pages",
        "hadoop_lz4_compressed", "delta_length_byte_array", "repeated_no_annotation",
    ]

    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// Decodes `bytes` as a whole file through the push API (no disk).
    static func decode(_ bytes: [UInt8], name: String) throws -> Int {
        let size = Int64(bytes.count)
        let tail = ParquetMetadata.tailRange(fileSize: size)
        var result = try ParquetMetadata.decode(tail: Array(bytes[Int(tail.lowerBound)...]), fileSize: size, name: name)
        if case .needMore(let range) = result {
            result = try ParquetMetadata.decode(tail: Array(bytes[Int(range.lowerBound)...]), fileSize: size, name: name)
        }
        guard let metadata = result.metadata else { return 0 }
        let selection = try ColumnSelection(nil, schema: metadata.schema)
        var rows = 0
        for group in 0..<metadata.rowGroupCount {
            var chunks: [Int: [UInt8]] = [:]
            for (leaf, range) in try metadata.byteRanges(rowGroup: group, selection: selection) {
                chunks[leaf] = Array(bytes[Int(range.lowerBound)..<Int(range.upperBound)])
            }
            rows += try metadata.decodeRowGroup(group, selection: selection, chunks: chunks).rowCount
        }
        return rows
    }

    @Test(arguments: seeds)
    func mutatedFilesThrowOrDecode(_ name: String) throws {
        let original = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Fixtures.path("ParquetTests", "data/\(name).parquet"))))
        #expect(try Self.decode(original, name: name) > 0)
        // FNV-1a of the name: a stable seed per fixture.
        var random = SplitMix(state: name.utf8.reduce(0xCBF2_9CE4_8422_2325 as UInt64) { ($0 ^ UInt64($1)) &* 0x100_0000_01B3 })
        let iterations = Int(ProcessInfo.processInfo.environment["TARN_FUZZ_ITERATIONS"] ?? "") ?? 300
        var outcomes = (decoded: 0, rejected: 0)
        for iteration in 0..<iterations {
            var bytes = original
            let mutation = iteration % 4
            switch mutation {
            case 0:  // flip a few random bits
                for _ in 0..<Int.random(in: 1...4, using: &random) {
                    let at = Int.random(in: 0..<bytes.count, using: &random)
                    bytes[at] ^= UInt8(1) << UInt8.random(in: 0...7, using: &random)
                }
            case 1:  // overwrite a byte with an extreme value
                bytes[Int.random(in: 0..<bytes.count, using: &random)] = [0x00, 0xFF, 0x7F, 0x80].randomElement(using: &random)!
            case 2:  // truncate, keeping a valid-looking trailer so the footer parser goes deep
                let keep = Int.random(in: 0..<bytes.count, using: &random)
                bytes = Array(bytes.prefix(keep)) + Array(original.suffix(8))
            default:  // damage the footer region specifically
                let footerStart = max(0, bytes.count - 8 - Int.random(in: 1...200, using: &random))
                let at = Int.random(in: footerStart..<(bytes.count - 8), using: &random)
                bytes[at] = UInt8.random(in: 0...255, using: &random)
            }
            do {
                _ = try Self.decode(bytes, name: "\(name)#\(iteration)")
                outcomes.decoded += 1
            } catch is TarnError {
                outcomes.rejected += 1
            }
        }
        #expect(outcomes.decoded + outcomes.rejected == iterations)
        #expect(outcomes.rejected > 0, "\(name): no mutation was ever rejected")
    }
}

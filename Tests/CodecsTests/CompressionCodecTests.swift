import Codecs
import Testing
import TarnCore

@Suite struct CompressionCodecTests {
    static let roundTripCodecs: [CompressionCodec] = [.uncompressed, .snappy, .gzip, .zstd, .lz4Raw, .lz4Hadoop]

    /// Text-like input that compresses, plus a tail of pseudo-random bytes that does not.
    static func sample(_ count: Int) -> [UInt8] {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        return (0..<count).map { index in
            if index < count / 2 { return UInt8(ascii: "a") &+ UInt8(index % 7) }
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: state >> 33)
        }
    }

    @Test(arguments: roundTripCodecs, [0, 1, 100, 70_000])
    func roundTrip(codec: CompressionCodec, size: Int) throws {
        let input = Self.sample(size)
        var compressed: [UInt8] = []
        try input.withUnsafeBytes { try codec.compress($0, into: &compressed) }
        var output: [UInt8] = [9, 9, 9]
        try compressed.withUnsafeBytes { try codec.decompress($0, into: &output, uncompressedSize: size) }
        #expect(output == input)
        if size == 70_000 && codec != .uncompressed { #expect(compressed.count < size) }
    }

    @Test(arguments: roundTripCodecs.filter { $0 != .uncompressed })
    func wrongSizeIsCorrupt(codec: CompressionCodec) throws {
        let input = Self.sample(1000)
        var compressed: [UInt8] = []
        try input.withUnsafeBytes { try codec.compress($0, into: &compressed) }
        var output: [UInt8] = []
        #expect(throws: TarnError.self) {
            try compressed.withUnsafeBytes { try codec.decompress($0, into: &output, uncompressedSize: 999) }
        }
    }

    @Test(arguments: roundTripCodecs.filter { $0 != .uncompressed })
    func garbageThrows(codec: CompressionCodec) {
        let garbage: [UInt8] = (0..<64).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
        var output: [UInt8] = []
        #expect(throws: TarnError.self) {
            try garbage.withUnsafeBytes { try codec.decompress($0, into: &output, uncompressedSize: 500) }
        }
    }

    @Test func truncatedInputThrows() throws {
        for codec in Self.roundTripCodecs where codec != .uncompressed {
            let input = Self.sample(5000)
            var compressed: [UInt8] = []
            try input.withUnsafeBytes { try codec.compress($0, into: &compressed) }
            var output: [UInt8] = []
            let cut = Array(compressed.prefix(compressed.count / 2))
            #expect(throws: TarnError.self, "\(codec)") {
                try cut.withUnsafeBytes { try codec.decompress($0, into: &output, uncompressedSize: 5000) }
            }
        }
    }

    @Test func concatenatedGzipMembersDecodeAsOne() throws {
        let first = Array("hello, ".utf8), second = Array("world".utf8)
        var a: [UInt8] = [], b: [UInt8] = []
        try first.withUnsafeBytes { try CompressionCodec.gzip.compress($0, into: &a) }
        try second.withUnsafeBytes { try CompressionCodec.gzip.compress($0, into: &b) }
        var output: [UInt8] = []
        try (a + b).withUnsafeBytes { try CompressionCodec.gzip.decompress($0, into: &output, uncompressedSize: 12) }
        #expect(String(decoding: output, as: UTF8.self) == "hello, world")
    }

    @Test func rawLZ4BlockUnderHadoopIDFallsBack() throws {
        let input = Self.sample(3000)
        var raw: [UInt8] = []
        try input.withUnsafeBytes { try CompressionCodec.lz4Raw.compress($0, into: &raw) }
        var output: [UInt8] = []
        try raw.withUnsafeBytes { try CompressionCodec.lz4Hadoop.decompress($0, into: &output, uncompressedSize: 3000) }
        #expect(output == input)
    }

    @Test func unavailableCodecsSayUnsupported() {
        var output: [UInt8] = []
        #expect(throws: TarnError(.unsupported, "brotli decompression is not available in this build")) {
            try [UInt8](repeating: 1, count: 4).withUnsafeBytes { try CompressionCodec.brotli.decompress($0, into: &output, uncompressedSize: 10) }
        }
        #expect(CompressionCodec(name: "none") == .uncompressed)
        #expect(CompressionCodec(name: "ZSTD") == .zstd)
        #expect(CompressionCodec(name: "bogus") == nil)
    }
}

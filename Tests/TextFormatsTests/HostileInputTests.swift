import Testing
import Columnar
import Codecs
@testable import TextFormats

/// Random hostile input: the readers must never trap, and must give the same rows and the same
/// rejections however the input is chunked. Seeded, so a failure reproduces.
@Suite struct HostileInputTests {
    /// A small deterministic generator (SplitMix64).
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

    typealias Outcome = (rows: [[Value]], rejected: [String])

    func readCSV(_ bytes: [UInt8], chunks: [Int], schema: Schema, options: CSVOptions) throws -> Outcome {
        let reader = try CSVReader(schema: schema, options: options)
        var outcome: Outcome = ([], [])
        func drain() throws {
            while let result = try reader.nextBatch() {
                for row in 0..<result.batch.rowCount { outcome.rows.append(result.batch.columns.map { $0.value(at: row) }) }
                outcome.rejected += result.rejected.map { "\($0.lineNumber) \($0.reason) \($0.text)" }
            }
        }
        var offset = 0
        for size in chunks where offset < bytes.count {
            reader.push(Array(bytes[offset..<min(offset + size, bytes.count)]))
            offset += size
            try drain()
        }
        if offset < bytes.count { reader.push(Array(bytes[offset...])) }
        reader.finish()
        try drain()
        return outcome
    }

    func readJSON(_ bytes: [UInt8], chunks: [Int], schema: Schema, options: JSONOptions) throws -> Outcome {
        let reader = try JSONLinesReader(schema: schema, options: options)
        var outcome: Outcome = ([], [])
        func drain() throws {
            while let result = try reader.nextBatch() {
                for row in 0..<result.batch.rowCount { outcome.rows.append(result.batch.columns.map { $0.value(at: row) }) }
                outcome.rejected += result.rejected.map { "\($0.lineNumber) \($0.reason) \($0.text)" }
            }
        }
        var offset = 0
        for size in chunks where offset < bytes.count {
            reader.push(Array(bytes[offset..<min(offset + size, bytes.count)]))
            offset += size
            try drain()
        }
        if offset < bytes.count { reader.push(Array(bytes[offset...])) }
        reader.finish()
        try drain()
        return outcome
    }

    @Test(arguments: 0..<60)
    func csvNoiseIsChunkIndependent(seed: Int) throws {
        var random = Random(state: UInt64(seed))
        let alphabet: [UInt8] = Array("ab1,2,\"\"\n\r\n.-9 t\\".utf8) + [0xC3, 0xA9, 0xFF, 0xEF, 0xBB, 0xBF]
        let bytes = (0..<(200 + random.below(800))).map { _ in alphabet[random.below(alphabet.count)] }
        let schema = Schema([Field("a", .string), Field("b", .int64), Field("c", .float64, nullable: false)])
        var options = CSVOptions()
        options.batchSize = 1 + random.below(7)
        options.maxRecordBytes = 64 + random.below(64)
        // Over-long records are cut at the limit when streaming; keep reports comparable.
        options.maxRejectTextBytes = 48
        options.escape = seed % 3 == 0 ? UInt8(ascii: "\\") : nil
        options.skipLines = seed % 4
        options.skipEmptyLines = seed % 5 != 0
        options.hasHeader = seed % 7 != 0
        options.columnCountMismatch = seed % 6 == 0 ? .lenient : .reject
        options.emptyStringIsNull = seed % 2 == 0
        let whole = try readCSV(bytes, chunks: [], schema: schema, options: options)
        let chunks = (0..<200).map { _ in 1 + random.below(17) }
        let pieces = try readCSV(bytes, chunks: chunks, schema: schema, options: options)
        #expect(pieces.rows == whole.rows)
        #expect(pieces.rejected == whole.rejected)
    }

    @Test(arguments: 0..<60)
    func jsonNoiseIsChunkIndependent(seed: Int) throws {
        var random = Random(state: UInt64(seed) &+ 1000)
        let fragments = ["{", "}", "[", "]", "\"a\"", "\"b\"", ":", ",", "1", "-2.5e3", "true", "null", "\"\\u00e9\"", "\"\\ud83d\"", "\n", "\r\n", " ",
                         "{\"a\": 1, \"b\": \"x\"}\n", "\u{FF}", "\"2024-01-01\""]
        var bytes: [UInt8] = []
        for _ in 0..<(50 + random.below(300)) { bytes += Array(fragments[random.below(fragments.count)].utf8) }
        let schema = Schema([Field("a", .int64), Field("b", .string), Field("c", .list(Field("item", .float64)))])
        var options = JSONOptions()
        options.batchSize = 1 + random.below(5)
        options.maxLineBytes = 40 + random.below(100)
        options.maxDepth = 3
        let whole = try readJSON(bytes, chunks: [], schema: schema, options: options)
        let chunks = (0..<300).map { _ in 1 + random.below(13) }
        let pieces = try readJSON(bytes, chunks: chunks, schema: schema, options: options)
        #expect(pieces.rows == whole.rows)
        #expect(pieces.rejected == whole.rejected)
    }

    @Test func everyLineIsAccountedFor() throws {
        // Lines without quotes: every non-empty line is either a row or a rejection.
        var random = Random(state: 99)
        var text = "a,b\n"
        var lines = 0
        for _ in 0..<5000 {
            switch random.below(5) {
            case 0: text += "x,\(random.below(100))\n"
            case 1: text += "y,notanumber\n"
            case 2: text += "z\n"
            case 3: text += "w,1,2\n"
            default: text += "\n"; lines -= 1
            }
            lines += 1
        }
        let result = try CSVReader.read(Array(text.utf8), schema: Schema([Field("a", .string), Field("b", .int64)]))
        #expect(result.batch.rowCount + result.rejected.count == lines)
    }

    @Test func gzipCompressedCSVStream() throws {
        var text = "id,name\n"
        for index in 0..<20_000 { text += "\(index),name \(index)\n" }
        let compressed = try GzipCompressor.compress(Array(text.utf8), level: 6)
        let gunzip = try GzipDecompressor()
        let reader = try CSVReader(schema: Schema([Field("id", .int64), Field("name", .string)]))
        var rows = 0, sum = 0
        var plain: [UInt8] = []
        var offset = 0
        func drain() throws {
            while let result = try reader.nextBatch() {
                #expect(result.rejected.isEmpty)
                rows += result.batch.rowCount
                if case .int64(let ids) = result.batch.columns[0].storage { sum += ids.reduce(0) { $0 + Int($1) } }
            }
        }
        while offset < compressed.count {
            plain.removeAll(keepingCapacity: true)
            try gunzip.decompress(Array(compressed[offset..<min(offset + 1000, compressed.count)]), appendingTo: &plain)
            reader.push(plain)
            try drain()
            offset += 1000
        }
        try gunzip.finish()
        reader.finish()
        try drain()
        #expect(rows == 20_000)
        #expect(sum == 20_000 * 19_999 / 2)
    }
}

import Codecs
import Columnar
import Parquet
import TarnCore
import TarnTesting
import Testing
import TextFormats

@testable import Conversion

@Suite struct TextToParquetTests {
    /// Converts `input` pushed in `chunk`-byte pieces and reads the result back.
    func convert(
        _ input: [UInt8], format: TextFormat, schema: Schema? = nil, chunk: Int = 7
    ) throws -> (summary: ConversionSummary, rows: [[Value]], rejects: [RejectedRow], schema: Schema) {
        var rejects: [RejectedRow] = []
        let converter = TextToParquet(format: format, schema: schema, sink: MemorySink()) { rejects.append($0) }
        var offset = 0
        while offset < input.count {
            try converter.push(Array(input[offset..<min(input.count, offset + chunk)]))
            offset += chunk
        }
        let (summary, sink) = try converter.finish()
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try FileSystem.writeAtomically(sink.bytes, to: directory.path + "/out.parquet")
        let reader = try ParquetFileReader(path: directory.path + "/out.parquet")
        var rows: [[Value]] = []
        for group in 0..<reader.metadata.rowGroupCount {
            let batch = try reader.read(rowGroup: group, columns: nil).batch
            for row in 0..<batch.rowCount { rows.append(batch.columns.map { $0.value(at: row) }) }
        }
        return (summary, rows, rejects, reader.metadata.schema.columnarSchema)
    }

    @Test func csvWithInferredSchemaAndRejects() throws {
        let csv = Array("id,name,amount,day\n1,alpha,1.5,2024-01-02\n2,\"b, quoted\",2.25,2024-01-03\nthree,gamma,3,2024-01-04\n".utf8)
        // Inference sees "three" and makes `id` a string; with an explicit schema that row is rejected.
        let inferred = try convert(csv, format: .csv)
        #expect(inferred.summary.rowsWritten == 3)
        #expect(inferred.schema.fields.map(\.name) == ["id", "name", "amount", "day"])
        #expect(inferred.schema.fields[2].type == .float64)
        #expect(inferred.schema.fields[3].type == .date)

        let schema = Schema([Field("id", .int64), Field("name", .string), Field("amount", .float64), Field("day", .date)])
        let typed = try convert(csv, format: .csv, schema: schema)
        #expect(typed.summary.rowsWritten == 2)
        #expect(typed.summary.rowsRejected == 1)
        #expect(typed.rejects.first?.lineNumber == 4)
        #expect(typed.rejects.first?.columnName == "id")
        #expect(typed.rows[1][1] == .string("b, quoted"))
    }

    @Test func gzipJSONLinesIsDetectedByMagic() throws {
        let lines = (0..<500).map { "{\"event\":\"e\($0)\",\"n\":\($0),\"ok\":\($0 % 2 == 0)}" }.joined(separator: "\n") + "\n"
        let compressed = try GzipCompressor.compress(Array(lines.utf8), level: 6)
        let result = try convert(compressed, format: .jsonLines, chunk: 1000)
        #expect(result.summary.rowsWritten == 500)
        #expect(result.summary.bytesRead == Int64(compressed.count))
        #expect(result.rows[499] == [.string("e499"), .int(499), .bool(false)])
    }

    @Test func emptyInputWithExplicitSchemaWritesAValidEmptyFile() throws {
        let result = try convert([], format: .csv, schema: Schema([Field("a", .int64)]))
        #expect(result.summary.rowsWritten == 0)
        #expect(result.rows.isEmpty)
    }

    @Test func truncatedGzipFails() throws {
        let compressed = try GzipCompressor.compress(Array("a\n1\n2\n".utf8), level: 6)
        #expect(throws: TarnError.self) { try convert(Array(compressed.dropLast(6)), format: .csv) }
    }

    @Test(arguments: ["x.csv", "x.CSV.gz", "x.jsonl", "x.ndjson.gz", "x.json"])
    func formatsDetectByExtension(name: String) {
        #expect(TextFormat.detect(fileName: name) != nil)
        #expect(TextFormat.detect(fileName: name)?.gzip == name.lowercased().hasSuffix(".gz"))
    }
}

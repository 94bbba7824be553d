import Columnar
import Foundation
import Parquet
import TarnCore
import TarnTesting
import Testing

@Suite struct InspectorTests {
    @Test func schemaReportShowsParquetAndColumnarTypes() throws {
        let metadata = try ParquetFileReader(path: Fixtures.path("ParquetTests", "data/nested_maps.snappy.parquet")).metadata
        let report = ParquetInspector.schemaReport(metadata)
        #expect(report.hasPrefix("message spark_schema {\n"))
        #expect(report.contains("  optional group a (MAP) {\n    repeated group key_value {\n      required binary key (UTF8);"))
        #expect(report.contains("\na map(varchar, map(integer, boolean))\n"))
        #expect(report.contains("\nb integer not null\n"))
    }

    @Test func metaReportListsRowGroupsCodecsEncodingsAndStatistics() throws {
        let batch = RecordBatch(schema: Schema([Field("id", .int64), Field("name", .string)]),
                                columns: [WriterReaderTests.ints([3, 1, 2]), WriterReaderTests.strings(["b", nil, "a"])])
        let bytes = try WriterReaderTests.write(batch)
        let report = ParquetInspector.metaReport(try WriterReaderTests.metadata(bytes))
        #expect(report.contains("created by: tarn version "))
        #expect(report.contains("rows: 3 in 1 row group, 2 leaf columns"))
        let lines = report.split(separator: "\n").map(String.init)
        let id = try #require(lines.first { $0.hasPrefix("  id ") })
        #expect(id.contains("bigint") && id.contains("SNAPPY") && id.contains("RLE_DICTIONARY"))
        #expect(id.split(separator: " ").suffix(3) == ["0", "1", "3"])
        let name = try #require(lines.first { $0.hasPrefix("  name ") })
        #expect(name.contains("varchar") && name.split(separator: " ").suffix(3) == ["1", "a", "b"])
    }

    static func cat(_ path: String, columns: [String]? = nil, format: ParquetCat.Format) throws -> String {
        var sink = MemorySink()
        try ParquetCat.write(try ParquetFileReader(path: path), columns: columns, format: format, to: &sink)
        return String(decoding: sink.bytes, as: UTF8.self)
    }

    @Test func catWritesRFC4180CSVWithExactValues() throws {
        let directory = try TemporaryDirectory(prefix: "parquet-cat")
        defer { directory.remove() }
        var ts = ColumnBuilder(.timestamp(.microseconds, utc: true))
        ts.append(int: 1_704_067_200_123_456)
        ts.appendNull()
        var dec = ColumnBuilder(.decimal(precision: 10, scale: 2))
        dec.append(int: -5)
        dec.append(int: 123_456)
        var f = ColumnBuilder(.float32)
        f.append(double: 1.1)
        f.append(double: .nan)
        let batch = RecordBatch(
            schema: Schema([Field("name", .string), Field("at", ts.type), Field("amount", dec.type), Field("f", .float32)]),
            columns: [WriterReaderTests.strings(["a,b \"quoted\"", "line\nbreak"]), ts.build(), dec.build(), f.build()])
        let path = "\(directory.path)/t.parquet"
        var writer = try ParquetWriter(schema: batch.schema, sink: try FileSink(path: path))
        try writer.write(batch)
        try writer.finish().sink.flush()
        let csv = try Self.cat(path, format: .csv)
        #expect(csv == "name,at,amount,f\n\"a,b \"\"quoted\"\"\",2024-01-01T00:00:00.123456Z,-0.05,1.1\n\"line\nbreak\",,1234.56,NaN\n")
        let jsonl = try Self.cat(path, columns: ["amount", "name"], format: .jsonl)
        #expect(jsonl == "{\"amount\":\"-0.05\",\"name\":\"a,b \\\"quoted\\\"\"}\n{\"amount\":\"1234.56\",\"name\":\"line\\nbreak\"}\n")
    }

    @Test func catRendersNestedValuesAsJSON() throws {
        let jsonl = try Self.cat(Fixtures.path("ParquetTests", "data/nested_maps.snappy.parquet"), format: .jsonl)
        let first = try #require(jsonl.split(separator: "\n").first)
        // String-keyed maps become objects; other maps lists of entries.
        #expect(first == #"{"a":{"a":[{"key":1,"value":true},{"key":2,"value":false}]},"b":1,"c":1.0}"#)
        let csv = try Self.cat(Fixtures.path("ParquetTests", "data/alltypes_plain.parquet"), columns: ["id", "timestamp_col"], format: .csv)
        #expect(csv.hasPrefix("id,timestamp_col\n4,2009-03-01T00:00:00.000000000\n"))
        for line in jsonl.split(separator: "\n") {
            #expect((try? JSONSerialization.jsonObject(with: Data(line.utf8))) != nil, "\(line)")
        }
    }
}

import Foundation
import Testing
import Columnar
@testable import TextFormats

@Suite struct WriterTests {
    static let schema = Schema([
        Field("id", .int64), Field("name", .string), Field("price", .decimal(precision: 12, scale: 2)),
        Field("ratio", .float64), Field("ok", .boolean), Field("day", .date), Field("at", .timestamp(.microseconds, utc: true)),
        Field("wide", .decimal(precision: 30, scale: 4)), Field("small", .int8),
    ])

    static func sample() -> RecordBatch {
        var builders = schema.fields.map { ColumnBuilder($0.type) }
        let rows: [[Value]] = [
            [.int(1), .string("plain"), .decimal(1250, scale: 2), .double(0.1), .bool(true), .date(19737), .timestamp(1_705_313_730_123_000, .microseconds), .decimal(-123_456_789_012_345_678_901_234_5678, scale: 4), .int(-5)],
            [.int(-2), .string("needs, \"quotes\"\nand lines"), .decimal(-5, scale: 2), .double(1e-7), .bool(false), .date(-1), .timestamp(-1, .microseconds), .decimal(0, scale: 4), .int(127)],
            [.null, .string(""), .null, .null, .null, .null, .null, .null, .null],
            [.int(4), .null, .decimal(100_000_000_000, scale: 2), .double(123456789.125), .bool(true), .date(0), .timestamp(1_705_313_730_000_000, .microseconds), .decimal(1, scale: 4), .int(0)],
        ]
        for row in rows { for (index, value) in row.enumerated() { builders[index].append(value) } }
        return RecordBatch(schema: schema, columns: builders.map { $0.build() })
    }

    func assertSameValues(_ a: RecordBatch, _ b: RecordBatch) {
        #expect(a.rowCount == b.rowCount)
        for column in 0..<min(a.columns.count, b.columns.count) {
            for row in 0..<min(a.rowCount, b.rowCount) {
                #expect(a.columns[column].value(at: row) == b.columns[column].value(at: row), "row \(row) column \(a.schema.fields[column].name)")
            }
        }
    }

    @Test func csvTextAndRoundTrip() throws {
        var writer = CSVWriter(schema: Self.schema)
        var output: [UInt8] = []
        writer.write(Self.sample(), into: &output)
        let text = String(decoding: output, as: UTF8.self)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[0] == "id,name,price,ratio,ok,day,at,wide,small")
        #expect(lines[1] == "1,plain,12.50,0.1,true,2024-01-15,2024-01-15 10:15:30.123,-123456789012345678901234.5678,-5")
        #expect(text.contains("-2,\"needs, \"\"quotes\"\"\nand lines\",-0.05,1e-07,false,1969-12-31,1969-12-31 23:59:59.999999,0.0000,127\n"))
        #expect(text.contains("\n,\"\",,,,,,,\n"))
        // NULL is written as nothing and "" as `""`, so reading with emptyStringIsNull gives
        // back exactly what was written.
        var options = CSVOptions()
        options.emptyStringIsNull = true
        let back = try CSVReader.read(output, schema: Self.schema, options: options)
        #expect(back.rejected.isEmpty)
        assertSameValues(back.batch, Self.sample())
    }

    @Test func csvISOTimestampsAndNoHeader() {
        var options = CSVWriter.Options()
        options.isoTimestamps = true
        options.header = false
        options.lineEnding = "\r\n"
        var writer = CSVWriter(schema: Self.schema, options: options)
        var output: [UInt8] = []
        writer.write(Self.sample().slice(0..<1), into: &output)
        #expect(String(decoding: output, as: UTF8.self) == "1,plain,12.50,0.1,true,2024-01-15,2024-01-15T10:15:30.123Z,-123456789012345678901234.5678,-5\r\n")
    }

    @Test func jsonLinesTextAndRoundTrip() throws {
        let writer = JSONLinesWriter(schema: Self.schema)
        var output: [UInt8] = []
        writer.write(Self.sample(), into: &output)
        let lines = String(decoding: output, as: UTF8.self).split(separator: "\n")
        #expect(lines.count == 4)
        #expect(lines[0] == #"{"id":1,"name":"plain","price":12.50,"ratio":0.1,"ok":true,"day":"2024-01-15","at":"2024-01-15T10:15:30.123Z","wide":-123456789012345678901234.5678,"small":-5}"#)
        #expect(lines[1].contains(#""name":"needs, \"quotes\"\nand lines""#))
        #expect(lines[2] == #"{"id":null,"name":"","price":null,"ratio":null,"ok":null,"day":null,"at":null,"wide":null,"small":null}"#)
        // Every line is valid JSON to an independent parser.
        for line in lines { #expect((try? JSONSerialization.jsonObject(with: Data(line.utf8))) != nil) }
        let back = try JSONLinesReader.read(output, schema: Self.schema)
        #expect(back.rejected.isEmpty)
        assertSameValues(back.batch, Self.sample())
    }

    @Test func nestedValuesAsJSON() throws {
        let schema = Schema([
            Field("s", .structure([Field("a", .int64), Field("b", .list(Field("item", .string)))])),
            Field("m", .map(key: Field("key", .string, nullable: false), value: Field("value", .float64))),
        ])
        let text = #"{"s":{"a":1,"b":["x","y\"z"]},"m":{"k":1.5}}"# + "\n" + #"{"s":null,"m":{}}"# + "\n"
        let batch = try JSONLinesReader.read(Array(text.utf8), schema: schema).batch
        var output: [UInt8] = []
        JSONLinesWriter(schema: schema).write(batch, into: &output)
        #expect(String(decoding: output, as: UTF8.self) == text)
        var csv: [UInt8] = []
        var writer = CSVWriter(schema: schema)
        writer.write(batch, into: &csv)
        #expect(String(decoding: csv, as: UTF8.self) == "s,m\n\"{\"\"a\"\":1,\"\"b\"\":[\"\"x\"\",\"\"y\\\"\"z\"\"]}\",\"{\"\"k\"\":1.5}\"\n,{}\n")
    }

    @Test func nonFiniteDoublesAndControlCharacters() {
        let schema = Schema([Field("d", .float64), Field("s", .string)])
        var d = ColumnBuilder(.float64), s = ColumnBuilder(.string)
        d.append(double: .nan); s.append(string: "tab\there\u{01}")
        d.append(double: -.infinity); s.append(string: "é")
        let batch = RecordBatch(schema: schema, columns: [d.build(), s.build()])
        var json: [UInt8] = []
        JSONLinesWriter(schema: schema).write(batch, into: &json)
        #expect(String(decoding: json, as: UTF8.self) == "{\"d\":null,\"s\":\"tab\\there\\u0001\"}\n{\"d\":null,\"s\":\"é\"}\n")
        var csv: [UInt8] = []
        var writer = CSVWriter(schema: schema)
        writer.write(batch, into: &csv)
        #expect(String(decoding: csv, as: UTF8.self) == "d,s\nnan,tab\there\u{01}\n-inf,é\n")
    }
}

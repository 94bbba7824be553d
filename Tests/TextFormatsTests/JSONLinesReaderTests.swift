import Testing
import Columnar
import TarnCore
@testable import TextFormats

@Suite struct JSONLinesReaderTests {
    func read(_ text: String, _ schema: Schema, _ configure: (inout JSONOptions) -> Void = { _ in }) throws -> TextBatch {
        var options = JSONOptions()
        configure(&options)
        return try JSONLinesReader.read(Array(text.utf8), schema: schema, options: options)
    }

    @Test func scalarsByNameWithMissingAndExtraMembers() throws {
        let schema = Schema([
            Field("id", .int64), Field("name", .string), Field("price", .decimal(precision: 10, scale: 2)),
            Field("ok", .boolean), Field("ts", .timestamp(.microseconds, utc: true)), Field("score", .float64),
            Field("raw", .string),
        ])
        let text = #"""
            {"id": 1, "name": "caf\u00e9 \ud83d\ude00", "price": 12.50, "ok": true, "ts": "2024-01-15T10:15:30.250Z", "score": 1e3, "raw": {"a": [1, 2]}}
            {"name": "second", "id": "2", "extra": [1, {"x": null}], "ok": false, "price": "0.1", "raw": 42}

              {"id": 3, "score": null, "name": null, "NAME": "ignored", "raw": "s"}
            """#
        let result = try read(text, schema)
        #expect(result.rejected.isEmpty, "\(result.rejected)")
        let batch = result.batch
        #expect(batch.rowCount == 3)
        #expect(batch.columns[0].value(at: 1) == .int(2))
        #expect(batch.columns[1].value(at: 0) == .string("café 😀"))
        #expect(batch.columns[1].isNull(2))
        #expect(batch.columns[2].value(at: 0) == .decimal(1250, scale: 2))
        #expect(batch.columns[2].value(at: 1) == .decimal(10, scale: 2))
        #expect(batch.columns[3].value(at: 1) == .bool(false))
        #expect(batch.columns[3].isNull(2))
        #expect(batch.columns[4].value(at: 0) == .timestamp(1_705_313_730_250_000, .microseconds))
        #expect(batch.columns[5].value(at: 0) == .double(1000))
        #expect(batch.columns[5].isNull(2))
        #expect(batch.columns[6].value(at: 0) == .string(#"{"a": [1, 2]}"#))
        #expect(batch.columns[6].value(at: 1) == .string("42"))
    }

    @Test func nestedStructListAndMapColumns() throws {
        let schema = Schema([
            Field("user", .structure([Field("id", .int32), Field("tags", .list(Field("item", .string)))])),
            Field("points", .list(Field("item", .float64))),
            Field("attrs", .map(key: Field("key", .string, nullable: false), value: Field("value", .int64))),
        ])
        let text = #"""
            {"user": {"id": 7, "tags": ["a", "b"]}, "points": [1, 2.5], "attrs": {"x": 1, "y": 2}}
            {"user": null, "points": [], "attrs": {}}
            {"user": {"id": "not a number"}}
            {"points": {"wrong": "shape"}}
            """#
        let result = try read(text, schema)
        #expect(result.batch.rowCount == 2)
        #expect(result.batch.columns[0].value(at: 0) == .structure([.int(7), .list([.string("a"), .string("b")])]))
        #expect(result.batch.columns[0].isNull(1))
        #expect(result.batch.columns[1].value(at: 0) == .list([.double(1), .double(2.5)]))
        #expect(result.batch.columns[1].value(at: 1) == .list([]))
        #expect(result.batch.columns[2].value(at: 0) == .list([.structure([.string("x"), .int(1)]), .structure([.string("y"), .int(2)])]))
        #expect(result.rejected.map(\.lineNumber) == [3, 4])
        #expect(result.rejected[0].reason == "id: 'not a number' is not a valid integer")
        #expect(result.rejected[1].columnName == "points")
    }

    @Test func badLinesAreRejectedWithLineNumbers() throws {
        let schema = Schema([Field("id", .int64, nullable: false), Field("s", .string)])
        let text = "{\"id\": 1}\n{\"id\": 2,}\n[1,2]\n\"just a string\"\n{\"id\": 99999999999999999999}\n{\"s\": \"no id\"}\n{\"id\": 3, \"s\": \"ok\"}\r\n{\"id\": 4"
        let result = try read(text, schema)
        #expect(result.batch.rowCount == 2)
        #expect(result.rejected.map(\.lineNumber) == [2, 3, 4, 5, 6, 8])
        #expect(result.rejected[0].reason.hasPrefix("invalid JSON at byte 10"))
        #expect(result.rejected[1].reason == "expected a JSON object, found array")
        #expect(result.rejected[3].reason.contains("is not a valid bigint"))
        #expect(result.rejected[4].reason == "NULL in a column declared NOT NULL")
        #expect(result.rejected[5].text == "{\"id\": 4")
        #expect(result.batch.columns[1].value(at: 1) == .string("ok"))
    }

    @Test func invalidUTF8AndBOMAndCaseInsensitiveKeys() throws {
        let schema = Schema([Field("Name", .string)])
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("{\"name\": \"a\"}\n{\"name\": \"".utf8) + [0xFF] + Array("\"}\n".utf8)
        var options = JSONOptions()
        options.caseInsensitiveKeys = true
        let result = try JSONLinesReader.read(bytes, schema: schema, options: options)
        #expect(result.batch.rowCount == 1)
        #expect(result.batch.columns[0].value(at: 0) == .string("a"))
        #expect(result.rejected.count == 1 && result.rejected[0].reason.contains("invalid UTF-8"))
    }

    @Test func chunkBoundariesAnywhere() throws {
        let schema = Schema([Field("a", .int64), Field("b", .string)])
        let text = Array((0..<50).map { "{\"a\": \($0), \"b\": \"v\\n\($0)\"}\r\n" }.joined().utf8)
        let expected = try JSONLinesReader.read(text, schema: schema)
        for chunk in [1, 2, 7, 64] {
            let reader = try JSONLinesReader(schema: schema)
            var rows: [Value] = []
            var offset = 0
            func drain() throws {
                while let result = try reader.nextBatch() {
                    #expect(result.rejected.isEmpty)
                    for row in 0..<result.batch.rowCount { rows.append(result.batch.columns[1].value(at: row)) }
                }
            }
            while offset < text.count {
                reader.push(Array(text[offset..<min(offset + chunk, text.count)]))
                try drain()
                offset += chunk
            }
            reader.finish()
            try drain()
            #expect(rows == (0..<expected.batch.rowCount).map { expected.batch.columns[1].value(at: $0) })
            #expect(rows.count == 50)
        }
    }

    @Test func oversizedLineIsSkipped() throws {
        var options = JSONOptions()
        options.maxLineBytes = 32
        let reader = try JSONLinesReader(schema: Schema([Field("a", .int64)]), options: options)
        reader.push(Array("{\"a\": 1}\n{\"a\": \"".utf8))
        for _ in 0..<10 { reader.push(Array(repeating: UInt8(ascii: "x"), count: 100)) }
        reader.push(Array("\"}\n{\"a\": 2}\n".utf8))
        reader.finish()
        var values: [Value] = []
        var rejected: [RejectedRow] = []
        while let result = try reader.nextBatch() {
            rejected += result.rejected
            for row in 0..<result.batch.rowCount { values.append(result.batch.columns[0].value(at: row)) }
        }
        #expect(values == [.int(1), .int(2)])
        #expect(rejected.map(\.lineNumber) == [2])
    }
}

import Testing
import Columnar
import TarnCore
@testable import TextFormats

/// Typed CSV reading: values of every type, NULL rules, and hostile input reported per row.
@Suite struct CSVReaderTests {
    func read(_ text: String, _ schema: Schema?, _ configure: (inout CSVOptions) -> Void = { _ in }) throws -> TextBatch {
        var options = CSVOptions()
        configure(&options)
        return try CSVReader.read(Array(text.utf8), schema: schema, options: options)
    }

    @Test func typedValuesOfEveryScalarType() throws {
        let schema = Schema([
            Field("b", .boolean), Field("i8", .int8), Field("i16", .int16), Field("i32", .int32), Field("i64", .int64),
            Field("u32", .uint32), Field("f", .float32), Field("d", .float64), Field("dec", .decimal(precision: 10, scale: 2)),
            Field("wide", .decimal(precision: 30, scale: 3)), Field("day", .date),
            Field("ts", .timestamp(.microseconds, utc: true)), Field("t", .time(.milliseconds)), Field("s", .string),
        ])
        let text = [
            "b,i8,i16,i32,i64,u32,f,d,dec,wide,day,ts,t,s",
            "true,-128,32767,-5,9223372036854775807,4294967295,1.5,-2.5e-3,12.34,-123456789012345678901234567.125,2024-02-29,2024-01-15T10:15:30.123456Z,23:59:59.5,héllo",
            #"F,127, 7 ,0,-9223372036854775808,0,inf,1e308,-0.5,0,1970-01-01,2024-01-15 10:15:30+02:00,00:00,"a,""b""""#,
            "1,,,,,,,,,,,,,",
        ].joined(separator: "\n")
        let result = try read(text, schema)
        #expect(result.rejected.isEmpty, "\(result.rejected)")
        let batch = result.batch
        #expect(batch.rowCount == 3)
        #expect(batch.columns[0].value(at: 0) == .bool(true))
        #expect(batch.columns[0].value(at: 1) == .bool(false))
        #expect(batch.columns[0].value(at: 2) == .bool(true))
        #expect(batch.columns[1].value(at: 0) == .int(-128))
        #expect(batch.columns[2].value(at: 1) == .int(7))
        #expect(batch.columns[4].value(at: 0) == .int(.max))
        #expect(batch.columns[4].value(at: 1) == .int(.min))
        #expect(batch.columns[5].value(at: 0) == .uint(4_294_967_295))
        #expect(batch.columns[6].value(at: 1) == .double(.infinity))
        #expect(batch.columns[7].value(at: 0) == .double(-2.5e-3))
        #expect(batch.columns[7].value(at: 1) == .double(1e308))
        #expect(batch.columns[8].value(at: 0) == .decimal(1234, scale: 2))
        #expect(batch.columns[8].value(at: 1) == .decimal(-50, scale: 2))
        #expect(batch.columns[9].value(at: 0) == .decimal(-123_456_789_012_345_678_901_234_567_125, scale: 3))
        #expect(batch.columns[10].value(at: 0) == .date(19782))
        #expect(batch.columns[11].value(at: 0) == .timestamp(1_705_313_730_123_456, .microseconds))
        #expect(batch.columns[11].value(at: 1) == .timestamp(1_705_306_530_000_000, .microseconds))
        #expect(batch.columns[12].value(at: 0) == .time(86_399_500, .milliseconds))
        #expect(batch.columns[13].value(at: 0) == .string("héllo"))
        #expect(batch.columns[13].value(at: 1) == .string("a,\"b\""))
        // Row 3: empty fields are NULL for every non-string type and "" for strings.
        for column in 1..<13 { #expect(batch.columns[column].isNull(2), "column \(column)") }
        #expect(batch.columns[13].value(at: 2) == .string(""))
    }

    @Test func badValuesAreRejectedWithLineColumnAndReason() throws {
        let schema = Schema([Field("id", .int64, nullable: false), Field("qty", .int32), Field("at", .timestamp(.microseconds, utc: true)),
                             Field("price", .decimal(precision: 6, scale: 2))])
        let text = "id,qty,at,price\n1,2,2024-01-01T00:00:00,1.00\n2,two,2024-01-01T00:00:00,1.00\n3,1,2024-02-30T10:15:00,1.00\n"
            + "4,1,2024-01-15T25:61:00,1.00\n5,1,1705312512,1.00\n6,1,2024-01-01,1.005\n7,1,2024-01-01,12345.6\n,1,2024-01-01,1\n8,1,\n9,1,2024-03-31T23:59:59,2.5\n"
        let result = try read(text, schema)
        #expect(result.batch.rowCount == 2)
        #expect(result.batch.columns[0].value(at: 1) == .int(9))
        let reasons = result.rejected.map { "\($0.lineNumber) \($0.columnName ?? "-") \($0.reason)" }
        #expect(reasons == [
            "3 qty 'two' is not a valid integer",
            "4 at '2024-02-30T10:15:00' is not a valid timestamp(us, utc)",
            "5 at '2024-01-15T25:61:00' is not a valid timestamp(us, utc)",
            "6 at '1705312512' is not a valid timestamp(us, utc)",
            "7 price '1.005' has more than 2 decimal places (decimal(6,2) would have to round it)",
            "8 price '12345.6' does not fit decimal(6,2)",
            "9 id NULL in a column declared NOT NULL",
            "10 - expected 4 fields, found 3",
        ])
        #expect(result.rejected[0].text == "2,two,2024-01-01T00:00:00,1.00")
        #expect(result.rejected[0].columnIndex == 1)
    }

    @Test func hostileLayouts() throws {
        let schema = Schema([Field("a", .string), Field("b", .int64)])
        // BOM, CRLF, blank lines, embedded newlines, no trailing newline.
        var result = try read("\u{FEFF}a,b\r\n\r\n\"x\r\ny\",1\r\n\n\"q\"\"\",2", schema)
        #expect(result.rejected.isEmpty)
        #expect(result.batch.columns[0].value(at: 0) == .string("x\r\ny"))
        #expect(result.batch.columns[0].value(at: 1) == .string("q\""))
        // Empty file and header-only file.
        #expect(try read("", schema).batch.rowCount == 0)
        #expect(try read("a,b", schema).batch.rowCount == 0)
        // Too many / too few fields, text after a closing quote, unterminated quote.
        result = try read("a,b\n1,2,3\nz\n\"ok\"x,4\nfine,5\n\"open,6\nlast,7\n", schema)
        #expect(result.rejected.map(\.lineNumber) == [2, 3, 4, 6])
        #expect(result.rejected[2].reason.contains("after closing quote"))
        #expect(result.rejected[3].reason.contains("unterminated quoted field"))
        #expect(result.batch.rowCount == 2)
        #expect(result.batch.columns[0].value(at: 1) == .string("last"))
    }

    @Test func invalidUTF8AndHugeFields() throws {
        let schema = Schema([Field("s", .string), Field("n", .int64)])
        var bytes = Array("s,n\nok,1\n".utf8) + [0xC3, 0x28] + Array(",2\n".utf8) + [0xF0, 0x9F, 0x98, 0x80] + Array(",3\n".utf8)
        bytes += Array(String(repeating: "x", count: 5000).utf8) + Array(",4\n".utf8)
        var options = CSVOptions()
        options.maxFieldBytes = 4096
        options.maxRejectTextBytes = 100
        let result = try CSVReader.read(bytes, schema: schema, options: options)
        #expect(result.batch.rowCount == 2)
        #expect(result.batch.columns[0].value(at: 1) == .string("😀"))
        #expect(result.rejected.count == 2)
        #expect(result.rejected[0].reason == "invalid UTF-8 at byte 1 of the field")
        #expect(result.rejected[0].lineNumber == 3)
        #expect(result.rejected[1].reason.contains("exceeds the 4096-byte limit"))
        #expect(result.rejected[1].textTruncated && result.rejected[1].text.utf8.count == 100)
    }

    @Test func nullStringsAndOptions() throws {
        let schema = Schema([Field("s", .string), Field("n", .int64)])
        var result = try read("s,n\n\\N,\\N\n,\"\"\n\"\",1\n", schema)
        #expect(result.batch.columns[0].isNull(0) && result.batch.columns[1].isNull(0))
        #expect(result.batch.columns[0].value(at: 1) == .string(""))
        #expect(result.batch.columns[1].isNull(1))
        result = try read("s,n\n,1\n\"\",2\n", schema) { $0.emptyStringIsNull = true }
        #expect(result.batch.columns[0].isNull(0))
        #expect(result.batch.columns[0].value(at: 1) == .string(""))
        // Athena's skip.header.line.count, other delimiter, no header, backslash escapes.
        result = try read("junk line 1\njunk \"line 2\n1|'a\\'b'\n2|'c'\n", Schema([Field("n", .int64), Field("s", .string)])) {
            $0.skipLines = 2
            $0.hasHeader = false
            $0.delimiter = UInt8(ascii: "|")
            $0.quote = UInt8(ascii: "'")
            $0.escape = UInt8(ascii: "\\")
        }
        #expect(result.rejected.isEmpty)
        #expect(result.batch.columns[1].value(at: 0) == .string("a'b"))
        // Lenient column counts (Hive): missing → NULL, extra ignored.
        result = try read("s,n\nx\ny,2,extra\n", schema) { $0.columnCountMismatch = .lenient }
        #expect(result.rejected.isEmpty)
        #expect(result.batch.columns[1].isNull(0))
        #expect(result.batch.columns[1].value(at: 1) == .int(2))
    }

    @Test func quotingDisabledAndTabs() throws {
        let schema = Schema([Field("a", .string), Field("b", .int64)])
        let result = try read("a\tb\n\"x\"\t1\ny,z\t2\n", schema) {
            $0.delimiter = UInt8(ascii: "\t")
            $0.quote = nil
        }
        #expect(result.rejected.isEmpty)
        #expect(result.batch.columns[0].value(at: 0) == .string("\"x\""))
        #expect(result.batch.columns[0].value(at: 1) == .string("y,z"))
        #expect(throws: TarnError.self) { try CSVReader(schema: schema, options: { var o = CSVOptions(); o.delimiter = 0x0A; return o }()) }
    }

    @Test func lineNumbersCountPhysicalLines() throws {
        let schema = Schema([Field("a", .string), Field("b", .int64)])
        let result = try read("a,b\n\"multi\nline\",1\n\nbad,x\n\"x\r\ny\",2\rlone,cr\n", schema)
        #expect(result.rejected.map(\.lineNumber) == [5, 8])
        #expect(result.lineNumbers == [2, 6])  // the quoted CRLF is line 6→7; the lone CR ends line 7
    }

    @Test func oversizedOpenQuoteResynchronises() throws {
        let schema = Schema([Field("a", .string), Field("b", .int64)])
        var options = CSVOptions()
        options.maxRecordBytes = 64
        let reader = try CSVReader(schema: schema, options: options)
        reader.push(Array("a,b\nok,1\n\"never closed,2\n".utf8))
        for index in 0..<20 { reader.push(Array("row\(index),\(index)\n".utf8)) }
        var rows = 0
        var rejected: [RejectedRow] = []
        while let result = try reader.nextBatch() { rows += result.batch.rowCount; rejected += result.rejected }
        reader.finish()
        while let result = try reader.nextBatch() { rows += result.batch.rowCount; rejected += result.rejected }
        #expect(rejected.count == 1)
        #expect(rejected.first?.lineNumber == 3)
        #expect(rows == 21)
    }

    @Test func schemaWithoutHeaderNamesColumns() throws {
        let result = try read("1,2\n3,4\n", nil) { $0.hasHeader = false }
        #expect(result.batch.schema.fields.map(\.name) == ["column0", "column1"])
        let dup = try read("x,,x\n1,2,3\n", nil)
        #expect(dup.batch.schema.fields.map(\.name) == ["x", "column1", "x_1"])
    }

    @Test func nestedSchemasAreRefused() {
        #expect(throws: TarnError.self) { try CSVReader(schema: Schema([Field("l", .list(Field("e", .int32)))])) }
    }
}

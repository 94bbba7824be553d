import Testing
import Columnar
@testable import TextFormats

@Suite struct SchemaInferenceTests {
    @Test func csvColumnsGetTheNarrowestType() throws {
        let text = """
            id,price,flag,day,at,zip,name,empty,mixed
            1,1.5,true,2024-01-01,2024-01-01T10:00:00Z,08123,a,,1
            2,2,FALSE,2024-02-29,2024-01-01 10:00:00.5,12345,b,,x
            ,3e2,,,2024-03-01,,c,,2

            """
        let schema = try CSVSchemaInference.infer(sample: Array(text.utf8), isWholeFile: true, nullableFields: false)
        #expect(schema.fields.map(\.type) == [.int64, .float64, .boolean, .date, .timestamp(.microseconds, utc: true), .string, .string, .string, .string])
        #expect(schema.fields.map(\.nullable) == [true, false, true, true, false, true, false, true, false])
        // The inferred schema reads the file back without rejects.
        let result = try CSVReader.read(Array(text.utf8), schema: schema, options: { var o = CSVOptions(); o.enforceNotNull = false; return o }())
        #expect(result.rejected.isEmpty)
        #expect(result.batch.rowCount == 3)
    }

    @Test func csvSampleLimitsAndPartialSamples() throws {
        var text = "n\n"
        for index in 0..<100 { text += "\(index)\n" }
        text += "not a number\n"
        #expect(try CSVSchemaInference.infer(sample: Array(text.utf8), isWholeFile: true, maxRows: 100).fields[0].type == .int64)
        #expect(try CSVSchemaInference.infer(sample: Array(text.utf8), isWholeFile: true, maxRows: 1000).fields[0].type == .string)
        // A cut-off last line is not sampled when the sample is only the start of the file.
        #expect(try CSVSchemaInference.infer(sample: Array("a,b\n1,2\n3,x".utf8), isWholeFile: false).fields[1].type == .int64)
        #expect(try CSVSchemaInference.infer(sample: [], isWholeFile: true).fields.isEmpty)
        #expect(try CSVSchemaInference.infer(sample: Array("a,b\n".utf8), isWholeFile: true).fields.map(\.type) == [.string, .string])
    }

    @Test func jsonUnionInFirstSeenOrder() throws {
        let text = """
            {"id": 1, "user": {"name": "a", "age": 30}, "tags": ["x"], "ts": "2024-01-01T00:00:00Z", "v": 1}
            {"id": 2, "extra": true, "user": {"name": "b", "email": "b@x"}, "tags": [], "ts": "2024-01-02", "v": 2.5}
            {"id": 3, "user": null, "tags": null, "ts": null, "v": 3, "odd": 1}
            {"id": 4, "odd": {"nested": 1}, "day": "2024-05-06", "v": null}
            """
        let schema = JSONSchemaInference.infer(sample: Array(text.utf8), isWholeFile: true, nullableFields: false)
        #expect(schema.fields.map(\.name) == ["id", "user", "tags", "ts", "v", "extra", "odd", "day"])
        #expect(schema.fields[0].type == .int64 && !schema.fields[0].nullable)
        #expect(schema.fields[1].type == .structure([Field("name", .string, nullable: false), Field("age", .int64), Field("email", .string)]))
        #expect(schema.fields[1].nullable)
        #expect(schema.fields[2].type == .list(Field("item", .string)))
        #expect(schema.fields[3].type == .timestamp(.microseconds, utc: true))
        #expect(schema.fields[4].type == .float64)
        #expect(schema.fields[5].type == .boolean && schema.fields[5].nullable)
        #expect(schema.fields[6].type == .string)  // number vs object: JSON text
        #expect(schema.fields[7].type == .date)
        // The inferred schema reads the sample back without rejects.
        let result = try JSONLinesReader.read(Array(text.utf8), schema: schema)
        #expect(result.rejected.isEmpty, "\(result.rejected)")
        #expect(result.batch.column(named: "odd")?.value(at: 2) == .string("1"))
        #expect(result.batch.column(named: "odd")?.value(at: 3) == .string(#"{"nested": 1}"#))
    }
}

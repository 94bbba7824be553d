import Columnar
import QueryExecution
import Testing

@testable import Query

@Suite struct ResultFormatterTests {
    func result() -> QueryResult {
        let schema = Schema([
            Field("s", .string), Field("d", .float64), Field("ts", .timestamp(.microseconds, utc: false)), Field("n", .decimal(precision: 10, scale: 2)),
            Field("i", .int64),
        ])
        var builders = schema.fields.map { ColumnBuilder($0.type) }
        builders[0].append(string: "a,\"b\"\nc")
        builders[1].append(double: 0.1)
        builders[2].append(int: 1_704_067_200_123_456)
        builders[3].append(int128: -12345)
        builders[4].append(int: 42)
        builders[0].appendNull()
        builders[1].append(double: 1e-5)
        builders[2].appendNull()
        builders[3].appendNull()
        builders[4].appendNull()
        return QueryResult(schema: schema, batches: [RecordBatch(schema: schema, columns: builders.map { $0.build() }, rowCount: 2)], statistics: QueryStatistics())
    }

    @Test func csvFollowsRFC4180() {
        #expect(ResultFormatter.render(result(), format: .csv) == "s,d,ts,n,i\n\"a,\"\"b\"\"\nc\",0.1,2024-01-01 00:00:00.123,-123.45,42\n,1e-05,,,\n")
    }

    @Test func jsonKeepsTypes() {
        #expect(ResultFormatter.render(result(), format: .json) == """
            {"columns":[{"name":"s","type":"varchar"},{"name":"d","type":"double"},{"name":"ts","type":"timestamp(6)"},\
            {"name":"n","type":"decimal(10,2)"},{"name":"i","type":"bigint"}],\
            "rows":[["a,\\"b\\"\\nc",0.1,"2024-01-01 00:00:00.123456","-123.45",42],[null,1e-05,null,null,null]]}

            """)
    }

    @Test func tableAligns() {
        let text = ResultFormatter.render(result(), format: .table)
        #expect(text.split(separator: "\n").count >= 3)
        #expect(text.contains("NULL"))
    }
}

import Columnar
import Foundation
import TarnCore
import TarnTesting
import Testing

@testable import Catalog

@Suite struct CatalogStoreTests {
    func sales(database: String = "retail") -> TableDefinition {
        TableDefinition(
            database: database, name: "Sales",
            columns: [ColumnDefinition(name: "order_id", type: "string"), ColumnDefinition(name: "Total", type: "decimal(12,2)")],
            partitionKeys: [ColumnDefinition(name: "year", type: "int"), ColumnDefinition(name: "month", type: "int")],
            location: "s3://lake/cleansed/sales", format: .parquet)
    }

    @Test func databasesTablesAndPartitionsPersist() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path + "/catalog.db"
        do {
            let catalog = try CatalogStore(path: path)
            try await catalog.createDatabase(DatabaseDefinition(name: "Retail"))
            try await catalog.createTable(sales())
            let added = try await catalog.addPartitions(
                database: "retail", table: "sales",
                [
                    PartitionDefinition(values: ["2024", "1"], location: "s3://lake/cleansed/sales/year=2024/month=1/"),
                    PartitionDefinition(values: ["2024", "2"], location: "s3://lake/cleansed/sales/year=2024/month=2/"),
                ])
            #expect(added == 2)
            // Re-adding is idempotent by default, as MSCK REPAIR needs.
            #expect(try await catalog.addPartitions(database: "retail", table: "sales", [PartitionDefinition(values: ["2024", "1"], location: "x")]) == 0)
        }
        let reopened = try CatalogStore(path: path)
        #expect(try reopened.databases().map(\.name) == ["retail"])
        let table = try #require(try reopened.table(database: "RETAIL", name: "SALES"))
        #expect(table.name == "sales")
        #expect(table.columns.map(\.name) == ["order_id", "total"])
        #expect(try reopened.partitions(database: "retail", table: "sales").map(\.values) == [["2024", "1"], ["2024", "2"]])
        #expect(try await reopened.dropPartitions(database: "retail", table: "sales", values: [["2024", "1"]]) == 1)
        #expect(try reopened.partitions(database: "retail", table: "sales").count == 1)
    }

    @Test func errorsUseGlueCodes() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let catalog = try CatalogStore(path: directory.path + "/catalog.db")
        await #expect { try await catalog.createTable(sales()) } throws: { ($0 as? TarnError)?.code == .entityNotFound }
        try await catalog.createDatabase(DatabaseDefinition(name: "retail"))
        try await catalog.createTable(sales())
        await #expect { try await catalog.createTable(sales()) } throws: { ($0 as? TarnError)?.code == .alreadyExists }
        try await catalog.createTable(sales(), ifNotExists: true)
        await #expect { try await catalog.dropDatabase("retail") } throws: { ($0 as? TarnError)?.code == .invalidRequest }
        await #expect {
            try await catalog.addPartitions(database: "retail", table: "sales", [PartitionDefinition(values: ["2024"], location: "x")])
        } throws: { ($0 as? TarnError)?.code == .invalidArgument }
        try await catalog.dropDatabase("retail", cascade: true)
        #expect(try catalog.table(database: "retail", name: "sales") == nil)
    }

    @Test(arguments: [
        ("bigint", DataType.int64), ("INT", .int32), ("string", .string), ("varchar(20)", .string), ("decimal(12,2)", .decimal(precision: 12, scale: 2)),
        ("decimal", .decimal(precision: 10, scale: 0)), ("timestamp", .timestamp(.microseconds, utc: false)), ("date", .date), ("double", .float64),
        ("array<string>", .list(Field("element", .string))),
        ("map<string,int>", .map(key: Field("key", .string, nullable: false), value: Field("value", .int32))),
        ("struct<a:int, `b c`:array<double>>", .structure([Field("a", .int32), Field("b c", .list(Field("element", .float64)))])),
        ("row(a integer, b varchar)", .structure([Field("a", .int32), Field("b", .string)])),
    ])
    func hiveTypesParse(text: String, expected: DataType) throws {
        #expect(try HiveType.parse(text) == expected)
    }

    @Test func hiveTypeErrorsNamePosition() {
        #expect { try HiveType.parse("decimal(40,2)") } throws: { ($0 as? TarnError)?.message.contains("precision") == true }
        #expect { try HiveType.parse("array<int") } throws: { ($0 as? TarnError)?.message.contains("expected '>'") == true }
        #expect { try HiveType.parse("strng") } throws: { ($0 as? TarnError)?.message.contains("unknown type 'strng'") == true }
    }

    @Test func renderRoundTrips() throws {
        for text in ["bigint", "decimal(12,2)", "array<struct<a:int,b:string>>", "map<string,double>", "timestamp", "date"] {
            #expect(HiveType.render(try HiveType.parse(text)) == text)
        }
    }
}

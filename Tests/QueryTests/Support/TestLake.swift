import Columnar
import Foundation
import Query
import QueryExecution
import Storage
import TarnCore
import TarnTesting

/// A throw-away lake for one test: an object store with a `lake` bucket and a query service
/// over it (local files allowed, as in the embedded CLI).
final class TestLake: Sendable {
    let directory: TemporaryDirectory
    let objects: ObjectStore
    let service: QueryService

    init(options: QueryServiceOptions = QueryServiceOptions(allowLocalFiles: true)) async throws {
        directory = try TemporaryDirectory(prefix: "tarn-query")
        objects = try ObjectStore(directory: directory.path + "/storage")
        service = try QueryService(directory: directory.path, objects: objects, options: options)
        try await objects.createBucket("lake")
    }

    deinit { directory.remove() }

    /// Stores an object.
    func put(_ key: String, _ text: String, bucket: String = "lake") async throws {
        try await objects.put(bucket: bucket, key: key, bytes: Array(text.utf8))
    }

    /// Stores an object's bytes.
    func put(_ key: String, bytes: [UInt8], bucket: String = "lake") async throws {
        try await objects.put(bucket: bucket, key: key, bytes: bytes)
    }

    /// Runs one statement in `database`.
    @discardableResult
    func run(_ sql: String, database: String = "default") async throws -> StatementResult {
        var context = QueryContext(database: database)
        return try await service.execute(sql, context: &context)
    }

    /// Runs a query and returns its rows as Trino-style text.
    func rows(_ sql: String, database: String = "default") async throws -> [[String]] {
        try await run(sql, database: database).result.textRows
    }

    /// Keys below a prefix.
    func keys(_ prefix: String, bucket: String = "lake") throws -> [String] {
        try objects.list(bucket: bucket, prefix: prefix).objects.map(\.key)
    }
}

/// Small sales data: 3 days, 2 regions, one dirty row (non-numeric quantity) and one with an
/// empty customer.
enum SalesFixture {
    static let header = "order_id,line_no,region,quantity,total,customer_id,sold_at"
    static let rows = [
        "O1,1,east,2,10.50,C1,2024-01-01T09:00:00",
        "O1,2,east,1,3.25,C1,2024-01-01T09:00:00",
        "O2,1,west,5,50.00,,2024-01-01T10:30:00",
        "O3,1,west,x,7.00,C2,2024-01-02T11:00:00",
        "O4,1,east,3,30.00,C3,2024-01-02T12:00:00",
        "O5,1,west,4,44.40,C2,2024-01-03T08:15:00",
        "O6,1,east,1,9.99,C4,2024-01-03T23:59:59",
    ]
    static var csv: String { ([header] + rows).joined(separator: "\n") + "\n" }

    static let ddl = """
        CREATE EXTERNAL TABLE sales_raw (
          order_id string, line_no bigint, region string, quantity bigint, total decimal(12,2), customer_id string, sold_at timestamp)
        ROW FORMAT DELIMITED FIELDS TERMINATED BY ','
        LOCATION 's3://lake/raw/sales/'
        TBLPROPERTIES ('skip.header.line.count'='1')
        """
}

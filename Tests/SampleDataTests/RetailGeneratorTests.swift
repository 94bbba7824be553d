import Columnar
import Foundation
import TarnCore
import TarnTesting
import Testing
import TextFormats

@testable import SampleData

@Suite struct RetailGeneratorTests {
    static let salesSchema = Schema([
        Field("order_id", .string, nullable: false), Field("line_no", .int32), Field("store_id", .string, nullable: false),
        Field("region", .string), Field("product_id", .string, nullable: false), Field("category", .string),
        Field("quantity", .int32, nullable: false), Field("unit_price", .decimal(precision: 10, scale: 2)),
        Field("discount", .decimal(precision: 4, scale: 2)), Field("total", .decimal(precision: 12, scale: 2)),
        Field("payment_type", .string), Field("customer_id", .string), Field("sold_at", .timestamp(.microseconds, utc: true), nullable: false),
    ])

    func generate(_ options: RetailOptions) throws -> (TemporaryDirectory, RetailManifest) {
        let directory = try TemporaryDirectory(prefix: "tarn-gen")
        return (directory, try RetailGenerator(options: options).generate(to: directory.path))
    }

    var small: RetailOptions {
        var options = RetailOptions()
        options.scale = 0.01
        options.days = 2
        options.dirtyRate = 0.01
        return options
    }

    @Test func sameSeedSameBytes() throws {
        let (first, manifestA) = try generate(small)
        let (second, manifestB) = try generate(small)
        defer { first.remove(); second.remove() }
        #expect(manifestA == manifestB)
        for file in manifestA.files {
            #expect(try FileSystem.readFile(first.path + "/" + file) == FileSystem.readFile(second.path + "/" + file), "\(file)")
        }
        var other = small
        other.seed = 7
        let (third, manifestC) = try generate(other)
        defer { third.remove() }
        #expect(manifestC.salesRows != manifestA.salesRows || manifestC.clickstreamRows != manifestA.clickstreamRows)
    }

    @Test func headersMatchGenRetail() throws {
        let (directory, manifest) = try generate(small)
        defer { directory.remove() }
        func header(_ relative: String) throws -> String {
            String(decoding: try FileSystem.readFile(directory.path + "/" + relative), as: UTF8.self).split(separator: "\n").first.map(String.init) ?? ""
        }
        #expect(try header("products/products.csv") == "product_id,product_name,category,brand,list_price,unit_cost")
        #expect(try header("stores/stores.csv") == "store_id,store_name,region,city,opened_on,sq_ft")
        #expect(try header("inventory/2024-03-01/inventory.csv") == "snapshot_date,store_id,product_id,on_hand,on_order")
        let salesFile = try #require(manifest.files.first { $0.hasPrefix("sales/") })
        #expect(try header(salesFile) == "order_id,line_no,store_id,region,product_id,category,quantity,unit_price,discount,total,payment_type,customer_id,sold_at")
        let clickFile = try #require(manifest.files.first { $0.hasPrefix("clickstream/") && $0.hasSuffix("-12.jsonl") })
        let event = try JSONSerialization.jsonObject(with: Data(try header(clickFile).utf8)) as? [String: Any]
        #expect(Set(event?.keys.map { $0 } ?? []) == ["event_id", "session_id", "user_id", "event_type", "url", "product_id", "ts", "device", "referrer", "region"])
    }

    /// The manifest's promise: a strict reader rejects exactly the dirty rows, and the clean rows
    /// hold exactly `salesCleanDistinctRows` distinct lines.
    @Test func manifestAccountsForEveryRow() throws {
        let (directory, manifest) = try generate(small)
        defer { directory.remove() }
        var options = CSVOptions()
        options.emptyStringIsNull = true  // empty required fields must count as missing
        var rejected = 0, kept = 0
        var distinct = Set<String>()
        for file in manifest.files where file.hasPrefix("sales/") {
            let bytes = try FileSystem.readFile(directory.path + "/" + file)
            let reader = try CSVReader(schema: Self.salesSchema, options: options)
            reader.push(bytes)
            reader.finish()
            while let result = try reader.nextBatch() {
                rejected += result.rejected.count
                kept += result.batch.rowCount
                let orders = result.batch.columns[0], lines = result.batch.columns[1]
                for row in 0..<result.batch.rowCount {
                    distinct.insert("\(orders.string(at: row)!)#\(lines.value(at: row))")
                }
            }
        }
        #expect(rejected == manifest.salesDirtyRowsTotal)
        #expect(kept + rejected == manifest.salesRows)
        #expect(distinct.count == manifest.salesCleanDistinctRows)
        #expect(manifest.salesDuplicateRows > 0)
        #expect(manifest.salesDirtySourceRows > 0)
    }
}

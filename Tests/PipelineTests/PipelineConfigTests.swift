import Foundation
import Pipeline
import TarnCore
import TarnTesting
import Testing

@Suite struct PipelineConfigTests {
    @Test func retailExampleIsValidAndBuiltIn() throws {
        let path = Fixtures.packageRoot + "/" + RetailLakeExample.path
        let text = String(decoding: try FileSystem.readFile(path), as: UTF8.self)
        #expect(text == RetailLakeExample.yaml, "RetailLakeExample.swift must embed examples/retail/lake.yaml unchanged: run scripts/embed-retail-example.py")
        let config = try PipelineConfigParser.parse(text, source: path)
        #expect(config.environments.map(\.bucket) == ["retail-dev-data", "retail-prod-data"])
        #expect(config.environments.map(\.database) == ["retail_dev", "retail_prod"])
        #expect(config.tables.map(\.name) == ["sales", "clickstream", "inventory", "products", "stores"])
        #expect(config.tables.map(\.sourcePrefix) == ["sales/", "clickstream/", "inventory/", "products/", "stores/"])
        #expect(config.marts.count >= 4)
        let sales = try #require(config.tables.first { $0.name == "sales" })
        // The columns of ../shared/bench/gen_retail.py, then the derived partition columns.
        #expect(
            sales.columns.map(\.name) == [
                "order_id", "line_no", "store_id", "region", "product_id", "category", "quantity", "unit_price", "discount", "total",
                "payment_type", "customer_id", "sold_at", "year", "month", "day",
            ])
        let job = config.job(sales, in: config.environments[0])
        #expect(job.name == "dev.sales")
        #expect(job.source.bucket == "retail-dev-data" && job.source.prefix == "raw/sales/")
        #expect(job.target.prefix == "cleansed/sales/" && job.target.database == "retail_dev")
        #expect(job.quarantine.prefix == "quarantine/sales/")
    }

    @Test func everyMistakeIsReportedWithItsLine() throws {
        let path = Fixtures.path("PipelineTests", "broken-lake.yaml")
        let text = String(decoding: try FileSystem.readFile(path), as: UTF8.self)
        var issues: [ConfigIssue] = []
        do {
            _ = try PipelineConfigParser.parse(text, source: "broken-lake.yaml")
            Issue.record("a broken file parsed")
        } catch let error as ConfigErrors {
            issues = error.issues
        }
        func has(line: Int, _ fragment: String) -> Bool { issues.contains { $0.line == line && $0.description.contains(fragment) } }
        #expect(has(line: 4, "Bad_Bucket"), "\(issues)")
        #expect(issues.contains { $0.description.contains("database retail_dev is used by two environments") })
        #expect(issues.contains { $0.message.contains("overlap") })
        #expect(has(line: 12, "'parquet' is not one of"))
        #expect(has(line: 20, "unknown setting 'trigers' (did you mean 'triggers'?)"))
        #expect(issues.contains { $0.path == "tables.sales" && $0.line == 11 }, "the job's own validation, at the table's line")
        #expect(has(line: 22, "'nowhere' is neither a table nor a mart"))
        #expect(issues.contains { $0.path == "marts.daily.sql" && $0.line >= 24 && $0.message.hasPrefix("SQL:") })
        #expect(issues.contains { $0.message.contains("cycle") })
        // Sorted by line, so the output reads top to bottom.
        #expect(issues.map(\.line) == issues.map(\.line).sorted())
    }

    @Test func syntaxErrorsHaveALine() {
        do {
            _ = try PipelineConfigParser.parse("version: 1\nenvironments:\n  dev: { bucket: a\n", source: "x.yaml")
            Issue.record("parsed")
        } catch let error as ConfigErrors {
            #expect(error.issues.count == 1)
            #expect(error.issues[0].line >= 3)
            #expect(error.issues[0].message.hasPrefix("YAML syntax"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}

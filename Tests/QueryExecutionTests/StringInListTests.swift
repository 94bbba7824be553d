import Columnar
import Foundation
import QueryPlanner
import TarnCore
import Testing
@testable import QueryExecution

/// `string_column IN ('a', …)` takes a one-pass path when no item is NULL; NULL rows stay NULL,
/// empty strings and prefixes do not match longer values, and a NULL item keeps Trino's
/// three-valued answer through the general path.
@Suite struct StringInListTests {
    func run(_ sql: String) throws -> [[String]] {
        let schema = Schema([Field("k", .int64), Field("s", .string)])
        var strings = ColumnBuilder(.string)
        let values: [String?] = ["credit_card", "cash", nil, "", "credit", "mobile_wallet", "credit_cards"]
        for value in values {
            if let value { strings.append(string: value) } else { strings.appendNull() }
        }
        let batch = RecordBatch(schema: schema, columns: [Column(type: .int64, storage: .int64((0..<Int64(values.count)).map { $0 })), strings.build()])
        let engine = QueryEngine(catalog: StaticCatalog(tables: ["t": InMemoryTable(name: "t", schema: schema, batches: [batch])]))
        return try engine.execute(sql).textRows
    }

    @Test func matchesWholeValuesOnly() throws {
        #expect(try run("SELECT k FROM t WHERE s IN ('credit_card', 'mobile_wallet') ORDER BY k") == [["0"], ["5"]])
        #expect(try run("SELECT k FROM t WHERE s IN ('') ORDER BY k") == [["3"]])
        #expect(try run("SELECT k, s IN ('cash', 'credit') FROM t ORDER BY k").map { $0[1] } == ["false", "true", "NULL", "false", "true", "false", "false"])
    }

    @Test func nullItemKeepsThreeValuedLogic() throws {
        // x IN ('cash', NULL): true when x is 'cash', else NULL (never false).
        #expect(try run("SELECT k, s IN ('cash', NULL) FROM t ORDER BY k").map { $0[1] } == ["NULL", "true", "NULL", "NULL", "NULL", "NULL", "NULL"])
        #expect(try run("SELECT k FROM t WHERE s NOT IN ('cash', 'credit') ORDER BY k") == [["0"], ["3"], ["5"], ["6"]])
    }
}

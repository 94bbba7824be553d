import Columnar
import Testing
@testable import QueryExecution
import QueryPlanner

@Suite struct SmokeTests {
    @Test func groupByOrderBy() throws {
        let engine = QueryEngine(catalog: try FixtureTables.catalog())
        let result = try engine.execute("SELECT region, count(*) AS n, sum(qty) FROM orders GROUP BY region ORDER BY n DESC, region")
        #expect(result.textRows == [["east", "4", "17"], ["west", "4", "10"], ["north", "2", "3"], ["south", "1", "3"], ["NULL", "1", "10"]])
    }
}

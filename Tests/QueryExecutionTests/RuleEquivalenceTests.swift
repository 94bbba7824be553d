import Columnar
import Foundation
import QueryExecution
import QueryPlanner
import TarnCore
import Testing

/// Every optimizer rule must keep a query's answer: each golden query runs with each optional
/// rule switched off, and serially, and must give the rows of the fully optimized parallel run.
@Suite struct RuleEquivalenceTests {
    static let optionalRules = ["constant_folding", "predicate_pushdown", "projection_pruning", "limit_pushdown", "join_side_selection"]

    @Test(arguments: optionalRules + ["serial"])
    func ruleKeepsAnswers(_ rule: String) throws {
        let catalog = try FixtureTables.catalog()
        let full = QueryEngine(catalog: catalog)
        let variant = rule == "serial"
            ? QueryEngine(catalog: catalog, options: EngineOptions(parallelism: 1))
            : QueryEngine(catalog: catalog, options: EngineOptions(disabledRules: [rule]))
        var checked = 0
        for path in try SLTFile.files() {
            let text = String(decoding: try FileSystem.readFile(path), as: UTF8.self)
            for testCase in SLTFile.parse(text) {
                guard case .query = testCase.kind, !testCase.sql.contains("random") else { continue }
                let expected = try full.execute(testCase.sql).textRows
                let actual = try variant.execute(testCase.sql).textRows
                let sorted = { (rows: [[String]]) in rows.sorted { $0.joined(separator: "|") < $1.joined(separator: "|") } }
                // Without ORDER BY the row order may legitimately differ; sums of doubles may
                // differ in the last bits with the order rows arrive in.
                let ordered = testCase.sql.uppercased().contains("ORDER BY")
                let a = ordered ? actual : sorted(actual), e = ordered ? expected : sorted(expected)
                let same = a.count == e.count
                    && zip(a, e).allSatisfy { x, y in x.count == y.count && zip(x, y).allSatisfy { SLTFile.cellsMatch($0, $1) } }
                #expect(same, "\((path as NSString).lastPathComponent):\(testCase.line) differs without \(rule)")
                checked += 1
            }
        }
        #expect(checked > 150)
    }
}

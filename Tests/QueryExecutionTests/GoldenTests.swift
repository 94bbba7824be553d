import Columnar
import Foundation
import QueryExecution
import QueryPlanner
import TarnCore
import Testing

/// Runs every `.slt` golden file against the engine over the fixture tables. Expected rows come
/// from DuckDB (`Fixtures/regen.py`) except cases marked `trino`.
@Suite struct GoldenTests {
    static func render(_ result: QueryResult) -> [[String]] {
        result.textRows.map { row in row.map { $0 == "" ? "(empty)" : $0 } }
    }

    @Test(arguments: try SLTFile.files())
    func goldenFile(_ path: String) throws {
        let engine = QueryEngine(catalog: try FixtureTables.catalog())
        let text = String(decoding: try FileSystem.readFile(path), as: UTF8.self)
        let cases = SLTFile.parse(text)
        #expect(!cases.isEmpty)
        let name = (path as NSString).lastPathComponent
        for testCase in cases {
            switch testCase.kind {
            case .error(let message):
                do {
                    _ = try engine.execute(testCase.sql)
                    Issue.record("\(name):\(testCase.line): expected error containing '\(message)', query succeeded")
                } catch let error as TarnError {
                    #expect(error.message.contains(message), "\(name):\(testCase.line): got '\(error.message)'")
                }
            case .query:
                let result: QueryResult
                do {
                    result = try engine.execute(testCase.sql)
                } catch {
                    Issue.record("\(name):\(testCase.line): \(error)\n\(testCase.sql)")
                    continue
                }
                var actual = Self.render(result)
                var expected = testCase.expected
                // Without ORDER BY the row order is not defined (parallel pipelines interleave).
                if testCase.rowSort || !testCase.sql.uppercased().contains("ORDER BY") {
                    actual.sort { $0.joined(separator: "|") < $1.joined(separator: "|") }
                    expected.sort { $0.joined(separator: "|") < $1.joined(separator: "|") }
                }
                let same = actual.count == expected.count
                    && zip(actual, expected).allSatisfy { a, e in a.count == e.count && zip(a, e).allSatisfy { SLTFile.cellsMatch($0, $1) } }
                #expect(same, "\(name):\(testCase.line):\n\(testCase.sql)\nexpected:\n\(expected.map { $0.joined(separator: "|") }.joined(separator: "\n"))\nactual:\n\(actual.map { $0.joined(separator: "|") }.joined(separator: "\n"))")
            }
        }
    }
}

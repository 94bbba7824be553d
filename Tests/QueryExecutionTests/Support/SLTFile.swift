import Foundation
import TarnCore
import TarnTesting

/// A golden SQL test file in the sqllogictest style:
///
/// ```
/// # comment
/// query [rowsort] [trino]
/// SELECT …
/// ----
/// cell|cell
/// ```
/// `rowsort` compares rows as a sorted multiset; `trino` marks expected rows written by hand
/// where Trino and DuckDB differ (regen.py leaves them alone); `error <text>` expects the
/// statement to fail with a message containing `<text>`. NULL prints as `NULL`, the empty
/// string as `(empty)`.
struct SLTCase {
    enum Kind { case query, error(String) }
    var kind: Kind
    var rowSort: Bool
    var sql: String
    var expected: [[String]]
    var line: Int
}

enum SLTFile {
    static func parse(_ text: String) -> [SLTCase] {
        var cases: [SLTCase] = []
        let lines = text.components(separatedBy: "\n")
        var i = 0
        while i < lines.count {
            let line = lines[i].trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") {
                i += 1
                continue
            }
            let start = i + 1
            let words = line.split(separator: " ", maxSplits: 1).map(String.init)
            var kind = SLTCase.Kind.query
            var rowSort = false
            if words[0] == "error" {
                kind = .error(words.count > 1 ? words[1] : "")
            } else {
                rowSort = line.contains("rowsort")
            }
            i += 1
            var sql: [String] = []
            while i < lines.count, lines[i] != "----", !lines[i].trimmingCharacters(in: .whitespaces).isEmpty {
                sql.append(lines[i])
                i += 1
            }
            var expected: [[String]] = []
            if i < lines.count, lines[i] == "----" {
                i += 1
                while i < lines.count, !lines[i].trimmingCharacters(in: .whitespaces).isEmpty {
                    expected.append(lines[i].components(separatedBy: "|"))
                    i += 1
                }
            }
            cases.append(SLTCase(kind: kind, rowSort: rowSort, sql: sql.joined(separator: "\n"), expected: expected, line: start))
        }
        return cases
    }

    /// Every `.slt` file under the fixtures' `slt/` folder.
    static func files() throws -> [String] {
        let directory = Fixtures.path("QueryExecutionTests", "slt")
        return try FileSystem.listDirectory(directory).filter { $0.hasSuffix(".slt") }.sorted().map { "\(directory)/\($0)" }
    }

    /// Whether two rendered cells agree: equal text, numbers within 1e-9 relative, or timestamps
    /// equal after dropping a zero fraction.
    static func cellsMatch(_ actual: String, _ expected: String) -> Bool {
        if actual == expected { return true }
        if let a = Double(actual), let e = Double(expected) {
            if a == e { return true }
            let scale = max(abs(a), abs(e))
            return abs(a - e) <= 1e-9 * scale
        }
        return normalizeTime(actual) == normalizeTime(expected)
    }

    static func normalizeTime(_ text: String) -> String {
        guard text.count >= 19, text.dropFirst(4).first == "-", text.dropFirst(10).first == " " else { return text }
        var t = text
        if t.hasSuffix(" UTC") { t = String(t.dropLast(4)) }
        if let dot = t.firstIndex(of: ".") {
            var fraction = t[t.index(after: dot)...]
            while fraction.last == "0" { fraction = fraction.dropLast() }
            t = String(t[..<dot]) + (fraction.isEmpty ? "" : "." + fraction)
        }
        return t
    }
}

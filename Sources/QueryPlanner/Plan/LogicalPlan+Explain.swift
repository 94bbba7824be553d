import Columnar

extension LogicalPlan: CustomStringConvertible {
    /// The plan as an indented tree, one node per line (EXPLAIN output).
    public var description: String { explain() }

    /// The plan as an indented tree; `annotate` may append text to each node's line (EXPLAIN
    /// ANALYZE adds rows and time).
    public func explain(annotate: ((LogicalPlan, [Int]) -> String?)? = nil) -> String {
        var lines: [String] = []
        render(depth: 0, path: [], into: &lines, annotate: annotate)
        return lines.joined(separator: "\n")
    }

    private func render(depth: Int, path: [Int], into lines: inout [String], annotate: ((LogicalPlan, [Int]) -> String?)?) {
        var line = String(repeating: "  ", count: depth) + "- " + headline
        if let extra = annotate?(self, path) { line += "  " + extra }
        lines.append(line)
        for (index, input) in inputs.enumerated() {
            input.render(depth: depth + 1, path: path + [index], into: &lines, annotate: annotate)
        }
    }

    /// One line describing this node.
    public var headline: String {
        func list(_ items: [String]) -> String { items.joined(separator: ", ") }
        switch self {
        case .scan(let n):
            var text = "Scan[\(n.table.provider.displayName)] columns=[\(list(n.columns.map { "\($0.ref)" }))]"
            if !n.filters.isEmpty { text += " filters=[\(list(n.filters.map(\.description)))]" }
            if let limit = n.limit { text += " limit=\(limit)" }
            return text
        case .values(let n): return "Values rows=\(n.rows.count) columns=[\(list(n.columns.map(\.description)))]"
        case .filter(let n): return "Filter \(n.predicate)"
        case .project(let n): return "Project [\(list(n.items.map { "\($0.ref) := \($0.expr)" }))]"
        case .aggregate(let n):
            let aggs = n.aggregates.map { a in
                "\(a.ref) := \(a.call.function.rawValue)(\(a.call.distinct ? "DISTINCT " : "")\(list(a.call.arguments.map(\.description))))"
                    + (a.call.filter.map { " FILTER \($0)" } ?? "")
            }
            return "Aggregate keys=[\(list(n.groups.map { "\($0.ref) := \($0.expr)" }))] aggregates=[\(list(aggs))]"
        case .join(let n):
            var text = "Join[\(n.kind.rawValue)]"
            if !n.leftKeys.isEmpty {
                text += " on " + list(zip(n.leftKeys, n.rightKeys).map { "\($0) = \($1)" })
            }
            if let residual = n.residual { text += " filter \(residual)" }
            if n.nullsEqual { text += " nulls-equal" }
            if n.nullAware { text += " null-aware" }
            if n.enforceSingleRow { text += " single-row" }
            return text
        case .sort(let n):
            let keys = n.keys.map { "\($0.expr) \($0.ascending ? "ASC" : "DESC") NULLS \($0.nullsFirst ? "FIRST" : "LAST")" }
            return "Sort [\(list(keys))]" + (n.limit.map { " top=\($0)" } ?? "")
        case .limit(let n): return "Limit \(n.limit.map(String.init) ?? "ALL")" + (n.offset > 0 ? " offset=\(n.offset)" : "")
        case .window(let n):
            let calls = n.functions.map { f in
                var text = "\(f.ref) := \(f.call.function.name)(\(list(f.call.arguments.map(\.description))))"
                text += " OVER (partition=[\(list(f.call.partitionBy.map(\.description)))]"
                text += " order=[\(list(f.call.orderBy.map { "\($0.expr)\($0.ascending ? "" : " DESC")" }))])"
                return text
            }
            return "Window [\(list(calls))]"
        case .union(let n): return "Union columns=[\(list(n.columns.map(\.description)))]"
        }
    }
}

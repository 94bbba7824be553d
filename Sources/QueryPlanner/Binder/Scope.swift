import Columnar
import SQLParser
import TarnCore

/// A column visible to name resolution.
struct ScopeColumn {
    /// Relation qualifier parts, lower-cased (`["s"]`, `["default", "sales"]`), empty when none.
    var qualifier: [String]
    /// Column name, lower-cased.
    var name: String
    /// The column.
    var ref: ColumnRef
    /// Resolvable only with a qualifier (the two sides of a USING column).
    var qualifiedOnly: Bool = false
    /// Left out of `*` (the two sides of a USING column).
    var hiddenFromStar: Bool = false
}

/// The names visible at one point of a query, with a link to the enclosing query's scope for
/// correlated subqueries.
final class Scope {
    var columns: [ScopeColumn]
    let parent: Scope?

    init(columns: [ScopeColumn], parent: Scope?) {
        self.columns = columns
        self.parent = parent
    }

    /// The matches for a (possibly qualified) name in this scope only.
    func matches(_ parts: [String]) -> [ScopeColumn] {
        let name = parts[parts.count - 1]
        let qualifier = Array(parts.dropLast())
        return columns.filter { column in
            guard column.name == name else { return false }
            if qualifier.isEmpty { return !column.qualifiedOnly }
            return column.qualifier.count >= qualifier.count && Array(column.qualifier.suffix(qualifier.count)) == qualifier
        }
    }
}

/// A CTE visible by name: re-bound at each reference so each use has its own column ids.
struct CTEDefinition {
    var query: Query
    var columnAliases: [Identifier]
    /// CTEs visible where this one was defined (earlier siblings and outer ones).
    var visible: [String: CTEDefinition]
}

/// A bound relation: its plan and the names it makes visible.
struct BoundRelation {
    var plan: LogicalPlan
    var columns: [ScopeColumn]
}

import Columnar

extension Expr: CustomStringConvertible {
    /// A readable rendering for EXPLAIN: columns as `name#id`, literals in SQL form.
    public var description: String {
        switch self {
        case .column(let ref): return ref.description
        case .literal(let value, let type): return Self.render(value, type)
        case .call(let f, let args, _): return "\(f.rawValue)(\(args.map(\.description).joined(separator: ", ")))"
        case .cast(let e, let t, let safe): return "\(safe ? "try_cast" : "cast")(\(e) AS \(t))"
        case .and(let items): return "(" + items.map(\.description).joined(separator: " AND ") + ")"
        case .or(let items): return "(" + items.map(\.description).joined(separator: " OR ") + ")"
        case .not(let e): return "(NOT \(e))"
        case .compare(let op, let l, let r): return "(\(l) \(op.rawValue) \(r))"
        case .arithmetic(let op, let l, let r, _): return "(\(l) \(op.rawValue) \(r))"
        case .isNull(let e): return "(\(e) IS NULL)"
        case .inList(let e, let items): return "(\(e) IN (\(items.map(\.description).joined(separator: ", "))))"
        case .like(let e, let p, let esc): return "(\(e) LIKE \(p)\(esc.map { " ESCAPE \($0)" } ?? ""))"
        case .caseWhen(let c, let r, let o, _):
            var text = "CASE"
            for (cond, res) in zip(c, r) { text += " WHEN \(cond) THEN \(res)" }
            if let o { text += " ELSE \(o)" }
            return text + " END"
        case .coalesce(let items, _): return "coalesce(\(items.map(\.description).joined(separator: ", ")))"
        case .isDistinctFrom(let l, let r): return "(\(l) IS DISTINCT FROM \(r))"
        case .subquery(let sub):
            switch sub.kind {
            case .scalar: return "(subquery \(sub.id))"
            case .exists: return "EXISTS(subquery \(sub.id))"
            case .inSubquery: return "(\(sub.probe.map(\.description) ?? "?") IN subquery \(sub.id))"
            }
        }
    }

    /// A literal in SQL form.
    public static func render(_ value: Value, _ type: DataType) -> String {
        switch value {
        case .null: return "NULL"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .uint(let u): return String(u)
        case .double(let d): return String(d)
        case .decimal(let unscaled, let scale): return DecimalText.format(unscaled, scale: scale)
        case .string(let s): return "'" + s.replacingOccurrences(of: "'", with: "''") + "'"
        case .date(let days): return "DATE '\(CivilTime.formatDate(days))'"
        case .timestamp(let t, let unit): return "TIMESTAMP '\(CivilTime.formatTimestamp(t, unit: unit))'"
        default: return "\(value)"
        }
    }
}

import Columnar
import QueryExecution
import QueryPlanner

/// Renders results for people and programs — the CLI's `--format table|csv|json`, and later
/// the Athena API's result files.
///
/// - `table`: aligned columns under a header and a rule, NULL as `NULL`, numbers
///   right-aligned.
/// - `csv`: RFC 4180 — header row, fields with a comma, quote or line end quoted with quotes
///   doubled, CRLF-free `\n` line ends; NULL is an empty field; timestamps
///   `YYYY-MM-DD HH:MM:SS.fff`; doubles in their shortest round-trip form.
/// - `json`: one document `{"columns":[{"name","type"}],"rows":[[…]]}`; numbers as JSON
///   numbers except decimals (exact, as strings), NaN and infinities (strings); dates and
///   timestamps as strings (timestamps to the microsecond when they have sub-millisecond
///   digits).
public enum ResultFormatter {
    /// An output format.
    public enum Format: String, Sendable, CaseIterable {
        /// Aligned columns for a terminal.
        case table
        /// RFC 4180 CSV.
        case csv
        /// A JSON document.
        case json
    }

    /// The whole result as text in `format` (ends with a newline unless empty).
    public static func render(_ result: QueryResult, format: Format) -> String {
        switch format {
        case .table: table(result)
        case .csv: csv(result)
        case .json: json(result)
        }
    }

    // MARK: CSV

    static func csv(_ result: QueryResult) -> String {
        var out = result.schema.fields.map { csvField($0.name) }.joined(separator: ",") + "\n"
        for batch in result.batches {
            for row in 0..<batch.rowCount {
                out += batch.columns.map { column in column.isNull(row) ? "" : csvField(plain(column.value(at: row), column.type, timestampDigits: 3)) }
                    .joined(separator: ",")
                out += "\n"
            }
        }
        return out
    }

    /// RFC 4180: "Fields containing line breaks (CRLF), double quotes, and commas should be
    /// enclosed in double-quotes … a double-quote appearing inside a field must be escaped by
    /// preceding it with another double quote."
    static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingQuotes() + "\""
    }

    /// A value as plain text (no NULL marker): the CSV, JSON-string and table spelling.
    /// - Parameter timestampDigits: 3 (always milliseconds, the CSV contract) or nil
    ///   (milliseconds unless sub-millisecond digits are present, then microseconds).
    static func plain(_ value: Value, _ type: DataType, timestampDigits: Int?) -> String {
        switch value {
        case .double(let d):
            if type == .float32 { return shortest(Double(Float(d)), float: true) }
            return shortest(d, float: false)
        case .timestamp(let t, let unit):
            let micros: Int64
            switch unit {
            case .seconds: micros = t &* 1_000_000
            case .milliseconds: micros = t &* 1000
            case .microseconds: micros = t
            case .nanoseconds: micros = CivilTime.floorDiv(t, 1000)
            }
            let full = CivilTime.formatTimestamp(micros, unit: .microseconds)
            var text = timestampDigits == 3 || micros % 1000 == 0 ? String(full.dropLast(3)) : full
            if case .timestamp(_, true) = type { text += " UTC" }
            return text
        case .list(let items):
            return "[" + items.map { plain($0, .string, timestampDigits: timestampDigits) }.joined(separator: ", ") + "]"
        default:
            return ValueFormatting.text(value, type)
        }
    }

    /// The shortest decimal text that reads back as the same double (Swift's description),
    /// without a trailing `.0`: `0.1`, `2`, `1e-05`, `nan`/`inf` spelled `NaN`/`Infinity`.
    static func shortest(_ d: Double, float: Bool) -> String {
        if d.isNaN { return "NaN" }
        if d.isInfinite { return d < 0 ? "-Infinity" : "Infinity" }
        var text = float ? Float(d).description : d.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        return text
    }

    // MARK: JSON

    static func json(_ result: QueryResult) -> String {
        var out = "{\"columns\":["
        out += result.schema.fields.map { "{\"name\":\(jsonString($0.name)),\"type\":\(jsonString(SQLTypes.name($0.type)))}" }.joined(separator: ",")
        out += "],\"rows\":["
        var first = true
        for batch in result.batches {
            for row in 0..<batch.rowCount {
                if !first { out += "," }
                first = false
                out += "[" + batch.columns.map { jsonValue($0.value(at: row), $0.type) }.joined(separator: ",") + "]"
            }
        }
        return out + "]}\n"
    }

    static func jsonValue(_ value: Value, _ type: DataType) -> String {
        switch value {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .uint(let u): return String(u)
        case .double(let d):
            if !d.isFinite { return jsonString(shortest(d, float: false)) }
            let text = type == .float32 ? Float(d).description : d.description
            return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
        case .list(let items):
            let element: DataType = if case .list(let field) = type { field.type } else { .string }
            return "[" + items.map { jsonValue($0, element) }.joined(separator: ",") + "]"
        case .structure(let items):
            let fields: [Field] = if case .structure(let f) = type { f } else { [] }
            return "[" + items.enumerated().map { jsonValue($0.element, $0.offset < fields.count ? fields[$0.offset].type : .string) }.joined(separator: ",") + "]"
        default:
            return jsonString(plain(value, type, timestampDigits: nil))
        }
    }

    /// A JSON string literal (RFC 8259: quote, backslash and control characters escaped).
    static func jsonString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    // MARK: table

    static func table(_ result: QueryResult) -> String {
        let names = result.schema.fields.map(\.name)
        var cells: [[String]] = []
        for batch in result.batches {
            for row in 0..<batch.rowCount {
                cells.append(batch.columns.map { $0.isNull(row) ? "NULL" : plain($0.value(at: row), $0.type, timestampDigits: nil) })
            }
        }
        let numeric = result.schema.fields.map { $0.type.isNumeric }
        var widths = names.map(\.count)
        for row in cells { for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) } }
        func line(_ values: [String]) -> String {
            values.enumerated().map { index, value in
                let pad = String(repeating: " ", count: widths[index] - value.count)
                return numeric[index] ? pad + value : value + pad
            }.joined(separator: " | ")
        }
        var out = line(names) + "\n" + widths.map { String(repeating: "-", count: $0) }.joined(separator: "-+-") + "\n"
        for row in cells { out += line(row) + "\n" }
        return out
    }
}

extension String {
    /// Doubled double quotes (RFC 4180 escaping).
    fileprivate func replacingQuotes() -> String {
        var out = ""
        for character in self {
            if character == "\"" { out += "\"\"" } else { out.append(character) }
        }
        return out
    }
}

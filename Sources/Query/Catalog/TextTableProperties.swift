import Catalog
import TarnCore
import TextFormats

/// Serde class names and properties Athena's text tables use, turned into reader options.
///
/// - `org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe` (also `ROW FORMAT DELIMITED`): fields
///   split at `field.delim` (Hive's default is `\001`), no quoting, `escape.delim` escapes,
///   `serialization.null.format` (default `\N`) is NULL. Records never span lines, so large
///   files are split at line ends.
/// - `org.apache.hadoop.hive.serde2.OpenCSVSerde`: `separatorChar` (`,`), `quoteChar` (`"`),
///   `escapeChar` (`\`); quoted fields may hold line ends, so files are read whole.
/// - `org.openx.data.jsonserde.JsonSerDe`, `org.apache.hive.hcatalog.data.JsonSerDe`: JSON
///   Lines, keys matched case-insensitively (`case.insensitive`, default true),
///   `ignore.malformed.json`.
/// - Table property `skip.header.line.count`: lines skipped at the start of every file.
enum TextTableProperties {
    /// Glue's key for the serde class (`SerDeInfo.SerializationLibrary`), kept in the table's
    /// properties.
    static let serdeKey = "serialization.lib"
    static let lazySimpleSerDe = "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe"
    static let openCSVSerDe = "org.apache.hadoop.hive.serde2.OpenCSVSerde"
    static let openXJSONSerDe = "org.openx.data.jsonserde.JsonSerDe"
    static let hiveJSONSerDe = "org.apache.hive.hcatalog.data.JsonSerDe"
    static let parquetSerDe = "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"
    /// Hive's default field delimiter (`\001`, Ctrl-A).
    static let hiveDefaultDelimiter = "\u{01}"

    /// Reader layout for a text table's properties.
    /// - Throws: `TarnError(.invalidArgument)` for a delimiter or quote that is not one byte.
    static func layout(format: StorageFormat, properties: [String: String]) throws -> TextLayout {
        let lower = Dictionary(properties.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { a, _ in a })
        let skip = Int(lower["skip.header.line.count"] ?? "0") ?? 0
        switch format {
        case .json:
            var options = JSONOptions()
            options.caseInsensitiveKeys = (lower["case.insensitive"] ?? "true").lowercased() != "false"
            let ignore = (lower["ignore.malformed.json"] ?? "false").lowercased() == "true"
            return .json(options, ignoreMalformed: ignore)
        case .csv:
            var options = CSVOptions()
            options.hasHeader = false
            options.skipLines = max(0, skip)
            let serde = lower[serdeKey] ?? lazySimpleSerDe
            if serde == openCSVSerDe {
                options.delimiter = try byte(lower["separatorchar"] ?? ",", "separatorChar")
                options.quote = try byte(lower["quotechar"] ?? "\"", "quoteChar")
                options.escape = try byte(lower["escapechar"] ?? "\\", "escapeChar")
                // OpenCSVSerde has no NULL marker: every field is text; empty is the empty string.
                options.nullStrings = []
                return .csv(options, splittable: false)
            }
            options.delimiter = try byte(lower["field.delim"] ?? lower["serialization.format"].flatMap { $0 == "1" ? nil : $0 } ?? hiveDefaultDelimiter, "field.delim")
            options.quote = nil
            options.escape = try lower["escape.delim"].map { try byte($0, "escape.delim") }
            options.nullStrings = [lower["serialization.null.format"] ?? "\\N"]
            return .csv(options, splittable: true)
        case .parquet:
            throw TarnError(.internal, "layout(format:) is for text tables")
        }
    }

    /// One byte of a delimiter-like property, after Hive's escapes (`\t`, `\001`, `\u0001`).
    static func byte(_ text: String, _ property: String) throws -> UInt8 {
        let decoded = unescape(text)
        guard decoded.utf8.count == 1, let byte = decoded.utf8.first else {
            throw TarnError(.invalidArgument, "\(property) must be a single byte, got '\(text)'")
        }
        return byte
    }

    /// Decodes the escapes Hive DDL allows in delimiters: `\t \n \r \\`, octal `\001`, `\u0001`.
    static func unescape(_ text: String) -> String {
        guard text.contains("\\"), text.count > 1 else { return text }
        let characters = Array(text)
        var out = ""
        var i = 0
        while i < characters.count {
            let c = characters[i]
            guard c == "\\", i + 1 < characters.count else {
                out.append(c)
                i += 1
                continue
            }
            let n = characters[i + 1]
            switch n {
            case "t": out.append("\t"); i += 2
            case "n": out.append("\n"); i += 2
            case "r": out.append("\r"); i += 2
            case "\\": out.append("\\"); i += 2
            case "u" where i + 5 < characters.count:
                if let code = UInt32(String(characters[(i + 2)...(i + 5)]), radix: 16), let scalar = Unicode.Scalar(code) {
                    out.unicodeScalars.append(scalar)
                    i += 6
                } else {
                    out.append(c)
                    i += 1
                }
            case "0"..."7":
                var j = i + 1
                var value: UInt32 = 0
                while j < characters.count, j < i + 4, let digit = characters[j].wholeNumberValue, digit < 8 {
                    value = value * 8 + UInt32(digit)
                    j += 1
                }
                out.unicodeScalars.append(Unicode.Scalar(value) ?? "?")
                i = j
            default:
                out.append(n)
                i += 2
            }
        }
        return out
    }
}

import Catalog
import Columnar
import QueryExecution
import SQLParser
import TarnCore

/// Athena's `CREATE EXTERNAL TABLE` turned into a catalog entry, and the literal handling DDL
/// shares (partition values, properties, types).
enum TableDDL {
    /// The catalog definition of a `CREATE EXTERNAL TABLE`.
    /// - Throws: `TarnError(.invalidRequest)` without LOCATION, `.unsupported` for storage
    ///   formats Tarn cannot read (ORC, Avro, …), `.invalidArgument` for bad types or repeated
    ///   columns.
    static func definition(_ statement: CreateExternalTable, database: String, name: String) throws -> TableDefinition {
        guard let location = statement.location else {
            throw TarnError(.invalidRequest, "CREATE EXTERNAL TABLE \(database).\(name) needs a LOCATION 's3://bucket/prefix/'")
        }
        _ = try FileLocation(parsing: location)
        let columns = try statement.columns.map { try column($0) }
        let keys = try statement.partitionedBy.map { try column($0) }
        var seen = Set<String>()
        for column in columns + keys where !seen.insert(column.name.lowercased()).inserted {
            throw TarnError(.invalidArgument, "Column repeated in table or partitioning columns: \(column.name)")
        }
        guard !columns.isEmpty else { throw TarnError(.invalidArgument, "table \(database).\(name) has no columns") }
        var properties: [String: String] = [:]
        for property in statement.properties { properties[property.key] = try text(property.value, what: "table property \(property.key)") }
        let format = try storageFormat(statement, properties: &properties)
        return TableDefinition(
            database: database, name: name, columns: columns, partitionKeys: keys, location: location, format: format, properties: properties,
            tableType: "EXTERNAL_TABLE", comment: statement.comment)
    }

    /// Resolves STORED AS / ROW FORMAT to a storage format, recording the serde and its
    /// properties in `properties`.
    static func storageFormat(_ statement: CreateExternalTable, properties: inout [String: String]) throws -> StorageFormat {
        let stored = statement.storedAs?.uppercased()
        switch statement.rowFormat {
        case .serde(let className, let serdeProperties)?:
            for property in serdeProperties { properties[property.key] = try text(property.value, what: "serde property \(property.key)") }
            properties[TextTableProperties.serdeKey] = className
            switch className {
            case TextTableProperties.openXJSONSerDe, TextTableProperties.hiveJSONSerDe: return .json
            case TextTableProperties.openCSVSerDe, TextTableProperties.lazySimpleSerDe: break
            case TextTableProperties.parquetSerDe: return .parquet
            default: throw TarnError(.unsupported, "SerDe \(className) is not supported (use LazySimpleSerDe, OpenCSVSerde, a JSON SerDe or Parquet)")
            }
        case .delimited(let fields, let escaped, let lines)?:
            properties[TextTableProperties.serdeKey] = TextTableProperties.lazySimpleSerDe
            if let fields { properties["field.delim"] = fields }
            if let escaped { properties["escape.delim"] = escaped }
            if let lines, TextTableProperties.unescape(lines) != "\n" {
                throw TarnError(.unsupported, "LINES TERMINATED BY must be '\\n' (Hive supports no other line terminator)")
            }
        case nil:
            break
        }
        switch stored {
        case "PARQUET", "MAPREDPARQUETINPUTFORMAT"?:
            return .parquet
        case let s? where s.contains("PARQUET"):
            return .parquet
        case "JSON"?:
            return .json
        case nil, "TEXTFILE"?, "ORG.APACHE.HADOOP.MAPRED.TEXTINPUTFORMAT"?:
            if properties[TextTableProperties.serdeKey] == nil { properties[TextTableProperties.serdeKey] = TextTableProperties.lazySimpleSerDe }
            return .csv
        case let s?:
            throw TarnError(.unsupported, "STORED AS \(s) is not supported (Tarn reads PARQUET, TEXTFILE and JSON tables)")
        }
    }

    /// A column definition with its type in Hive spelling (`array<string>`, `decimal(12,2)`).
    static func column(_ definition: SQLColumnDefinition) throws -> CatalogColumn {
        CatalogColumn(name: definition.name.canonical, type: try hiveType(definition.type), comment: definition.comment)
    }

    /// Hive spelling of a written type.
    static func hiveType(_ type: TypeName) throws -> String {
        if type.name == "struct" || type.name == "row" {
            throw TarnError(.unsupported, "struct columns in DDL are not supported yet (field names of '\(type)' are not kept)")
        }
        return HiveType.render(try HiveType.parse(type.description))
    }

    /// The text of a literal (DDL properties and partition values).
    /// - Throws: `TarnError(.invalidArgument)` for anything but a literal.
    static func text(_ expression: Expression, what: String) throws -> String {
        switch expression.kind {
        case .literal(let literal):
            switch literal {
            case .string(let s): return s
            case .integer(let digits), .decimal(let digits), .double(let digits): return digits
            case .boolean(let b): return b ? "true" : "false"
            case .typed(_, let value): return value
            case .null: return HivePartitionPath.nullMarker
            case .interval: break
            }
        case .unary(.minus, let inner):
            if case .literal(.integer(let digits)) = inner.kind { return "-" + digits }
            if case .literal(.decimal(let digits)) = inner.kind { return "-" + digits }
        default: break
        }
        throw TarnError(.invalidArgument, "\(what) must be a literal, got \(expression.sql)")
    }

    /// Hive's LIKE patterns in SHOW statements: `*` is any run of characters, `|` separates
    /// alternatives, matching is case-insensitive.
    static func matchesShowPattern(_ name: String, _ pattern: String?) -> Bool {
        guard let pattern else { return true }
        return pattern.lowercased().split(separator: "|", omittingEmptySubsequences: false).contains { alternative in
            Glob.matches(name.lowercased(), pattern: String(alternative).trimmingWhitespace().replacingSlashes())
        }
    }
}

extension String {
    /// Slashes would split a glob into components; names never contain them, patterns may.
    fileprivate func replacingSlashes() -> String { String(map { $0 == "/" ? "?" : $0 }) }
}

import Catalog
import QueryExecution
import SQLParser
import TarnCore

/// SHOW DATABASES / TABLES / PARTITIONS / COLUMNS / CREATE TABLE and DESCRIBE, with Athena's
/// result column names.
extension QueryService {
    func showDatabases(like: String?) throws -> QueryResult {
        let names = try catalog.databases().map(\.name).filter { TableDDL.matchesShowPattern($0, like) }
        return .text(columns: ["database_name"], rows: names.map { [$0] })
    }

    func showTables(database: String, like: String?) throws -> QueryResult {
        guard try catalog.database(database) != nil else { throw TarnError(.entityNotFound, "Database \(database) not found.") }
        let names = try catalog.tables(database: database).map(\.name).filter { TableDDL.matchesShowPattern($0, like) }
        return .text(columns: ["tab_name"], rows: names.map { [$0] })
    }

    func showPartitions(_ name: [Identifier], context: QueryContext) throws -> QueryResult {
        let definition = try requireTable(name, context)
        guard !definition.partitionKeys.isEmpty else {
            throw TarnError(.invalidRequest, "Table \(definition.database).\(definition.name) is not partitioned")
        }
        let keys = definition.partitionKeys.map(\.name)
        let rows = try catalog.partitions(database: definition.database, table: definition.name).map { partition in
            [zip(keys, partition.values).map { "\($0)=\($1)" }.joined(separator: "/")]
        }
        return .text(columns: ["partition"], rows: rows)
    }

    func showColumns(_ name: [Identifier], context: QueryContext) throws -> QueryResult {
        let definition = try requireTable(name, context)
        return .text(columns: ["field"], rows: (definition.columns + definition.partitionKeys).map { [$0.name] })
    }

    /// Athena's DESCRIBE: the columns, then a `# Partition Information` section.
    func describe(_ name: [Identifier], context: QueryContext) throws -> QueryResult {
        let definition = try requireTable(name, context)
        var rows = (definition.columns + definition.partitionKeys).map { [$0.name, $0.type, $0.comment ?? ""] }
        if !definition.partitionKeys.isEmpty {
            rows.append(["", "", ""])
            rows.append(["# Partition Information", "", ""])
            rows.append(["# col_name", "data_type", "comment"])
            rows.append(["", "", ""])
            rows += definition.partitionKeys.map { [$0.name, $0.type, $0.comment ?? ""] }
        }
        return .text(columns: ["col_name", "data_type", "comment"], rows: rows)
    }

    /// The DDL that recreates the table, one line per row (`createtab_stmt`).
    func showCreateTable(_ name: [Identifier], context: QueryContext) throws -> QueryResult {
        let definition = try requireTable(name, context)
        let lines = Self.createStatement(definition).split(separator: "\n", omittingEmptySubsequences: false).map { [String($0)] }
        return .text(columns: ["createtab_stmt"], rows: lines)
    }

    static func createStatement(_ t: TableDefinition) -> String {
        func quoted(_ text: String) -> String { SQLPrinting.string(text) }
        func columns(_ list: [CatalogColumn]) -> String {
            list.map { "  `\($0.name)` \($0.type)" + ($0.comment.map { " COMMENT \(quoted($0))" } ?? "") }.joined(separator: ",\n")
        }
        var text = "CREATE EXTERNAL TABLE `\(t.database)`.`\(t.name)`(\n\(columns(t.columns)))"
        if let comment = t.comment { text += "\nCOMMENT \(quoted(comment))" }
        if !t.partitionKeys.isEmpty { text += "\nPARTITIONED BY (\n\(columns(t.partitionKeys)))" }
        var tableProperties = t.properties
        let serde = tableProperties.removeValue(forKey: TextTableProperties.serdeKey)
        switch t.format {
        case .parquet:
            text += "\nROW FORMAT SERDE\n  '\(TextTableProperties.parquetSerDe)'\nSTORED AS PARQUET"
        case .json:
            text += "\nROW FORMAT SERDE\n  '\(serde ?? TextTableProperties.openXJSONSerDe)'\nSTORED AS TEXTFILE"
        case .csv:
            let serdeKeys = ["field.delim", "escape.delim", "serialization.format", "serialization.null.format", "separatorChar", "quoteChar", "escapeChar"]
            let serdeProperties = serdeKeys.compactMap { key in tableProperties.removeValue(forKey: key).map { (key, $0) } }
            text += "\nROW FORMAT SERDE\n  '\(serde ?? TextTableProperties.lazySimpleSerDe)'"
            if !serdeProperties.isEmpty {
                text += "\nWITH SERDEPROPERTIES (\n" + serdeProperties.map { "  \(quoted($0.0))=\(quoted($0.1))" }.joined(separator: ",\n") + ")"
            }
            text += "\nSTORED AS TEXTFILE"
        }
        text += "\nLOCATION\n  \(quoted(t.location))"
        if !tableProperties.isEmpty {
            text += "\nTBLPROPERTIES (\n" + tableProperties.sorted { $0.key < $1.key }.map { "  \(quoted($0.key))=\(quoted($0.value))" }.joined(separator: ",\n") + ")"
        }
        return text
    }
}

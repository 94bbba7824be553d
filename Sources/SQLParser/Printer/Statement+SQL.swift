extension Statement: CustomStringConvertible {
    /// The statement as SQL text.
    public var description: String { sql }

    /// The statement as SQL text.
    public var sql: String {
        switch self {
        case .query(let query): return query.sql
        case .explain(let inner, let analyze): return "EXPLAIN \(analyze ? "ANALYZE " : "")\(inner.sql)"
        case .createDatabase(let name, let ifNotExists, let comment, let location):
            var text = "CREATE DATABASE \(ifNotExists ? "IF NOT EXISTS " : "")\(name)"
            if let comment { text += " COMMENT \(SQLPrinting.string(comment))" }
            if let location { text += " LOCATION \(SQLPrinting.string(location))" }
            return text
        case .dropDatabase(let name, let ifExists, let cascade):
            return "DROP DATABASE \(ifExists ? "IF EXISTS " : "")\(name)\(cascade ? " CASCADE" : "")"
        case .createExternalTable(let table): return table.sql
        case .createTableAsSelect(let ctas):
            var text = "CREATE TABLE \(ctas.ifNotExists ? "IF NOT EXISTS " : "")\(SQLPrinting.name(ctas.name))"
            if !ctas.properties.isEmpty {
                text += " WITH (" + ctas.properties.map { "\(SQLPrinting.identifier($0.key)) = \($0.value.sql)" }.joined(separator: ", ") + ")"
            }
            text += " AS \(ctas.query.sql)"
            if !ctas.withData { text += " WITH NO DATA" }
            return text
        case .insert(let table, let columns, let query):
            let list = columns.isEmpty ? "" : " (" + columns.map(\.description).joined(separator: ", ") + ")"
            return "INSERT INTO \(SQLPrinting.name(table))\(list) \(query.sql)"
        case .dropTable(let name, let ifExists): return "DROP TABLE \(ifExists ? "IF EXISTS " : "")\(SQLPrinting.name(name))"
        case .msckRepairTable(let name): return "MSCK REPAIR TABLE \(SQLPrinting.name(name))"
        case .alterTableAddPartitions(let name, let ifNotExists, let partitions):
            return "ALTER TABLE \(SQLPrinting.name(name)) ADD \(ifNotExists ? "IF NOT EXISTS " : "")"
                + partitions.map { $0.sql + ($0.location.map { " LOCATION \(SQLPrinting.string($0))" } ?? "") }.joined(separator: " ")
        case .alterTableDropPartitions(let name, let ifExists, let partitions):
            return "ALTER TABLE \(SQLPrinting.name(name)) DROP \(ifExists ? "IF EXISTS " : "")" + partitions.map(\.sql).joined(separator: ", ")
        case .showDatabases(let like): return "SHOW DATABASES" + (like.map { " LIKE \(SQLPrinting.string($0))" } ?? "")
        case .showTables(let database, let like):
            return "SHOW TABLES" + (database.map { " IN \($0)" } ?? "") + (like.map { " LIKE \(SQLPrinting.string($0))" } ?? "")
        case .showPartitions(let name): return "SHOW PARTITIONS \(SQLPrinting.name(name))"
        case .showColumns(let name): return "SHOW COLUMNS FROM \(SQLPrinting.name(name))"
        case .showCreateTable(let name): return "SHOW CREATE TABLE \(SQLPrinting.name(name))"
        case .describe(let name): return "DESCRIBE \(SQLPrinting.name(name))"
        case .use(let database): return "USE \(database)"
        }
    }
}

extension PartitionSpec {
    var sql: String { "PARTITION (" + values.map { "\($0.column) = \($0.value.sql)" }.joined(separator: ", ") + ")" }
}

extension CreateExternalTable {
    /// The statement as SQL text.
    public var sql: String {
        func columnList(_ columns: [ColumnDefinition]) -> String {
            "(" + columns.map { column in
                "\(column.name) \(column.type)" + (column.comment.map { " COMMENT \(SQLPrinting.string($0))" } ?? "")
            }.joined(separator: ", ") + ")"
        }
        var text = "CREATE EXTERNAL TABLE \(ifNotExists ? "IF NOT EXISTS " : "")\(SQLPrinting.name(name)) \(columnList(columns))"
        if let comment { text += " COMMENT \(SQLPrinting.string(comment))" }
        if !partitionedBy.isEmpty { text += " PARTITIONED BY \(columnList(partitionedBy))" }
        if let rowFormat {
            switch rowFormat {
            case .delimited(let fields, let escaped, let lines):
                text += " ROW FORMAT DELIMITED"
                if let fields { text += " FIELDS TERMINATED BY \(SQLPrinting.string(fields))" }
                if let escaped { text += " ESCAPED BY \(SQLPrinting.string(escaped))" }
                if let lines { text += " LINES TERMINATED BY \(SQLPrinting.string(lines))" }
            case .serde(let className, let properties):
                text += " ROW FORMAT SERDE \(SQLPrinting.string(className))"
                if !properties.isEmpty { text += " WITH SERDEPROPERTIES " + propertyList(properties) }
            }
        }
        if let storedAs { text += " STORED AS \(storedAs)" }
        if let location { text += " LOCATION \(SQLPrinting.string(location))" }
        if !properties.isEmpty { text += " TBLPROPERTIES " + propertyList(properties) }
        return text
    }

    private func propertyList(_ properties: [Property]) -> String {
        "(" + properties.map { "\(SQLPrinting.string($0.key)) = \($0.value.sql)" }.joined(separator: ", ") + ")"
    }
}

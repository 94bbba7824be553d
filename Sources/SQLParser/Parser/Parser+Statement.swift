import TarnCore

/// Statements other than plain queries: EXPLAIN, Athena DDL, SHOW, DESCRIBE, MSCK, ALTER, CTAS,
/// INSERT, USE.
extension Parser {
    static let statementStarts = [
        "'SELECT'", "'WITH'", "'VALUES'", "'EXPLAIN'", "'CREATE'", "'DROP'", "'ALTER'", "'INSERT'", "'SHOW'",
        "'DESCRIBE'", "'MSCK'", "'USE'",
    ]

    mutating func parseStatement() throws -> Statement {
        if isKeyword("SELECT") || isKeyword("WITH") || isKeyword("VALUES") || isSymbol("(") {
            return .query(try parseQuery())
        }
        guard current.kind == .word else { throw mismatch(expecting: Self.statementStarts) }
        switch current.upper {
        case "EXPLAIN":
            advance()
            let analyze = accept("ANALYZE")
            if acceptSymbol("(") {
                // `EXPLAIN (TYPE LOGICAL, FORMAT TEXT)` options are accepted and ignored.
                while !isSymbol(")") && current.kind != .end { advance() }
                try expectSymbol(")")
            }
            return .explain(try parseStatement(), analyze: analyze)
        case "CREATE": return try parseCreate()
        case "DROP": return try parseDrop()
        case "ALTER": return try parseAlter()
        case "INSERT":
            advance()
            try expect("INTO")
            let table = try parseQualifiedName()
            var columns: [Identifier] = []
            if isSymbol("(") && !(isKeyword("SELECT", at: 1) || isKeyword("WITH", at: 1)) {
                advance()
                repeat { columns.append(try parseIdentifier()) } while acceptSymbol(",")
                try expectSymbol(")")
            }
            return .insert(table: table, columns: columns, query: try parseQuery())
        case "SHOW": return try parseShow()
        case "DESCRIBE", "DESC":
            advance()
            _ = accept("FORMATTED") || accept("EXTENDED")
            return .describe(name: try parseQualifiedName())
        case "MSCK":
            advance()
            try expect("REPAIR")
            try expect("TABLE")
            return .msckRepairTable(name: try parseQualifiedName())
        case "USE":
            advance()
            return .use(database: try parseIdentifier())
        default:
            throw mismatch(expecting: Self.statementStarts)
        }
    }

    private mutating func parseIfNotExists() throws -> Bool {
        guard accept("IF") else { return false }
        try expect("NOT")
        try expect("EXISTS")
        return true
    }

    private mutating func parseIfExists() throws -> Bool {
        guard accept("IF") else { return false }
        try expect("EXISTS")
        return true
    }

    private mutating func parseCreate() throws -> Statement {
        try expect("CREATE")
        if accept("DATABASE") || accept("SCHEMA") {
            let ifNotExists = try parseIfNotExists()
            let name = try parseIdentifier()
            var comment: String? = nil
            var location: String? = nil
            while true {
                if accept("COMMENT") {
                    comment = try parseStringLiteral()
                } else if accept("LOCATION") {
                    location = try parseStringLiteral()
                } else if accept("WITH") {
                    // `WITH DBPROPERTIES (…)` / Trino `WITH (location = '…')`.
                    _ = accept("DBPROPERTIES")
                    for property in try parseProperties() where property.key.lowercased() == "location" {
                        if case .literal(.string(let value)) = property.value.kind { location = value }
                    }
                } else {
                    break
                }
            }
            return .createDatabase(name: name, ifNotExists: ifNotExists, comment: comment, location: location)
        }
        let external = accept("EXTERNAL")
        try expect("TABLE")
        let ifNotExists = try parseIfNotExists()
        let name = try parseQualifiedName()
        if !external && (isKeyword("WITH") || isKeyword("AS")) {
            var properties: [Property] = []
            if accept("WITH") { properties = try parseProperties() }
            try expect("AS")
            let query: Query
            if acceptSymbol("(") {
                query = try parseQuery()
                try expectSymbol(")")
            } else {
                query = try parseQuery()
            }
            var withData = true
            if accept("WITH") {
                withData = !accept("NO")
                try expect("DATA")
            }
            return .createTableAsSelect(
                CreateTableAsSelect(name: name, ifNotExists: ifNotExists, properties: properties, query: query, withData: withData))
        }
        var table = CreateExternalTable(name: name, ifNotExists: ifNotExists, columns: try parseColumnDefinitions())
        while true {
            if accept("PARTITIONED") {
                try expect("BY")
                table.partitionedBy = try parseColumnDefinitions()
            } else if accept("COMMENT") {
                table.comment = try parseStringLiteral()
            } else if accept("ROW") {
                try expect("FORMAT")
                table.rowFormat = try parseRowFormat()
            } else if accept("STORED") {
                try expect("AS")
                if accept("INPUTFORMAT") {
                    // `STORED AS INPUTFORMAT 'class' OUTPUTFORMAT 'class'`: keep the input class.
                    table.storedAs = try parseStringLiteral()
                    try expect("OUTPUTFORMAT")
                    _ = try parseStringLiteral()
                } else {
                    table.storedAs = try parseAnyIdentifier().name.uppercased()
                }
            } else if accept("LOCATION") {
                table.location = try parseStringLiteral()
            } else if accept("TBLPROPERTIES") {
                table.properties = try parseProperties()
            } else {
                break
            }
        }
        return .createExternalTable(table)
    }

    private mutating func parseColumnDefinitions() throws -> [ColumnDefinition] {
        try expectSymbol("(")
        var columns: [ColumnDefinition] = []
        repeat {
            let name = try parseAnyIdentifier()
            var column = ColumnDefinition(name: name, type: try parseType())
            if accept("COMMENT") { column.comment = try parseStringLiteral() }
            columns.append(column)
        } while acceptSymbol(",")
        try expectSymbol(")")
        return columns
    }

    private mutating func parseRowFormat() throws -> RowFormat {
        if accept("SERDE") {
            let className = try parseStringLiteral()
            var properties: [Property] = []
            if accept("WITH") {
                try expect("SERDEPROPERTIES")
                properties = try parseProperties()
            }
            return .serde(className: className, properties: properties)
        }
        try expect("DELIMITED")
        var fields: String? = nil
        var escaped: String? = nil
        var lines: String? = nil
        while true {
            if accept("FIELDS") {
                try expect("TERMINATED")
                try expect("BY")
                fields = try parseStringLiteral()
                if accept("ESCAPED") {
                    try expect("BY")
                    escaped = try parseStringLiteral()
                }
            } else if accept("LINES") {
                try expect("TERMINATED")
                try expect("BY")
                lines = try parseStringLiteral()
            } else if accept("COLLECTION") || accept("MAP") {
                // `COLLECTION ITEMS TERMINATED BY` / `MAP KEYS TERMINATED BY`: accepted, unused.
                advance()
                try expect("TERMINATED")
                try expect("BY")
                _ = try parseStringLiteral()
            } else {
                break
            }
        }
        return .delimited(fieldsTerminatedBy: fields, escapedBy: escaped, linesTerminatedBy: lines)
    }

    /// `('k' = 'v', …)` or `(k = expr, …)`.
    mutating func parseProperties() throws -> [Property] {
        try expectSymbol("(")
        var properties: [Property] = []
        repeat {
            let key: String
            if current.kind == .string {
                key = try parseStringLiteral()
            } else {
                key = try parseAnyIdentifier().name
            }
            try expectSymbol("=")
            properties.append(Property(key: key, value: try parseExpression()))
        } while acceptSymbol(",")
        try expectSymbol(")")
        return properties
    }

    private mutating func parseDrop() throws -> Statement {
        try expect("DROP")
        if accept("DATABASE") || accept("SCHEMA") {
            let ifExists = try parseIfExists()
            let name = try parseIdentifier()
            let cascade = accept("CASCADE")
            if !cascade { _ = accept("RESTRICT") }
            return .dropDatabase(name: name, ifExists: ifExists, cascade: cascade)
        }
        try expect("TABLE")
        let ifExists = try parseIfExists()
        return .dropTable(name: try parseQualifiedName(), ifExists: ifExists)
    }

    private mutating func parseAlter() throws -> Statement {
        try expect("ALTER")
        try expect("TABLE")
        let name = try parseQualifiedName()
        if accept("ADD") {
            let ifNotExists = try parseIfNotExists()
            var partitions: [PartitionSpec] = []
            while isKeyword("PARTITION") {
                var spec = try parsePartitionSpec()
                if accept("LOCATION") { spec.location = try parseStringLiteral() }
                partitions.append(spec)
            }
            if partitions.isEmpty { throw mismatch(expecting: ["'PARTITION'"]) }
            return .alterTableAddPartitions(name: name, ifNotExists: ifNotExists, partitions: partitions)
        }
        if accept("DROP") {
            let ifExists = try parseIfExists()
            var partitions = [try parsePartitionSpec()]
            while acceptSymbol(",") { partitions.append(try parsePartitionSpec()) }
            return .alterTableDropPartitions(name: name, ifExists: ifExists, partitions: partitions)
        }
        throw mismatch(expecting: ["'ADD'", "'DROP'"])
    }

    private mutating func parsePartitionSpec() throws -> PartitionSpec {
        try expect("PARTITION")
        try expectSymbol("(")
        var values: [PartitionValue] = []
        repeat {
            let column = try parseAnyIdentifier()
            try expectSymbol("=")
            values.append(PartitionValue(column: column, value: try parsePrimaryLiteral()))
        } while acceptSymbol(",")
        try expectSymbol(")")
        return PartitionSpec(values: values)
    }

    /// A literal, allowing a leading minus (partition values).
    private mutating func parsePrimaryLiteral() throws -> Expression {
        try parseUnary()
    }

    private mutating func parseShow() throws -> Statement {
        try expect("SHOW")
        if accept("DATABASES") || accept("SCHEMAS") {
            return .showDatabases(like: accept("LIKE") ? try parseStringLiteral() : nil)
        }
        if accept("TABLES") {
            var database: Identifier? = nil
            if accept("IN") || accept("FROM") { database = try parseIdentifier() }
            return .showTables(database: database, like: accept("LIKE") ? try parseStringLiteral() : nil)
        }
        if accept("PARTITIONS") {
            return .showPartitions(name: try parseQualifiedName())
        }
        if accept("COLUMNS") {
            if !(accept("FROM") || accept("IN")) { throw mismatch(expecting: ["'FROM'", "'IN'"]) }
            return .showColumns(name: try parseQualifiedName())
        }
        if accept("CREATE") {
            try expect("TABLE")
            return .showCreateTable(name: try parseQualifiedName())
        }
        throw mismatch(expecting: ["'DATABASES'", "'SCHEMAS'", "'TABLES'", "'PARTITIONS'", "'COLUMNS'", "'CREATE'"])
    }
}

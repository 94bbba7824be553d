import Catalog
import Codecs
import Columnar
import Parquet
import QueryExecution
import QueryPlanner
import SQLParser
import Storage
import TarnCore

/// CTAS and INSERT INTO: run the query, stream its rows into staged Snappy Parquet files in
/// Hive layout, then make them visible at once (`ObjectStore.commit`) and register the table
/// and its partitions. A reader sees the table before or after, never half of a result.
extension QueryService {
    /// What a CTAS `WITH (…)` list asks for.
    struct CTASProperties {
        var location: String?
        var partitionedBy: [String] = []
        var compression: CompressionCodec = .snappy

        /// Reads Athena's CTAS properties (`format`, `external_location`, `partitioned_by`,
        /// `write_compression` / `parquet_compression`) and Trino's `location`.
        init(_ properties: [Property]) throws {
            for property in properties {
                let key = property.key.lowercased()
                switch key {
                case "format":
                    let format = try TableDDL.text(property.value, what: "format").uppercased()
                    guard format == "PARQUET" else {
                        throw TarnError(.unsupported, "CTAS format '\(format)' is not supported yet; Tarn writes PARQUET")
                    }
                case "external_location", "location":
                    location = try TableDDL.text(property.value, what: key)
                case "partitioned_by":
                    guard case .array(let items) = property.value.kind else {
                        throw TarnError(.invalidArgument, "partitioned_by must be an ARRAY['column', …]")
                    }
                    partitionedBy = try items.map { try TableDDL.text($0, what: "partitioned_by column").lowercased() }
                case "write_compression", "parquet_compression", "compression":
                    let name = try TableDDL.text(property.value, what: key).lowercased()
                    switch name {
                    case "snappy": compression = .snappy
                    case "gzip": compression = .gzip
                    case "zstd": compression = .zstd
                    case "lz4": compression = .lz4Raw
                    case "none", "uncompressed": compression = .uncompressed
                    default: throw TarnError(.invalidArgument, "\(key) '\(name)' is not one of SNAPPY, GZIP, ZSTD, LZ4, NONE")
                    }
                case "bucketed_by", "bucket_count":
                    throw TarnError(.unsupported, "bucketed tables (\(key)) are not supported")
                case "field_delimiter", "is_external", "table_type", "vacuum_min_snapshots_to_keep", "orc_compression":
                    throw TarnError(.unsupported, "CTAS property \(key) is not supported")
                default:
                    throw TarnError(.invalidArgument, "unknown CTAS property \(key)")
                }
            }
        }
    }

    func createTableAsSelect(_ ctas: CreateTableAsSelect, id: String, context: QueryContext, ledger: ScanLedger) async throws -> (QueryResult, Int64) {
        let (database, name) = try qualified(ctas.name, context)
        guard let databaseDefinition = try catalog.database(database) else { throw TarnError(.entityNotFound, "Database \(database) not found.") }
        if try catalog.table(database: database, name: name) != nil {
            if ctas.ifNotExists { return (.rowsWritten(0), 0) }
            throw TarnError(.alreadyExists, "Table \(database).\(name) already exists.")
        }
        let properties = try CTASProperties(ctas.properties)
        let engine = self.engine(context: context, ledger: ledger)
        let query = ctas.query
        let (plan, names) = try await BlockingIO.run { try engine.optimizedPlan(query) }
        let schema = QueryEngine.resultSchema(plan, names: names.map { $0.lowercased() })
        var seen = Set<String>()
        for field in schema.fields where !seen.insert(field.name).inserted {
            throw TarnError(.invalidArgument, "CTAS query has two columns named '\(field.name)'; give each column a distinct alias")
        }
        // Athena: "partition columns must be the last ones in the list of columns in the SELECT".
        let count = schema.fields.count, keys = properties.partitionedBy.count
        guard keys < count, Array(schema.fields.suffix(keys).map(\.name)) == properties.partitionedBy else {
            throw TarnError(
                .invalidArgument,
                "partitioned_by \(properties.partitionedBy) must name the last columns of the query, in order (the query's columns: \(schema.fields.map(\.name).joined(separator: ", ")))")
        }
        let location = try await tableLocation(properties.location, database: databaseDefinition, table: name)
        let files = self.files.scoped(context.access)
        let existing = try await BlockingIO.run { try files.list(location) }
        guard existing.isEmpty else {
            throw TarnError(.conflict, "HIVE_PATH_ALREADY_EXISTS: Target directory for table '\(database).\(name)' already exists: \(location)")
        }
        let partitionIndices = Array((count - keys)..<count)
        var written: [WrittenFile] = []
        var statistics = QueryStatistics()
        if ctas.withData {
            var parquet = options.parquet
            parquet.compression = properties.compression
            (written, statistics) = try await write(
                plan: plan, names: names, engine: engine, location: location, schema: schema, partitionIndices: partitionIndices,
                overrides: [:], parquet: parquet, id: id, access: context.access)
            try await objects.commit(written.map { $0.staged })
        }
        let columns = schema.fields.map { CatalogColumn(name: $0.name, type: HiveType.render($0.type)) }
        let definition = TableDefinition(
            database: database, name: name, columns: Array(columns.prefix(count - keys)), partitionKeys: Array(columns.suffix(keys)),
            location: location.asDirectory.description, format: .parquet, properties: ["parquet.compression": properties.compression.rawValue.uppercased()],
            tableType: "EXTERNAL_TABLE")
        try await catalog.createTable(definition)
        if keys > 0 {
            try await catalog.addPartitions(database: database, table: name, Self.partitions(written, schema: schema, keys: partitionIndices))
        }
        return (.rowsWritten(written.reduce(0) { $0 + $1.rows }, statistics: statistics), written.reduce(0) { $0 + $1.bytes })
    }

    func insert(
        _ name: [Identifier], columns: [Identifier], query: Query, id: String, context: QueryContext, ledger: ScanLedger
    ) async throws -> (QueryResult, Int64) {
        let definition = try requireTable(name, context)
        guard definition.format == .parquet else {
            throw TarnError(.unsupported, "INSERT INTO \(definition.database).\(definition.name): only Parquet tables can be written (this one is \(definition.format.rawValue))")
        }
        let dataFields = try LakeCatalog.fields(definition.columns, table: definition.name)
        let keyFields = try LakeCatalog.fields(definition.partitionKeys, table: definition.name)
        let target = (dataFields + keyFields).map { Field($0.name.lowercased(), SQLTypes.normalized($0.type)) }
        let engine = self.engine(context: context, ledger: ledger)
        let (plan, names) = try await BlockingIO.run { try engine.optimizedPlan(query) }
        let outputs = plan.outputs
        // For each target column: the query column that fills it, or nil (NULL).
        var sources = [Int?](repeating: nil, count: target.count)
        if columns.isEmpty {
            guard outputs.count == target.count else {
                throw TarnError(.invalidArgument, "Insert query has \(outputs.count) columns, table \(definition.database).\(definition.name) has \(target.count)")
            }
            sources = Array(0..<target.count)
        } else {
            guard columns.count == outputs.count else {
                throw TarnError(.invalidArgument, "Insert lists \(columns.count) columns but the query has \(outputs.count)")
            }
            for (position, column) in columns.enumerated() {
                guard let index = target.firstIndex(where: { $0.name == column.canonical }) else {
                    throw TarnError(.invalidArgument, "Insert column \(column.canonical) is not a column of \(definition.database).\(definition.name)")
                }
                guard sources[index] == nil else { throw TarnError(.invalidArgument, "Insert column \(column.canonical) is listed twice") }
                sources[index] = position
            }
        }
        for (index, source) in sources.enumerated() {
            guard let source else { continue }
            let from = outputs[source].type, to = target[index].type
            guard from == to || SQLTypes.commonSuperType(from, to) != nil || from == .string else {
                throw TarnError(
                    .typeMismatch,
                    "Insert query column \(names[source]) has type \(SQLTypes.name(from)), which cannot be written to \(target[index].name) \(SQLTypes.name(to))")
            }
        }
        let location = try FileLocation(parsing: definition.location).asDirectory
        let schema = Schema(target)
        let partitionIndices = Array(dataFields.count..<target.count)
        let registered = try catalog.partitions(database: definition.database, table: definition.name)
        var overrides: [[Value]: FileLocation] = [:]
        for partition in registered {
            overrides[TableFiles.typedValues(partition.values, keyFields)] = try FileLocation(parsing: partition.location).asDirectory
        }
        let (written, statistics) = try await write(
            plan: plan, names: names, engine: engine, location: location, schema: schema, partitionIndices: partitionIndices,
            overrides: overrides, parquet: options.parquet, id: id, reorder: sources, access: context.access)
        // New partitions are registered before their files become visible: a reader in between
        // sees them empty, never partly filled.
        var added: [[String]] = []
        if !keyFields.isEmpty {
            let known = Set(registered.map { TableFiles.typedValues($0.values, keyFields) })
            let fresh = Self.partitions(written.filter { !known.contains($0.partitionValues) }, schema: schema, keys: partitionIndices)
            try await catalog.addPartitions(database: definition.database, table: definition.name, fresh, ifNotExists: true)
            added = fresh.map { $0.values }
        }
        do {
            try await objects.commit(written.map { $0.staged })
        } catch {
            if !added.isEmpty {
                _ = try? await catalog.dropPartitions(database: definition.database, table: definition.name, values: added, ifExists: true)
            }
            throw error
        }
        return (.rowsWritten(written.reduce(0) { $0 + $1.rows }, statistics: statistics), written.reduce(0) { $0 + $1.bytes })
    }

    /// Runs the plan and writes its batches (columns rearranged by `reorder` and cast to
    /// `schema`'s types) into staged files; aborts every file on failure.
    private func write(
        plan: LogicalPlan, names: [String], engine: QueryEngine, location: FileLocation, schema: Schema, partitionIndices: [Int],
        overrides: [[Value]: FileLocation], parquet: WriteOptions, id: String, reorder: [Int?]? = nil, access: any ObjectAccess
    ) async throws -> ([WrittenFile], QueryStatistics) {
        let writer = try PartitionedParquetWriter(
            objects: objects, access: access, location: location, schema: schema, partitionColumns: partitionIndices, options: parquet,
            memoryLimit: options.writeMemoryLimit, filePrefix: id.replacingDashes(), overrides: overrides)
        let box = WriterBox(writer)
        do {
            return try await BlockingIO.run {
                let statistics = try engine.stream(plan, names: names) { batch in
                    try box.writer.write(Self.conform(batch, to: schema, reorder: reorder))
                }
                return (try box.writer.finish(), statistics)
            }
        } catch {
            writer.abort()
            throw error
        }
    }

    /// The batch's columns in the target order, cast to the target types, NULL where the
    /// insert names no source column.
    static func conform(_ batch: RecordBatch, to schema: Schema, reorder: [Int?]?) throws -> RecordBatch {
        var columns: [Column] = []
        for (index, field) in schema.fields.enumerated() {
            let source: Int? = reorder.map { $0[index] } ?? index
            guard let source else {
                columns.append(ConstantColumn.make(.null, type: field.type, count: batch.rowCount))
                continue
            }
            let column = batch.columns[source]
            columns.append(column.type == field.type ? column : try ColumnCast.cast(column, to: field.type, safe: false))
        }
        return RecordBatch(schema: schema, columns: columns, rowCount: batch.rowCount)
    }

    /// Catalog partitions for written files (one per distinct partition).
    static func partitions(_ written: [WrittenFile], schema: Schema, keys: [Int]) -> [PartitionDefinition] {
        var seen = Set<[Value]>()
        var result: [PartitionDefinition] = []
        for file in written where seen.insert(file.partitionValues).inserted {
            let texts = zip(file.partitionValues, keys).map { value, index in
                value.isNull ? HivePartitionPath.nullMarker : ValueFormatting.text(value, schema.fields[index].type)
            }
            let directory = file.staged.key.split(separator: "/").dropLast().joined(separator: "/") + "/"
            result.append(PartitionDefinition(values: texts, location: FileLocation.object(bucket: file.staged.upload.bucket, key: directory).description))
        }
        return result
    }

    /// The CTAS location: `external_location`, else `<database location>/<table>/`, else
    /// `<warehouse>/<database>/<table>/` (creating the warehouse bucket if needed).
    private func tableLocation(_ explicit: String?, database: DatabaseDefinition, table: String) async throws -> FileLocation {
        let location: FileLocation
        if let explicit {
            location = try FileLocation(parsing: explicit).asDirectory
        } else if let base = database.location {
            location = try FileLocation(parsing: base).appending(table + "/")
        } else {
            location = try FileLocation(parsing: options.warehouseLocation).appending("\(database.name)/\(table)/")
            if case .object(let bucket, _) = location, (try? objects.bucket(bucket)) == nil {
                do { try await objects.createBucket(bucket) } catch let error as TarnError where error.code == .bucketAlreadyOwnedByYou {}
            }
        }
        guard case .object = location else {
            throw TarnError(.invalidArgument, "tables are written to s3:// locations, not \(location)")
        }
        return location
    }

    /// EXPLAIN of CTAS / INSERT INTO: the query's plan under the write.
    func explainWrite(_ statement: Statement, analyze: Bool, context: QueryContext, ledger: ScanLedger) async throws -> QueryResult {
        let query: Query
        let header: String
        switch statement {
        case .createTableAsSelect(let ctas):
            query = ctas.query
            let properties = try CTASProperties(ctas.properties)
            header = "- TableWriter[create \(ctas.name.map(\.canonical).joined(separator: ".")), PARQUET"
                + (properties.partitionedBy.isEmpty ? "" : ", partitioned_by=[\(properties.partitionedBy.joined(separator: ", "))]") + "]"
        case .insert(let table, _, let inner):
            query = inner
            header = "- TableWriter[insert into \(table.map(\.canonical).joined(separator: ".")), PARQUET]"
        default:
            throw TarnError(.unsupported, "EXPLAIN of \(statement.sql.prefix(40))… is not supported (EXPLAIN shows plans of queries, CTAS and INSERT)")
        }
        guard !analyze else {
            throw TarnError(.unsupported, "EXPLAIN ANALYZE of CTAS / INSERT INTO would write the table; run the statement itself (its statistics are in the result)")
        }
        let engine = self.engine(context: context, ledger: ledger)
        let plan = try await BlockingIO.run { try engine.optimizedPlan(query).0 }
        let lines = [header] + plan.explain().split(separator: "\n").map { "  " + $0 }
        return .text(columns: ["Query Plan"], rows: lines.map { [$0] })
    }
}

/// Lets the blocking write closure reach the (non-Sendable) writer it alone uses.
private final class WriterBox: @unchecked Sendable {
    let writer: PartitionedParquetWriter
    init(_ writer: PartitionedParquetWriter) { self.writer = writer }
}

extension QueryResult {
    /// Trino's result of CTAS and INSERT: one `rows` column with the count written.
    static func rowsWritten(_ count: Int64, statistics: QueryStatistics = QueryStatistics()) -> QueryResult {
        let schema = Schema([Field("rows", .int64)])
        var statistics = statistics
        statistics.rows = 1
        let column = Column(type: .int64, storage: .int64([count]))
        return QueryResult(schema: schema, batches: [RecordBatch(schema: schema, columns: [column], rowCount: 1)], statistics: statistics)
    }
}

extension String {
    /// Without `-` (file names from query ids).
    func replacingDashes() -> String { String(filter { $0 != "-" }) }
}

import Catalog
import Columnar
import QueryExecution
import QueryPlanner
import TarnCore

/// The engine's view of the lake for one query: catalog tables and the `read_*` table
/// functions, resolved to sources that read the lake's files. Made per query, so every source
/// reports its bytes to that query's `ledger`.
final class LakeCatalog: QueryPlanner.Catalog {
    let defaultDatabase: String
    let store: CatalogStore
    let files: FileStore
    let ledger: ScanLedger

    init(defaultDatabase: String, store: CatalogStore, files: FileStore, ledger: ScanLedger) {
        self.defaultDatabase = defaultDatabase
        self.store = store
        self.files = files
        self.ledger = ledger
    }

    func table(database: String, name: String) throws -> (any TableProvider)? {
        guard let definition = try store.table(database: database, name: name) else { return nil }
        return try source(for: definition)
    }

    /// A source over a catalog table's files.
    func source(for definition: TableDefinition) throws -> any TableSource {
        let displayName = "\(definition.database).\(definition.name)"
        let columns = try Self.fields(definition.columns, table: displayName)
        let partitionColumns = try Self.fields(definition.partitionKeys, table: displayName)
        let location = try FileLocation(parsing: definition.location)
        let layout: FileLayout
        if partitionColumns.isEmpty {
            layout = .discovered([location])
        } else {
            layout = .registered(table: location, partitions: try store.partitions(database: definition.database, table: definition.name))
        }
        let tableFiles = TableFiles(store: files, layout: layout, partitionColumns: partitionColumns)
        switch definition.format {
        case .parquet:
            return ParquetSource(displayName: displayName, columns: columns, partitionColumns: partitionColumns, files: tableFiles, ledger: ledger)
        case .csv, .json:
            let text = try TextTableProperties.layout(format: definition.format, properties: definition.properties)
            return TextSource(displayName: displayName, columns: columns, partitionColumns: partitionColumns, files: tableFiles, ledger: ledger, layout: text)
        }
    }

    /// Catalog columns as fields with their Hive types parsed.
    static func fields(_ columns: [ColumnDefinition], table: String) throws -> [Field] {
        try columns.map { column in
            do {
                return Field(column.name, try HiveType.parse(column.type))
            } catch let error as TarnError {
                throw TarnError(.corrupt, "table \(table), column \(column.name): \(error.message)")
            }
        }
    }

    func tableFunction(name: String, arguments: [Value], namedArguments: [String: Value]) throws -> (any TableProvider)? {
        switch name {
        case "read_parquet", "parquet_scan":
            return try TableFunctions.readParquet(arguments, namedArguments, files: files, ledger: ledger)
        case "read_csv", "read_csv_auto":
            return try TableFunctions.readCSV(arguments, namedArguments, files: files, ledger: ledger)
        case "read_json", "read_json_auto", "read_ndjson":
            return try TableFunctions.readJSON(arguments, namedArguments, files: files, ledger: ledger)
        default:
            return nil
        }
    }
}

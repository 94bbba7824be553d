import Columnar
import SQLParser
import TarnCore

/// What the planner needs to know about a table: its columns, its partition columns and a row
/// estimate. The execution layer's `TableSource` refines this with the ability to scan.
public protocol TableProvider: Sendable {
    /// A display name for EXPLAIN (`db.table` or `read_parquet('…')`).
    var displayName: String { get }
    /// Data columns, in table order.
    var columns: [Field] { get }
    /// Hive partition columns (follow the data columns in `SELECT *`).
    var partitionColumns: [Field] { get }
    /// Estimated row count, used to pick the build side of joins; nil when unknown.
    var estimatedRowCount: Int? { get }
}

/// Resolves table names and table functions for the binder.
public protocol Catalog: Sendable {
    /// The database used for unqualified table names.
    var defaultDatabase: String { get }
    /// The table `database.name`, or nil when it does not exist.
    /// - Throws: when the catalog itself fails (I/O).
    func table(database: String, name: String) throws -> (any TableProvider)?
    /// A table function such as `read_parquet('s3://b/p/', hive_partitioning => true)`.
    /// - Parameters:
    ///   - name: the lower-cased function name.
    ///   - arguments: constant positional arguments.
    ///   - namedArguments: constant named arguments, keys lower-cased.
    /// - Returns: the provider, or nil when no such table function exists.
    func tableFunction(name: String, arguments: [Value], namedArguments: [String: Value]) throws -> (any TableProvider)?
}

/// A catalog of in-memory tables keyed by `database.table`, for tests and embedding.
public struct StaticCatalog: Catalog {
    /// The database for unqualified names.
    public var defaultDatabase: String
    /// Tables by lower-cased `database.table`.
    public var tables: [String: any TableProvider]
    /// Table functions by lower-cased name.
    public var functions: [String: @Sendable ([Value], [String: Value]) throws -> any TableProvider]

    /// Creates a catalog.
    public init(
        defaultDatabase: String = "default", tables: [String: any TableProvider] = [:],
        functions: [String: @Sendable ([Value], [String: Value]) throws -> any TableProvider] = [:]
    ) {
        self.defaultDatabase = defaultDatabase
        self.tables = [:]
        for (name, table) in tables {
            let key = name.contains(".") ? name.lowercased() : "\(defaultDatabase).\(name)".lowercased()
            self.tables[key] = table
        }
        self.functions = functions
    }

    /// Looks the table up by lower-cased `database.name`.
    public func table(database: String, name: String) throws -> (any TableProvider)? {
        tables["\(database).\(name)".lowercased()]
    }

    /// Calls the registered table function.
    public func tableFunction(name: String, arguments: [Value], namedArguments: [String: Value]) throws -> (any TableProvider)? {
        try functions[name].map { try $0(arguments, namedArguments) }
    }
}

/// A reference from a scan node to its provider; compared by identity of the binding.
public struct TableReference: Sendable, Hashable {
    /// A number unique within the query.
    public var id: Int
    /// The provider.
    public var provider: any TableProvider

    /// Creates a reference.
    public init(id: Int, provider: any TableProvider) {
        self.id = id
        self.provider = provider
    }

    /// References compare by id.
    public static func == (lhs: TableReference, rhs: TableReference) -> Bool { lhs.id == rhs.id }
    /// Hashes the id.
    public func hash(into hasher: inout Hasher) { hasher.combine(id) }
}

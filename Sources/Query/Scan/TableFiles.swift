import Catalog
import Columnar
import QueryExecution
import Synchronization
import TarnCore

/// A file to scan with its partition values (typed, in partition-column order).
struct ScanFile: Sendable {
    /// The file.
    var file: DataFile
    /// One value per partition column (`.null` for Hive's default partition or a missing key).
    var partitionValues: [Value]
}

/// How a table's files are found.
enum FileLayout: Sendable {
    /// Every visible file below some locations; Hive `key=value` directories in the path below
    /// a location give the partition values (a key that is absent is NULL). Table functions and
    /// unpartitioned catalog tables.
    case discovered([FileLocation])
    /// The files of the partitions registered in the catalog (as Athena reads partitioned
    /// tables: files of unregistered partitions are not read until `MSCK REPAIR TABLE` or
    /// `ALTER TABLE … ADD PARTITION` registers them).
    case registered(table: FileLocation, partitions: [PartitionDefinition])
}

/// A table's files, listed once per query and cached: the binder may ask for a row estimate
/// and the planner then scans.
final class TableFiles: Sendable {
    let store: FileStore
    let layout: FileLayout
    let partitionColumns: [Field]
    private let cache = Mutex<[ScanFile]?>(nil)

    /// Creates the file set.
    /// - Parameter listed: the files of a `.discovered` layout when the caller listed them
    ///   already (a table function infers its schema from them).
    init(store: FileStore, layout: FileLayout, partitionColumns: [Field], listed: [DataFile]? = nil) {
        self.store = store
        self.layout = layout
        self.partitionColumns = partitionColumns
        if let listed { cache.withLock { $0 = listed.map(self.scanFile) } }
    }

    private func scanFile(_ file: DataFile) -> ScanFile {
        ScanFile(file: file, partitionValues: Self.typedValues(hiveValues(file.relativePath), partitionColumns))
    }

    /// The files, with typed partition values, sorted by location.
    func files() throws -> [ScanFile] {
        if let cached = cache.withLock({ $0 }) { return cached }
        let listed = try list()
        cache.withLock { $0 = listed }
        return listed
    }

    /// Total bytes of all files.
    func totalBytes() throws -> Int64 { try files().reduce(0) { $0 + $1.file.size } }

    private func list() throws -> [ScanFile] {
        switch layout {
        case .discovered(let locations):
            return try locations.flatMap { try store.list($0) }.map(scanFile)
        case .registered(let table, let partitions):
            return try listRegistered(table: table, partitions: partitions)
        }
    }

    /// The `key=value` pairs of a relative path, in partition-column order (nil: absent or NULL).
    private func hiveValues(_ relativePath: String) -> [String?] {
        let pairs = HivePartitionPath.values(in: relativePath)
        return partitionColumns.map { column in pairs.last { $0.name.lowercased() == column.name.lowercased() }?.value ?? nil }
    }

    /// Converts partition text to the columns' types (TRY_CAST semantics: text that does not
    /// convert is NULL, as Hive reads a malformed partition value).
    static func typedValues(_ texts: [String?], _ columns: [Field]) -> [Value] {
        zip(texts, columns).map { text, column in
            guard let text, text != HivePartitionPath.nullMarker else { return .null }
            return ColumnCast.value(fromText: text, as: column.type)
        }
    }

    /// Lists the table location once and assigns each file to the registered partition whose
    /// location is its nearest enclosing directory; partitions outside the table location are
    /// listed on their own.
    private func listRegistered(table: FileLocation, partitions: [PartitionDefinition]) throws -> [ScanFile] {
        let root = table.asDirectory
        var inside: [String: Int] = [:]
        var outside: [(index: Int, location: FileLocation)] = []
        for (index, partition) in partitions.enumerated() {
            let location = try FileLocation(parsing: partition.location).asDirectory
            if Self.sameVolume(location, root), location.path.hasPrefix(root.path) {
                inside[String(location.path.dropFirst(root.path.count))] = index
            } else {
                outside.append((index, location))
            }
        }
        let typed = partitions.map { Self.typedValues($0.values, partitionColumns) }
        var result: [ScanFile] = []
        if !inside.isEmpty {
            for file in try store.list(root) {
                // The nearest enclosing directory that is a registered partition wins.
                let components = file.relativePath.split(separator: "/")
                for depth in stride(from: components.count - 1, through: 0, by: -1) {
                    let directory = depth == 0 ? "" : components[0..<depth].joined(separator: "/") + "/"
                    if let index = inside[directory] {
                        result.append(ScanFile(file: file, partitionValues: typed[index]))
                        break
                    }
                }
            }
        }
        for (index, location) in outside {
            for file in try store.list(location) { result.append(ScanFile(file: file, partitionValues: typed[index])) }
        }
        return result
    }

    /// Whether two locations are in the same bucket (or both local).
    static func sameVolume(_ a: FileLocation, _ b: FileLocation) -> Bool {
        switch (a, b) {
        case (.object(let x, _), .object(let y, _)): x == y
        case (.local, .local): true
        default: false
        }
    }

    /// Partition columns for Hive paths found by a table function, typed as DuckDB's
    /// `hive_partitioning` does: `bigint` when every value is an integer, `date` when every
    /// value is `YYYY-MM-DD`, else `varchar`; names in the order of the first file's path.
    static func inferPartitionColumns(_ files: [DataFile]) -> [Field] {
        var names: [String] = []
        var values: [String: [String]] = [:]
        for file in files {
            for (name, value) in HivePartitionPath.values(in: file.relativePath) {
                let key = name.lowercased()
                if values[key] == nil {
                    names.append(key)
                    values[key] = []
                }
                if let value { values[key]!.append(value) }
            }
        }
        return names.map { name in
            let texts = values[name] ?? []
            if !texts.isEmpty, texts.allSatisfy({ Int64($0) != nil }) { return Field(name, .int64) }
            if !texts.isEmpty, texts.allSatisfy(Self.looksLikeDate) { return Field(name, .date) }
            return Field(name, .string)
        }
    }

    private static func looksLikeDate(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return false }
        return ColumnCast.value(fromText: text, as: .date) != .null
    }
}

import Catalog
import Columnar
import QueryExecution
import SQLParser
import TarnCore

/// CREATE EXTERNAL TABLE, MSCK REPAIR TABLE and ALTER TABLE … ADD/DROP PARTITION.
extension QueryService {
    func createExternalTable(_ statement: CreateExternalTable, context: QueryContext) async throws {
        let (database, name) = try qualified(statement.name, context)
        let definition = try TableDDL.definition(statement, database: database, name: name)
        try await catalog.createTable(definition, ifNotExists: statement.ifNotExists)
    }

    /// `MSCK REPAIR TABLE`: lists the table location and registers every `k1=v1/k2=v2/`
    /// directory (keys in partition-key order) that holds files and is not registered yet.
    /// - Returns: Athena's report lines, one per partition found missing and added.
    func repairTable(_ name: [Identifier], context: QueryContext) async throws -> QueryResult {
        let definition = try requireTable(name, context)
        let keys = definition.partitionKeys.map { $0.name.lowercased() }
        guard !keys.isEmpty else { return .text(columns: ["result"], rows: []) }
        let root = try FileLocation(parsing: definition.location).asDirectory
        let files = self.files
        let listed = try await BlockingIO.run { try files.list(root) }
        let registered = Set(try catalog.partitions(database: definition.database, table: definition.name).map(\.values))
        var found: [[String]] = []
        var locations: [[String]: String] = [:]
        for file in listed {
            let directories = file.relativePath.split(separator: "/").dropLast()
            guard directories.count >= keys.count else { continue }
            var values: [String] = []
            for (component, key) in zip(directories.prefix(keys.count), keys) {
                guard let equals = component.firstIndex(of: "="),
                    HivePartitionPath.unescape(component[..<equals]).lowercased() == key
                else { break }
                values.append(HivePartitionPath.unescape(component[component.index(after: equals)...]))
            }
            guard values.count == keys.count, locations[values] == nil, !registered.contains(values) else { continue }
            found.append(values)
            locations[values] = root.appending(directories.prefix(keys.count).joined(separator: "/") + "/").description
        }
        let partitions = found.map { PartitionDefinition(values: $0, location: locations[$0]!) }
        try await catalog.addPartitions(database: definition.database, table: definition.name, partitions, ifNotExists: true)
        let specs = found.map { values in zip(keys, values).map { "\($0)=\($1)" }.joined(separator: "/") }
        return .text(
            columns: ["result"],
            rows: specs.map { ["Partitions not in metastore:\t\(definition.name):\($0)"] } + specs.map { ["Repair: Added partition to metastore \(definition.name):\($0)"] })
    }

    /// `ALTER TABLE t ADD [IF NOT EXISTS] PARTITION (k = v, …) [LOCATION '…'] …`. Without
    /// LOCATION a partition lives at `<table location>/k1=v1/k2=v2/`.
    func addPartitions(_ name: [Identifier], ifNotExists: Bool, _ specs: [PartitionSpec], context: QueryContext) async throws {
        let definition = try requireTable(name, context)
        let keys = definition.partitionKeys.map { $0.name.lowercased() }
        guard !keys.isEmpty else { throw TarnError(.invalidRequest, "Table \(definition.database).\(definition.name) is not partitioned") }
        let root = try FileLocation(parsing: definition.location).asDirectory
        var partitions: [PartitionDefinition] = []
        for spec in specs {
            let given = try partitionValues(spec, keys: keys, table: definition.name)
            guard given.count == keys.count else {
                throw TarnError(.invalidArgument, "ADD PARTITION needs a value for every partition key (\(keys.joined(separator: ", ")))")
            }
            let values = keys.map { given[$0]! }
            let path = zip(keys, values).map { key, value in
                "\(HivePartitionPath.escape(key))=\(value == HivePartitionPath.nullMarker ? value : HivePartitionPath.escape(value))/"
            }.joined()
            let location = try spec.location.map { try FileLocation(parsing: $0).asDirectory.description } ?? root.appending(path).description
            partitions.append(PartitionDefinition(values: values, location: location))
        }
        try await catalog.addPartitions(database: definition.database, table: definition.name, partitions, ifNotExists: ifNotExists)
    }

    /// `ALTER TABLE t DROP [IF EXISTS] PARTITION (k = v, …), …`. A spec may name only some keys:
    /// it drops every registered partition with those values (values compared as the key's
    /// type, so `month = 3` matches a partition registered as `03`).
    func dropPartitions(_ name: [Identifier], ifExists: Bool, _ specs: [PartitionSpec], context: QueryContext) async throws {
        let definition = try requireTable(name, context)
        let keys = definition.partitionKeys.map { $0.name.lowercased() }
        let types = try LakeCatalog.fields(definition.partitionKeys, table: definition.name).map(\.type)
        let registered = try catalog.partitions(database: definition.database, table: definition.name)
        var drop: [[String]] = []
        for spec in specs {
            let given = try partitionValues(spec, keys: keys, table: definition.name)
            let matches = registered.filter { partition in
                given.allSatisfy { key, text in
                    guard let index = keys.firstIndex(of: key) else { return false }
                    let type = types[index]
                    return ColumnCast.value(fromText: partition.values[index], as: type) == ColumnCast.value(fromText: text, as: type)
                }
            }
            if matches.isEmpty && !ifExists {
                let spelled = given.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")
                throw TarnError(.entityNotFound, "Partition not found: (\(spelled)) in \(definition.database).\(definition.name)")
            }
            for match in matches where !drop.contains(match.values) { drop.append(match.values) }
        }
        try await catalog.dropPartitions(database: definition.database, table: definition.name, values: drop, ifExists: true)
    }

    /// The `key → text` pairs of a partition spec, keys checked against the table's.
    private func partitionValues(_ spec: PartitionSpec, keys: [String], table: String) throws -> [String: String] {
        var values: [String: String] = [:]
        for value in spec.values {
            let key = value.column.canonical
            guard keys.contains(key) else {
                throw TarnError(.invalidArgument, "\(key) is not a partition key of \(table) (keys: \(keys.joined(separator: ", ")))")
            }
            values[key] = try TableDDL.text(value.value, what: "partition value of \(key)")
        }
        return values
    }
}

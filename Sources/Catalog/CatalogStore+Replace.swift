import TarnCore

extension CatalogStore {
    /// Makes table `staged` the new `name` in one transaction: `name`'s old definition and
    /// partitions go, `staged` (with its partitions) takes its place and its own entry goes.
    ///
    /// This is how a materialized view is refreshed without a reader ever seeing it missing or
    /// half-written: the new version is built as a separate table at a new location, then swapped.
    /// - Returns: the old definition of `name`, if there was one (its files are the caller's).
    /// - Throws: `EntityNotFoundException` when `staged` does not exist.
    @discardableResult
    public func replaceTable(database: String, name: String, with staged: String) async throws -> TableDefinition? {
        let database = Self.normalize(database), name = Self.normalize(name), staged = Self.normalize(staged)
        return try await committer.commit { tx -> TableDefinition? in
            guard let stagedText = try tx.query("SELECT definition FROM tables WHERE database = ? AND name = ?", [database, staged]).first?["definition"].string
            else { throw TarnError(.entityNotFound, "Table \(database).\(staged) not found.") }
            let old = try tx.query("SELECT definition FROM tables WHERE database = ? AND name = ?", [database, name]).first.map {
                try Self.decode(TableDefinition.self, $0["definition"].string)
            }
            var definition = try Self.decode(TableDefinition.self, stagedText)
            definition.name = name
            try tx.query("DELETE FROM partitions WHERE database = ? AND name = ?", [database, name])
            try tx.query("DELETE FROM tables WHERE database = ? AND name = ?", [database, name])
            try tx.query("INSERT INTO tables (database, name, definition) VALUES (?, ?, ?)", [database, name, try Self.encode(definition)])
            try tx.query("UPDATE partitions SET name = ? WHERE database = ? AND name = ?", [name, database, staged])
            try tx.query("DELETE FROM tables WHERE database = ? AND name = ?", [database, staged])
            return old
        }
    }

    /// Makes the partitions of table `staged` the partitions `values` of `table` in one
    /// transaction: `table`'s partitions with those values go, `staged`'s partitions (with their
    /// locations) become `table`'s, and `staged`'s entry goes. `table`'s definition and its other
    /// partitions are untouched.
    ///
    /// This is how a partitioned materialized view is refreshed incrementally: the changed
    /// partitions are rebuilt as a separate table at a new location, then swapped in, so a reader
    /// sees every partition either old or new, never missing or half-written. A value in `values`
    /// without a staged partition removes that partition (the query no longer yields rows for it).
    /// - Returns: the removed partitions of `table` (their files are the caller's).
    /// - Throws: `EntityNotFoundException` when either table does not exist; `InvalidArgument`
    ///   when their partition keys differ, a value list does not match them, or `staged` holds a
    ///   partition outside `values` (nothing is changed then).
    @discardableResult
    public func replacePartitions(database: String, table: String, values: [[String]], from staged: String) async throws -> [PartitionDefinition] {
        let database = Self.normalize(database), table = Self.normalize(table), staged = Self.normalize(staged)
        return try await committer.commit { tx -> [PartitionDefinition] in
            guard let targetText = try tx.query("SELECT definition FROM tables WHERE database = ? AND name = ?", [database, table]).first?["definition"].string
            else { throw TarnError(.entityNotFound, "Table \(database).\(table) not found.") }
            guard let sourceText = try tx.query("SELECT definition FROM tables WHERE database = ? AND name = ?", [database, staged]).first?["definition"].string
            else { throw TarnError(.entityNotFound, "Table \(database).\(staged) not found.") }
            let target = try Self.decode(TableDefinition.self, targetText), source = try Self.decode(TableDefinition.self, sourceText)
            let keys = target.partitionKeys
            guard keys.map(\.name) == source.partitionKeys.map(\.name), !keys.isEmpty else {
                throw TarnError(
                    .invalidArgument,
                    "Table \(database).\(staged) is partitioned by \(source.partitionKeys.map(\.name)), \(database).\(table) by \(keys.map(\.name)).")
            }
            for value in values where value.count != keys.count {
                throw TarnError(.invalidArgument, "Partition \(value) has \(value.count) values; table \(database).\(table) has \(keys.count) partition keys.")
            }
            let specs = Set(values.map { Self.spec(keys, $0) })
            let incoming = try tx.query("SELECT spec FROM partitions WHERE database = ? AND name = ?", [database, staged]).compactMap { $0["spec"].string }
            for spec in incoming where !specs.contains(spec) {
                throw TarnError(.invalidArgument, "Staged partition \(spec) of \(database).\(staged) is not among the partitions being replaced.")
            }
            var removed: [PartitionDefinition] = []
            for spec in specs.sorted() {
                let rows = try tx.query("SELECT definition FROM partitions WHERE database = ? AND name = ? AND spec = ?", [database, table, spec])
                removed += try rows.map { try Self.decode(PartitionDefinition.self, $0["definition"].string) }
                try tx.query("DELETE FROM partitions WHERE database = ? AND name = ? AND spec = ?", [database, table, spec])
            }
            try tx.query("UPDATE partitions SET name = ? WHERE database = ? AND name = ?", [table, database, staged])
            try tx.query("DELETE FROM tables WHERE database = ? AND name = ?", [database, staged])
            return removed
        }
    }
}

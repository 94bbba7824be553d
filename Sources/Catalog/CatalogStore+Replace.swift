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
}

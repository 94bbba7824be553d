import Testing

@testable import TarnCore

/// Reused prepared statements must behave exactly like freshly prepared ones.
@Suite struct SQLiteStatementCacheTests {
    static func database() throws -> SQLiteDatabase {
        let db = try SQLiteDatabase(path: ":memory:")
        try db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL)")
        return db
    }

    @Test func reusedStatementsSeeNewBindingsAndNewRows() throws {
        let db = try Self.database()
        for id in 1...5 { try db.query("INSERT INTO t (id, name) VALUES (?, ?)", [id, "n\(id)"]) }
        for id in 1...5 {
            let rows = try db.query("SELECT name FROM t WHERE id = ?", [id])
            #expect(rows.map { $0["name"].string } == ["n\(id)"])
        }
        // A statement left mid-way (only the first row read by SQLite) is reset for the next call.
        #expect(try db.query("SELECT id FROM t ORDER BY id").count == 5)
        try db.query("INSERT INTO t (id, name) VALUES (?, ?)", [6, "n6"])
        #expect(try db.query("SELECT id FROM t ORDER BY id").count == 6)
    }

    @Test func aFailedStepLeavesTheStatementReusable() throws {
        let db = try Self.database()
        try db.query("INSERT INTO t (id, name) VALUES (?, ?)", [1, "a"])
        #expect(throws: TarnError.self) { try db.query("INSERT INTO t (id, name) VALUES (?, ?)", [1, "duplicate"]) }
        try db.query("INSERT INTO t (id, name) VALUES (?, ?)", [2, "b"])
        let failed: Result<Void, any Error> = Result {
            try db.transaction { tx in
                try tx.query("INSERT INTO t (id, name) VALUES (?, ?)", [3, "c"])
                try tx.query("INSERT INTO t (id, name) VALUES (?, ?)", [1, "again"])
            }
        }
        #expect(throws: TarnError.self) { try failed.get() }
        #expect(try db.query("SELECT name FROM t ORDER BY id").map { $0["name"].string } == ["a", "b"])
    }

    @Test func selectStarFollowsASchemaChange() throws {
        let db = try Self.database()
        try db.query("INSERT INTO t (id, name) VALUES (1, 'a')")
        #expect(try db.query("SELECT * FROM t")[0].names == ["id", "name"])
        try db.execute("ALTER TABLE t ADD COLUMN size INTEGER DEFAULT 7")
        let row = try db.query("SELECT * FROM t")[0]
        #expect(row.names == ["id", "name", "size"])
        #expect(row["size"].int == 7)
    }

    @Test func moreDistinctStatementsThanTheCacheHolds() throws {
        let db = try Self.database()
        try db.query("INSERT INTO t (id, name) VALUES (1, 'a')")
        for round in 0..<2 {
            for index in 0..<(SQLiteStatementCache.capacity + 10) {
                let rows = try db.query("SELECT id + \(index) AS v FROM t")
                #expect(rows[0]["v"].int == Int64(1 + index), "round \(round)")
            }
        }
    }
}

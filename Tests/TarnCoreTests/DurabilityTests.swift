import Testing
import TarnTesting
@testable import TarnCore

@Suite struct DurabilityTests {
    @Test func atomicWriteReplacesWholeFile() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.path + "/a/b/file"
        try FileSystem.createDirectory(FileSystem.parentDirectory(of: path))
        try FileSystem.writeAtomically(Array("first".utf8), to: path)
        try FileSystem.writeAtomically(Array("second version".utf8), to: path, permissions: 0o600)
        #expect(try FileSystem.readFile(path) == Array("second version".utf8))
        #expect(FileSystem.permissions(path) == 0o600)
        // No temp files are left beside the destination.
        #expect(try FileSystem.listDirectory(dir.path + "/a/b") == ["file"])
    }

    @Test func shortReadNamesPathAndOffset() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.path + "/short"
        try FileSystem.writeAtomically([1, 2, 3], to: path)
        let file = try PosixFile(path: path, mode: .read)
        #expect(throws: TarnError.self) { try file.read(count: 10, at: 1) }
        do {
            _ = try file.read(count: 10, at: 1)
        } catch let error as TarnError {
            #expect(error.message.contains("expected 10 bytes at offset 1, read 2"))
        }
    }

    @Test func missingFileIsNotFound() {
        #expect { try PosixFile(path: "/nonexistent/tarn", mode: .read) } throws: { error in
            (error as? TarnError)?.code == .notFound
        }
    }

    @Test func sqliteTransactionsCommitAndRollBack() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let db = try SQLiteDatabase(path: dir.path + "/meta.db")
        try db.execute("CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER, b BLOB)")
        try db.transaction { tx in
            try tx.query("INSERT INTO t VALUES (?, ?, ?)", ["a", 1, [UInt8]([9, 8])])
        }
        #expect(throws: TarnError.self) {
            try db.transaction { tx in
                try tx.query("INSERT INTO t VALUES (?, ?, ?)", ["b", 2, SQLiteValue.null])
                try tx.query("INSERT INTO t VALUES (?, ?, ?)", ["a", 3, SQLiteValue.null])  // duplicate key
            }
        }
        let rows = try db.query("SELECT k, v, b FROM t ORDER BY k")
        #expect(rows.count == 1)
        #expect(rows[0]["k"].string == "a")
        #expect(rows[0]["v"].int == 1)
        #expect(rows[0]["b"].bytes == [9, 8])
        // A second connection sees the committed row (the file, not a cache, is the truth).
        let reopened = try SQLiteDatabase(path: dir.path + "/meta.db")
        #expect(try reopened.query("SELECT count(*) AS n FROM t")[0]["n"].int == 1)
    }
}

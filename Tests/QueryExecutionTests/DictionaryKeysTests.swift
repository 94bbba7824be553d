import Columnar
import Foundation
import QueryPlanner
import Testing
@testable import QueryExecution

/// Grouping, joining and DISTINCT over dictionary-encoded string columns (`Column.dictionary`,
/// as Parquet row groups produce them) must give exactly the answers of the same values without
/// dictionaries: every batch has its own dictionary (other entries, other order, repeated and
/// unused entries), NULLs, and batches where a filter leaves few rows.
@Suite struct DictionaryKeysTests {
    static let schema = Schema([Field("g", .int32), Field("s", .string), Field("t", .string), Field("x", .int64)])

    /// Deterministic rows: `s` from a few dozen values with NULLs, `t` from a handful.
    static func rows(_ count: Int, seed: UInt64) -> (g: [Int32], s: [String?], t: [String?], x: [Int64]) {
        var state = seed
        func next() -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int(truncatingIfNeeded: state >> 33)
        }
        var g: [Int32] = [], s: [String?] = [], t: [String?] = [], x: [Int64] = []
        for i in 0..<count {
            g.append(Int32(next() % 3))
            let r = next() % 40
            s.append(r == 0 ? nil : "s-\(r % 37)")
            let q = next() % 9
            t.append(q == 0 ? nil : ["red", "green", "blue", "a-rather-long-colour-name"][q % 4])
            x.append(Int64(i))
        }
        return (g, s, t, x)
    }

    /// A string column with a batch-private dictionary: the batch's distinct values shuffled by
    /// `seed`, each entry repeated once, plus two entries no row uses.
    static func dictionaryColumn(_ values: [String?], seed: Int) throws -> Column {
        var distinct = Array(Set(values.compactMap { $0 })).sorted()
        if seed % 2 == 1 { distinct.reverse() }
        let entries = distinct + ["unused-\(seed)", "unused"] + distinct
        var builder = ColumnBuilder(.string)
        for entry in entries { builder.append(string: entry) }
        var position: [String: Int32] = [:]
        for (i, entry) in entries.enumerated() where position[entry] == nil || (seed + i) % 3 == 0 { position[entry] = Int32(i) }
        let indices = values.map { $0.map { position[$0]! } ?? 0 }
        let validity = values.contains(nil) ? values.map { $0 != nil } : nil
        return try Column(dictionary: builder.build(), indices: indices, validity: validity)
    }

    static func plainColumn(_ values: [String?]) -> Column {
        var builder = ColumnBuilder(.string)
        for value in values { if let value { builder.append(string: value) } else { builder.appendNull() } }
        return builder.build()
    }

    static func table(dictionary: Bool, rows: Int, batchRows: Int) throws -> InMemoryTable {
        let data = Self.rows(rows, seed: 7)
        var batches: [RecordBatch] = []
        var start = 0, batchIndex = 0
        while start < rows {
            let end = min(rows, start + batchRows)
            let s = Array(data.s[start..<end]), t = Array(data.t[start..<end])
            batches.append(RecordBatch(schema: schema, columns: [
                Column(type: .int32, storage: .int32(Array(data.g[start..<end]))),
                dictionary ? try dictionaryColumn(s, seed: batchIndex) : plainColumn(s),
                dictionary ? try dictionaryColumn(t, seed: batchIndex + 1) : plainColumn(t),
                Column(type: .int64, storage: .int64(Array(data.x[start..<end]))),
            ]))
            start = end
            batchIndex += 1
        }
        if dictionary { #expect(batches.allSatisfy { $0.columns[1].dictionary != nil }) }
        return InMemoryTable(name: "t", schema: schema, batches: batches)
    }

    /// The build side of the joins: one row per `s` value, some missing, plus a NULL key.
    static func dimension(dictionary: Bool) throws -> InMemoryTable {
        let keys: [String?] = (0..<37).filter { $0 % 5 != 0 }.map { "s-\($0)" } + [nil]
        let schema = Schema([Field("k", .string), Field("label", .string)])
        let labels: [String?] = keys.map { $0.map { "label of \($0)" } ?? "null key" }
        return InMemoryTable(name: "d", schema: schema, batches: [RecordBatch(schema: schema, columns: [
            dictionary ? try dictionaryColumn(keys, seed: 3) : plainColumn(keys),
            dictionary ? try dictionaryColumn(labels, seed: 4) : plainColumn(labels),
        ])])
    }

    static let queries = [
        "SELECT s, count(*), sum(x) FROM t GROUP BY s",
        "SELECT g, s, count(*), sum(x) FROM t GROUP BY g, s",
        "SELECT s, t, count(*), min(x) FROM t GROUP BY s, t",
        "SELECT g, t, s, count(*) FROM t WHERE x % 97 = 0 GROUP BY g, t, s",
        "SELECT g, count(DISTINCT s), count(DISTINCT t) FROM t GROUP BY g",
        "SELECT count(DISTINCT s) FROM t WHERE x % 11 = 0",
        "SELECT d.label, count(*), sum(t.x) FROM t JOIN d ON d.k = t.s GROUP BY d.label",
        "SELECT t.s, d.label FROM t LEFT JOIN d ON d.k = t.s WHERE t.x % 13 = 0",
        "SELECT count(*) FROM t WHERE s IN (SELECT k FROM d)",
        // Every probe row matches one build row, in order (the join reuses the probe columns).
        "SELECT e.k, count(*), sum(t.x) FROM t JOIN (SELECT DISTINCT s AS k FROM t) AS e ON e.k = t.s WHERE t.s IS NOT NULL GROUP BY e.k",
        "SELECT count(*) FROM t WHERE s NOT IN (SELECT k FROM d WHERE k IS NOT NULL)",
        "SELECT s, count(*) FROM t WHERE s IN ('s-1', 's-2', 's-30') OR s LIKE '%-1%' GROUP BY s",
        "SELECT DISTINCT t FROM t",
        // Evaluated once per distinct value (`evaluateViaDictionary`): the CAST would fail on the
        // dictionaries' unused entries ('unused-…'), which no row holds.
        "SELECT sum(CAST(substr(s, 3) AS integer)), count(*) FROM t WHERE x > 10",
        "SELECT g, max(CASE WHEN t = 'red' THEN 1 ELSE 0 END), sum(length(s)) FROM t GROUP BY g",
        "SELECT count(*) FROM t WHERE coalesce(s, 'none') = 'none'",
        "SELECT count(*) FROM t WHERE s IS NULL OR coalesce(t, 'none') = 'none'",
        "SELECT upper(t), count(*) FROM t WHERE t NOT IN ('red') GROUP BY upper(t)",
    ]

    @Test(arguments: [1, 2])
    func answersEqualThoseWithoutDictionaries(parallelism: Int) throws {
        func run(_ dictionary: Bool, batchRows: Int) throws -> [[[String]]] {
            let catalog = StaticCatalog(tables: [
                "t": try Self.table(dictionary: dictionary, rows: 5000, batchRows: batchRows),
                "d": try Self.dimension(dictionary: dictionary),
            ])
            let engine = QueryEngine(catalog: catalog, options: EngineOptions(parallelism: parallelism))
            return try Self.queries.map { try engine.execute($0).textRows.sorted { $0.lexicographicallyPrecedes($1) } }
        }
        for batchRows in [1, 7, 1000] {
            let expected = try run(false, batchRows: batchRows)
            let actual = try run(true, batchRows: batchRows)
            for (k, query) in Self.queries.enumerated() {
                #expect(actual[k] == expected[k], "\(query) (batches of \(batchRows))")
                #expect(!expected[k].isEmpty, "\(query) returns rows")
            }
        }
    }

    @Test func codesCombineDictionariesAndSkipConstants() throws {
        let s = try Self.dictionaryColumn(["a", nil, "b", "a"], seed: 0)
        let constant = Column(type: .int32, storage: .int32([5, 5, 5, 5]))
        let (codes, space) = try #require(DictionaryKeys.codes([constant, s, s], constant: [true, false, false], count: 4))
        #expect(codes[0] == codes[3])
        #expect(Set(codes).count == 3)
        #expect(codes.allSatisfy { $0 >= 0 && Int($0) < space })
        // A varying column without a dictionary: no codes.
        #expect(DictionaryKeys.codes([Self.plainColumn(["a", "b"])], constant: [false], count: 2) == nil)
    }
}

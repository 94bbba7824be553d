import Columnar
import Foundation
import QueryPlanner
import TarnCore
import Testing
@testable import QueryExecution

/// GROUP BY over several keys with a string among them: the aggregator numbers low-cardinality
/// strings (`StringInterner`) and keeps the byte encoding for high-cardinality ones. Either way
/// the groups must be those a plain dictionary computes.
@Suite struct GroupKeyInterningTests {
    /// Rows of (g int32, s string or NULL, x int64), cut into batches of `batchRows`.
    struct Rows {
        var g: [Int32] = []
        var s: [String?] = []
        var x: [Int64] = []

        /// `count` rows, row `i` given by `row(i)`.
        init(count: Int, _ row: (Int) -> (g: Int32, s: String?, x: Int64)) {
            for i in 0..<count {
                let (g, s, x) = row(i)
                self.g.append(g)
                self.s.append(s)
                self.x.append(x)
            }
        }

        func table(batchRows: Int) -> InMemoryTable {
            let schema = Schema([Field("g", .int32), Field("s", .string), Field("x", .int64)])
            var batches: [RecordBatch] = []
            var start = 0
            while start < g.count {
                let end = min(g.count, start + batchRows)
                var strings = ColumnBuilder(.string)
                for i in start..<end {
                    if let value = s[i] { strings.append(string: value) } else { strings.appendNull() }
                }
                batches.append(RecordBatch(schema: schema, columns: [
                    Column(type: .int32, storage: .int32(Array(g[start..<end]))),
                    strings.build(),
                    Column(type: .int64, storage: .int64(Array(x[start..<end]))),
                ]))
                start = end
            }
            return InMemoryTable(name: "t", schema: schema, batches: batches)
        }

        /// The expected `g, s, count(*), sum(x)` rows, as the engine prints them, sorted.
        var expected: [[String]] {
            struct Key: Hashable { let g: Int32; let s: String? }
            var groups: [Key: (Int, Int64)] = [:]
            for i in g.indices {
                let key = Key(g: g[i], s: s[i])
                let current = groups[key] ?? (0, 0)
                groups[key] = (current.0 + 1, current.1 + x[i])
            }
            return groups.map { key, value in ["\(key.g)", key.s ?? "NULL", "\(value.0)", "\(value.1)"] }.sorted { $0.lexicographicallyPrecedes($1) }
        }
    }

    func run(_ rows: Rows, batchRows: Int, parallelism: Int) throws -> [[String]] {
        let engine = QueryEngine(catalog: StaticCatalog(tables: ["t": rows.table(batchRows: batchRows)]), options: EngineOptions(parallelism: parallelism))
        let result = try engine.execute("SELECT g, s, count(*), sum(x) FROM t GROUP BY g, s")
        return result.textRows.sorted { $0.lexicographicallyPrecedes($1) }
    }

    @Test(arguments: [1, 2])
    func lowCardinalityStringWithNullsAcrossBatches(parallelism: Int) throws {
        // Few distinct strings (interned), NULLs in every batch, and values that first appear in
        // later batches (after the aggregator chose the encoding).
        let rows = Rows(count: 20_000) { i in (Int32(i % 3), i % 11 == 0 ? nil : "cat-\(i < 10_000 ? i % 5 : i % 9)", Int64(i)) }
        let actual = try run(rows, batchRows: 1000, parallelism: parallelism)
        #expect(actual == rows.expected)
        // First half: 3 values of g × 5 strings; second half: cat-k only with g = k % 3 (i % 9
        // fixes i % 3), adding cat-5…8; NULL with each g: 15 + 4 + 3.
        #expect(actual.count == 22)
        #expect(actual.contains { $0[1] == "NULL" })
    }

    @Test(arguments: [1, 2])
    func highCardinalityStringKeepsByteKeys(parallelism: Int) throws {
        // Every row of the first batch distinct: not interned; the groups are the same.
        let rows = Rows(count: 6000) { i in (Int32(i % 2), i % 97 == 0 ? nil : "order-\(i / 2)", 1) }
        let actual = try run(rows, batchRows: 500, parallelism: parallelism)
        #expect(actual == rows.expected)
    }

    @Test(arguments: [1, 2])
    func integerKeysWithNullsInSomeBatchesOnly(parallelism: Int) throws {
        // A batch with a NULL key and one without must encode and hash a key alike (the null word
        // is part of the hash in both), or one group splits in two.
        let schema = Schema([Field("g", .int32), Field("h", .int64)])
        let withNull = RecordBatch(schema: schema, columns: [
            Column(type: .int32, storage: .int32([1, 1, 2])), Column(type: .int64, storage: .int64([7, 0, 7]), validity: [true, false, true]),
        ])
        let withoutNull = RecordBatch(schema: schema, columns: [
            Column(type: .int32, storage: .int32([1, 2, 2])), Column(type: .int64, storage: .int64([7, 7, 8])),
        ])
        let table = InMemoryTable(name: "t", schema: schema, batches: [withNull, withoutNull, withNull])
        let engine = QueryEngine(catalog: StaticCatalog(tables: ["t": table]), options: EngineOptions(parallelism: parallelism))
        let result = try engine.execute("SELECT g, h, count(*) FROM t GROUP BY g, h ORDER BY g, h NULLS LAST")
        #expect(result.textRows == [["1", "7", "3"], ["1", "NULL", "2"], ["2", "7", "3"], ["2", "8", "1"]])
    }

    @Test func emptyStringAndNullAreDifferentGroups() throws {
        let rows = Rows(count: 100) { i in (0, i % 2 == 0 ? "" : nil, Int64(i)) }
        let actual = try run(rows, batchRows: 30, parallelism: 1)
        #expect(actual == [["0", "", "50", "2450"], ["0", "NULL", "50", "2500"]])
    }

    @Test func internerNumbersValuesOnceAndKeepsNulls() {
        let interner = StringInterner()
        var first = ColumnBuilder(.string)
        for value in ["a", "b", "a"] { first.append(string: value) }
        first.appendNull()
        let numbers = interner.numbers(first.build(), count: 4)
        var second = ColumnBuilder(.string)
        for value in ["b", "c", "a"] { second.append(string: value) }
        let later = interner.numbers(second.build(), count: 3)
        #expect(numbers.int64Values[0] == numbers.int64Values[2])
        #expect(numbers.int64Values[0] != numbers.int64Values[1])
        #expect(numbers.validity == [true, true, true, false])
        #expect(later.int64Values[0] == numbers.int64Values[1])
        #expect(later.int64Values[2] == numbers.int64Values[0])
        #expect(Set(later.int64Values + numbers.int64Values.prefix(3)).count == 3)
        #expect(StringInterner.worthwhile(distinct: 20, rows: 131_072))
        #expect(!StringInterner.worthwhile(distinct: 100_000, rows: 131_072))
    }
}

/// The default per-query memory limit follows the memory available, cgroup limits included.
@Suite struct MemoryLimitsTests {
    @Test func cgroupFiles() {
        #expect(MemoryLimits.cgroupLimit("max\n") == nil)
        #expect(MemoryLimits.cgroupLimit("2147483648\n") == 2_147_483_648)
        // cgroup v1 without a limit: Int64.max rounded down to a page.
        #expect(MemoryLimits.cgroupLimit("9223372036854771712") == nil)
        #expect(MemoryLimits.cgroupLimit("") == nil)
    }

    @Test func eightyPercentOfAvailable() {
        #expect(MemoryLimits.perQuery(available: 10_000_000_000) == 8_000_000_000)
        #expect(MemoryLimits.perQuery(available: 1000) == 64 << 20)
        #expect(MemoryLimits.defaultPerQuery == MemoryLimits.perQuery(available: MemoryLimits.availableMemory()))
        #expect(EngineOptions().memoryLimit == MemoryLimits.defaultPerQuery)
    }
}

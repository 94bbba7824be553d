import Columnar
import Foundation
import TarnCore
import TarnTesting
import Testing
@testable import Parquet

/// Dictionary-encoded string chunks come out with a `ColumnDictionary` next to their values
/// when every page used the dictionary, and without one when the writer fell back to PLAIN
/// pages; either way the values are those pyarrow wrote (`Fixtures/dictionary/make_fixtures.py`).
@Suite struct DictionaryColumnTests {
    static func path(_ name: String) -> String { Fixtures.path("ParquetTests", "dictionary/\(name)") }

    /// Checks the dictionary invariant: every present row's value is its entry's value.
    static func expectConsistent(_ column: Column) {
        guard let dictionary = column.dictionary else { return }
        #expect(dictionary.indices.count == column.count)
        #expect(dictionary.values.validity == nil)
        for row in 0..<column.count where !column.isNull(row) {
            let index = Int(dictionary.indices[row])
            #expect(dictionary.values.string(at: index) == column.string(at: row))
        }
    }

    @Test func mixedDictionaryAndPlainPagesHaveNoDictionary() throws {
        let reader = try ParquetFileReader(path: Self.path("strings_fallback.parquet"))
        let column = try reader.readRowGroup(0).columns[0]
        #expect(column.count == 4000)
        #expect(column.dictionary == nil)
        for i in 0..<4000 {
            let expected: String? = i % 7 == 3 ? nil : "value-\(String(format: "%05d", i))-\(String(repeating: "x", count: i % 13))"
            #expect(column.string(at: i) == expected)
        }
    }

    @Test func rowGroupsCarryTheirOwnDictionariesAndNulls() throws {
        let reader = try ParquetFileReader(path: Self.path("strings_row_groups.parquet"))
        let expected: [[String?]] = [["b", "a", nil, "b", "c", "a"], ["zz", nil, "a", "zz", "zz", "y"], [nil, nil, nil, nil, nil, nil]]
        for group in 0..<3 {
            let column = try reader.readRowGroup(group).columns[0]
            #expect((0..<6).map { column.string(at: $0) } == expected[group])
            Self.expectConsistent(column)
            if group < 2 {
                let dictionary = try #require(column.dictionary)
                #expect(dictionary.values.count == 3)
                // NULL rows hold index 0 (a valid entry), not garbage.
                #expect(dictionary.indices[group == 0 ? 2 : 1] == 0)
            } else {
                // All NULL: the dictionary page is empty, and an empty dictionary is not attached.
                #expect(column.dictionary == nil)
            }
        }
        // Selections keep the dictionary, consistent with the values.
        let column = try reader.readRowGroup(1).columns[0]
        let taken = column.take([5, 0, 1, 0])
        #expect(taken.dictionary != nil)
        #expect((0..<4).map { taken.string(at: $0) } == ["y", "zz", nil, "zz"])
        Self.expectConsistent(taken)
        let sliced = column.slice(2..<5)
        #expect(sliced.dictionary?.indices.count == 3)
        Self.expectConsistent(sliced)
        // Concatenating row groups (different dictionaries) drops it.
        #expect(try reader.readAll().columns[0].dictionary == nil)
    }

    @Test func numericChunksHaveNoDictionary() throws {
        let reader = try ParquetFileReader(path: Self.path("strings_row_groups.parquet"))
        #expect(try reader.readRowGroup(0).columns[1].dictionary == nil)
    }
}

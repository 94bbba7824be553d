import Columnar
import Testing

/// `Column.dictionary`: built and validated from entries plus indices, carried by `take` and
/// `slice`, dropped by anything that changes the values.
@Suite struct ColumnDictionaryTests {
    static func strings(_ values: [String]) -> Column {
        var builder = ColumnBuilder(.string)
        for value in values { builder.append(string: value) }
        return builder.build()
    }

    @Test func buildsExpandedValuesWithNulls() throws {
        let column = try Column(dictionary: Self.strings(["x", "yy", ""]), indices: [1, 0, 0, 2, 1], validity: [true, true, false, true, true])
        #expect((0..<5).map { column.string(at: $0) } == ["yy", "x", nil, "", "yy"])
        #expect(column.dictionary?.indices == [1, 0, 0, 2, 1])
        let taken = column.take([4, 2, 3])
        #expect(taken.dictionary?.indices == [1, 0, 2])
        #expect((0..<3).map { taken.string(at: $0) } == ["yy", nil, ""])
        #expect(column.slice(1..<3).dictionary?.indices == [0, 0])
        #expect(column.filter([false, true, false, false, true]).dictionary?.indices == [0, 1])
    }

    @Test func indexOutOfRangeThrows() {
        #expect(throws: (any Error).self) { try Column(dictionary: Self.strings(["a", "b"]), indices: [0, 2], validity: nil) }
        #expect(throws: (any Error).self) { try Column(dictionary: Self.strings(["a"]), indices: [-1], validity: nil) }
        #expect(throws: (any Error).self) { try Self.strings(["a", "b"]).attachingDictionary(Self.strings(["a", "b"]), indices: [0, 5]) }
        #expect(throws: (any Error).self) { try Self.strings(["a", "b"]).attachingDictionary(Self.strings(["a", "b"]), indices: [0]) }
    }

    @Test func emptyDictionary() throws {
        let empty = try Column(dictionary: Self.strings([]), indices: [], validity: nil)
        #expect(empty.count == 0)
        #expect(empty.dictionary?.values.count == 0)
        // Rows need an entry, even NULL ones.
        #expect(throws: (any Error).self) { try Column(dictionary: Self.strings([]), indices: [0], validity: [false]) }
    }

    @Test func nullEntriesAreRejected() {
        var builder = ColumnBuilder(.string)
        builder.appendNull()
        #expect(throws: (any Error).self) { try Column(dictionary: builder.build(), indices: [0], validity: nil) }
    }

    @Test func changingValuesDropsTheDictionary() throws {
        var column = try Column(dictionary: Self.strings(["a", "b"]), indices: [1, 0], validity: nil)
        column.storage = Self.strings(["c", "d"]).storage
        #expect(column.dictionary == nil)
        var other = try Column(dictionary: Self.strings(["a", "b"]), indices: [1, 0], validity: nil)
        other.validity = [true, false]
        #expect(other.dictionary == nil)
        #expect(Column.concatenate([column, other]).dictionary == nil)
    }
}

import Testing
@testable import Columnar

@Suite struct ColumnTests {
    func strings(_ values: [String?]) -> Column {
        var builder = ColumnBuilder(.string)
        for value in values {
            if let value { builder.append(string: value) } else { builder.appendNull() }
        }
        return builder.build()
    }

    @Test func builderNarrowsAndTracksNulls() {
        var builder = ColumnBuilder(.int16)
        builder.append(int: 5)
        builder.appendNull()
        builder.append(int: -7)
        let column = builder.build()
        guard case .int16(let values) = column.storage else {
            Issue.record("expected int16 storage")
            return
        }
        #expect(values == [5, 0, -7])
        #expect(column.validity == [true, false, true])
        #expect(column.nullCount == 1)
        #expect(column.value(at: 2) == .int(-7))
        #expect(column.value(at: 1) == .null)
    }

    @Test func allPresentColumnHasNoValidity() {
        var builder = ColumnBuilder(.float64)
        builder.append(double: 1.5)
        #expect(builder.build().validity == nil)
    }

    @Test func takeSliceFilterOnStrings() {
        let column = strings(["a", nil, "ccc", "", "dd"])
        #expect(column.take([4, 0, 0, 1]).value(at: 0) == .string("dd"))
        #expect(column.take([4, 0, 0, 1]).isNull(3))
        let slice = column.slice(2..<5)
        #expect((0..<3).map { slice.string(at: $0) } == ["ccc", "", "dd"])
        let filtered = column.filter([true, false, true, false, true])
        #expect((0..<3).map { filtered.string(at: $0) } == ["a", "ccc", "dd"])
    }

    @Test func concatenateRebasesOffsets() {
        let joined = Column.concatenate([strings(["x", "yy"]).slice(1..<2), strings([nil, "zzz"])])
        #expect(joined.count == 3)
        #expect(joined.string(at: 0) == "yy")
        #expect(joined.isNull(1))
        #expect(joined.string(at: 2) == "zzz")
    }

    @Test func nestedListAndStruct() {
        let type = DataType.list(Field("element", .structure([Field("a", .int32), Field("b", .string)])))
        var builder = ColumnBuilder(type)
        builder.append(.list([.structure([.int(1), .string("one")]), .structure([.int(2), .null])]))
        builder.appendNull()
        builder.append(.list([]))
        let column = builder.build()
        #expect(column.count == 3)
        #expect(column.value(at: 0) == .list([.structure([.int(1), .string("one")]), .structure([.int(2), .null])]))
        #expect(column.value(at: 1) == .null)
        #expect(column.value(at: 2) == .list([]))
        let taken = column.take([2, 0])
        #expect(taken.value(at: 1) == column.value(at: 0))
    }

    @Test func decimalsUseWidthByPrecision() {
        #expect(DataType.decimal(precision: 18, scale: 2).physical == .int64)
        #expect(DataType.decimal(precision: 19, scale: 2).physical == .int128)
        var builder = ColumnBuilder(.decimal(precision: 38, scale: 4))
        builder.append(int128: Int128(Int64.max) * 1000)
        #expect(builder.build().value(at: 0) == .decimal(Int128(Int64.max) * 1000, scale: 4))
    }
}

import Testing
import Columnar
@testable import TextFormats

@Suite struct RowCompactionTests {
    @Test(arguments: [[0], [4], [0, 1, 2, 3, 4], [1, 3], [0, 2, 4], [2, 3]])
    func sameAsGather(rejected: [Int]) {
        var strings = ColumnBuilder(.string), numbers = ColumnBuilder(.int64), decimals = ColumnBuilder(.decimal(precision: 30, scale: 2))
        for row in 0..<5 {
            if row == 1 { strings.appendNull() } else { strings.append(string: String(repeating: "x", count: row) + "\(row)") }
            if row == 3 { numbers.appendNull() } else { numbers.append(int: Int64(row * 10)) }
            decimals.append(int128: Int128(row) << 70)
        }
        let keep = (0..<5).filter { !rejected.contains($0) }.map { Int32($0) }
        for original in [strings.build(), numbers.build(), decimals.build()] {
            var compacted = original
            RowCompaction.compact(&compacted, rejectedRows: rejected)
            let expected = original.take(keep)
            #expect(compacted.count == expected.count)
            for row in 0..<expected.count { #expect(compacted.value(at: row) == expected.value(at: row)) }
            #expect((compacted.validity == nil) == !(0..<expected.count).contains { expected.isNull($0) })
        }
    }
}

import Testing

@testable import Columnar

/// `take` on string columns copies short values by 8-byte words when both buffers have room past
/// the value, byte by byte near the ends, and long values whole: every mix gives the values at
/// the indices.
@Suite struct StringTakeTests {
    @Test(arguments: [0, 1, 7, 8, 15, 16, 17, 40])
    func valuesOfEveryLengthAtEveryPosition(lastLength: Int) {
        // Lengths 0…24 cycling, the last value of the given length so the source ends with it.
        var strings: [String] = (0..<60).map { i in String(repeating: Character(UnicodeScalar(UInt8(65 + i % 26))), count: i % 25) }
        strings.append(String(repeating: "z", count: lastLength))
        var builder = ColumnBuilder(.string)
        for value in strings { builder.append(string: value) }
        let column = builder.build()
        let orders: [[Int32]] = [
            (0..<Int32(strings.count)).reversed().map { $0 },
            (0..<200).map { Int32(($0 * 37 + 11) % strings.count) },
            [Int32(strings.count - 1)], [Int32(strings.count - 1), 0], [0, Int32(strings.count - 1)], [],
        ]
        for indices in orders {
            let taken = column.take(indices)
            #expect(taken.count == indices.count)
            for (position, index) in indices.enumerated() {
                #expect(taken.value(at: position) == .string(strings[Int(index)]), "index \(index) at \(position)")
            }
        }
    }
}

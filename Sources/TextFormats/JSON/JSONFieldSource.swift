import Columnar

/// A batch of parsed JSON lines seen through `TextFieldSource`: row `r`, column `c` is the tape
/// token of the member the schema names (`slots[r * columns + c]`, -1 when absent).
struct JSONFieldSource: TextFieldSource {
    let base: UnsafePointer<UInt8>
    let tape: JSONTape
    let slots: [Int32]
    let columns: Int
    let rowLines: [Int]
    let rowStarts: [Int]
    let rowEnds: [Int]

    var rowCount: Int { rowLines.count }

    @inline(__always)
    func field(row: Int, column: Int) -> RawField {
        let token = Int(slots[row &* columns &+ column])
        guard token >= 0 else { return RawField(start: base, count: 0, flags: RawField.null) }
        let entry = tape.tokens[token]
        let start = Int(entry.start)
        let count = Int(entry.end) - start
        switch entry.kind {
        case .null: return RawField(start: base, count: 0, flags: RawField.null)
        case .string:
            return RawField(start: base + start, count: count, flags: RawField.quoted | (entry.escaped ? RawField.escaped : 0))
        case .number, .true, .false: return RawField(start: base + start, count: count, flags: 0)
        case .object, .array: return RawField(start: base + start, count: count, flags: RawField.nested)
        }
    }

    func unescape(_ field: RawField, into output: inout [UInt8]) -> Bool {
        JSONString.unescape(field.start, field.count, into: &output)
    }

    func lineNumber(row: Int) -> Int { rowLines[row] }

    func rowText(row: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: base + rowStarts[row], count: rowEnds[row] - rowStarts[row])
    }

    func nestedColumn(column: Int, field: Field, rejected: [Bool], enforceNotNull: Bool) -> (Column, [(row: Int, reason: String)]) {
        var builder = ColumnBuilder(field.type, capacity: rowCount)
        var failures: [(Int, String)] = []
        let converter = JSONValueConverter(base: base, tape: tape)
        for row in 0..<rowCount {
            let token = Int(slots[row * columns + column])
            if rejected[row] || token < 0 {
                if !rejected[row] && enforceNotNull && !field.nullable { failures.append((row, "NULL in a column declared NOT NULL")) }
                builder.appendNull()
                continue
            }
            switch converter.value(token, as: field.type) {
            case .success(let value):
                if value.isNull && enforceNotNull && !field.nullable { failures.append((row, "NULL in a column declared NOT NULL")) }
                builder.append(value)
            case .failure(let error):
                failures.append((row, error.reason))
                builder.appendNull()
            }
        }
        return (builder.build(), failures)
    }
}

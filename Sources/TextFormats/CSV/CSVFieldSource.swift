import Columnar

/// The CSV tokenizer's field table seen through `TextFieldSource`, for the typed batch builder.
///
/// Holds the tokenizer's buffers by pointer (copied out once, so the column loops do no class
/// property accesses); valid until the tokenizer runs again.
struct CSVFieldSource: TextFieldSource {
    let base: UnsafePointer<UInt8>
    let rowCount: Int
    let fieldStarts: UnsafeMutablePointer<Int32>
    let fieldEnds: UnsafeMutablePointer<Int32>
    let fieldFlags: UnsafeMutablePointer<UInt8>
    let recordFieldStart: UnsafeMutablePointer<Int32>
    let recordLines: UnsafeMutablePointer<Int>
    let recordStarts: UnsafeMutablePointer<Int32>
    let recordEnds: UnsafeMutablePointer<Int32>
    let quote: UInt8?
    let escape: UInt8?

    init(tokenizer: CSVTokenizer, base: UnsafePointer<UInt8>) {
        self.base = base
        rowCount = tokenizer.recordCount
        fieldStarts = tokenizer.fieldStarts
        fieldEnds = tokenizer.fieldEnds
        fieldFlags = tokenizer.fieldFlags
        recordFieldStart = tokenizer.recordFieldStart
        recordLines = tokenizer.recordLines
        recordStarts = tokenizer.recordStarts
        recordEnds = tokenizer.recordEnds
        quote = tokenizer.options.quote
        escape = tokenizer.options.escape == tokenizer.options.quote ? nil : tokenizer.options.escape
    }

    @inline(__always)
    func fieldCount(row: Int) -> Int { Int(recordFieldStart[row + 1] - recordFieldStart[row]) }

    @inline(__always)
    func field(row: Int, column: Int) -> RawField {
        let first = Int(recordFieldStart[row])
        guard column < Int(recordFieldStart[row + 1]) - first else {
            // A missing trailing field (lenient column count): NULL.
            return RawField(start: base, count: 0, flags: RawField.null)
        }
        let index = first + column
        let start = Int(fieldStarts[index])
        return RawField(start: base + start, count: Int(fieldEnds[index]) - start, flags: fieldFlags[index])
    }

    /// RFC 4180 §2.7: "a double-quote appearing inside a field must be escaped by preceding it
    /// with another double quote"; with an escape byte, the byte after it is taken literally.
    func unescape(_ field: RawField, into output: inout [UInt8]) -> Bool {
        var index = 0
        let bytes = field.start, count = field.count
        while index < count {
            let byte = bytes[index]
            if let quote, byte == quote, index + 1 < count, bytes[index + 1] == quote {
                output.append(quote)
                index += 2
            } else if let escape, byte == escape, index + 1 < count {
                output.append(bytes[index + 1])
                index += 2
            } else {
                output.append(byte)
                index += 1
            }
        }
        return true
    }

    func lineNumber(row: Int) -> Int { recordLines[row] }

    func rowText(row: Int) -> UnsafeRawBufferPointer {
        let start = Int(recordStarts[row])
        return UnsafeRawBufferPointer(start: base + start, count: Int(recordEnds[row]) - start)
    }

    func nestedColumn(column: Int, field: Field, rejected: [Bool], enforceNotNull: Bool) -> (Column, [(row: Int, reason: String)]) {
        // CSVReader refuses nested schemas up front.
        preconditionFailure("CSV has no nested values (column \(field.name))")
    }

    /// The plain text of field `column` of `row` (header names, raw access).
    func string(row: Int, column: Int) -> String {
        let field = self.field(row: row, column: column)
        if field.has(RawField.escaped) {
            var plain: [UInt8] = []
            _ = unescape(field, into: &plain)
            return String(decoding: plain, as: UTF8.self)
        }
        return String(decoding: UnsafeBufferPointer(start: field.start, count: field.count), as: UTF8.self)
    }
}

/// Splits CSV text into records and field boundaries without copying or allocating per field.
///
/// RFC 4180 §2, the grammar implemented here:
/// ```
/// file        = [header CRLF] record *(CRLF record) [CRLF]
/// record      = field *(COMMA field)
/// field       = (escaped / non-escaped)
/// escaped     = DQUOTE *(TEXTDATA / COMMA / CR / LF / 2DQUOTE) DQUOTE
/// non-escaped = *TEXTDATA
/// ```
/// Relaxations, as the files in a raw zone need them: LF and lone CR end records as well as
/// CRLF; a quote inside an unquoted field is literal (`37°36'37.8"N`); an optional escape byte
/// (`\"`) inside quoted fields; any delimiter byte.
///
/// One call tokenizes as many *complete* records as fit in the batch from the front of a
/// contiguous buffer and reports how many bytes they used; a record cut by the end of the buffer
/// (even between `\r` and `\n`, or after an opening quote) is left for the next call unless the
/// input is final. Results are flat arrays linked by index, valid until the next call:
///
/// ```
///  record r: fields recordFieldStart[r] ..< recordFieldStart[r + 1], physical line recordLines[r]
///  field  f: bytes fieldStarts[f] ..< fieldEnds[f] (quotes excluded), fieldFlags[f]
/// ```
///
/// A reference type: the output buffers are reused from batch to batch and handed to the batch
/// builder by pointer. Not thread-safe.
public final class CSVTokenizer {
    /// Field flag: the field was quoted (so an empty one is `""`, not NULL).
    public static let quotedFlag: UInt8 = 2
    /// Field flag: the field contains doubled quotes or escapes that must be removed.
    public static let escapedFlag: UInt8 = 4

    /// The layout options in force.
    public let options: CSVOptions
    /// Physical line number (1-based) of the next byte to be tokenized.
    public var nextLine: Int = 1
    /// Records produced by the last call.
    public private(set) var recordCount = 0
    /// Fields produced by the last call.
    public private(set) var fieldCount = 0
    /// Records of the last call that broke the grammar, with the reason; their fields are still
    /// listed, best effort.
    public private(set) var malformed: [(record: Int, reason: String)] = []

    // Flat outputs, grown geometrically and reused.
    private(set) var fieldStarts: UnsafeMutablePointer<Int32>
    private(set) var fieldEnds: UnsafeMutablePointer<Int32>
    private(set) var fieldFlags: UnsafeMutablePointer<UInt8>
    private var fieldCapacity: Int
    private(set) var recordFieldStart: UnsafeMutablePointer<Int32>
    private(set) var recordLines: UnsafeMutablePointer<Int>
    private(set) var recordStarts: UnsafeMutablePointer<Int32>
    private(set) var recordEnds: UnsafeMutablePointer<Int32>
    private var recordCapacity: Int

    /// A batch never spans more bytes than this, so field offsets fit in `Int32`.
    static let maxBatchBytes = 1 << 30

    /// Creates a tokenizer.
    /// - Parameter options: delimiter, quote, escape and empty-line handling are used here.
    public init(options: CSVOptions) {
        self.options = options
        fieldCapacity = 1 << 14
        recordCapacity = 1 << 10
        fieldStarts = .allocate(capacity: fieldCapacity)
        fieldEnds = .allocate(capacity: fieldCapacity)
        fieldFlags = .allocate(capacity: fieldCapacity)
        recordFieldStart = .allocate(capacity: recordCapacity + 1)
        recordLines = .allocate(capacity: recordCapacity + 1)
        recordStarts = .allocate(capacity: recordCapacity + 1)
        recordEnds = .allocate(capacity: recordCapacity + 1)
        recordFieldStart[0] = 0
    }

    deinit {
        fieldStarts.deallocate()
        fieldEnds.deallocate()
        fieldFlags.deallocate()
        recordFieldStart.deallocate()
        recordLines.deallocate()
        recordStarts.deallocate()
        recordEnds.deallocate()
    }

    // MARK: - Reading the results

    /// Number of fields of record `record`.
    @inlinable public func fieldCount(ofRecord record: Int) -> Int {
        Int(fieldIndexRange(ofRecord: record).count)
    }

    /// Index range (into the field arrays) of record `record`'s fields.
    public func fieldIndexRange(ofRecord record: Int) -> Range<Int> {
        precondition(record >= 0 && record < recordCount, "record \(record) out of 0..<\(recordCount)")
        return Int(recordFieldStart[record])..<Int(recordFieldStart[record + 1])
    }

    /// Byte range of field `field` in the tokenized buffer (quotes excluded).
    public func fieldRange(_ field: Int) -> Range<Int> {
        precondition(field >= 0 && field < fieldCount, "field \(field) out of 0..<\(fieldCount)")
        return Int(fieldStarts[field])..<Int(fieldEnds[field])
    }

    /// Flags (`quotedFlag`, `escapedFlag`) of field `field`.
    public func fieldFlags(_ field: Int) -> UInt8 { fieldFlags[field] }

    /// Physical line (1-based) on which record `record` starts.
    public func lineNumber(ofRecord record: Int) -> Int { recordLines[record] }

    /// Byte range of record `record`'s text in the tokenized buffer, without its line end.
    public func recordRange(_ record: Int) -> Range<Int> { Int(recordStarts[record])..<Int(recordEnds[record]) }

    // MARK: - Tokenizing

    /// Tokenizes complete records from the front of `input`.
    /// - Parameters:
    ///   - input: the unconsumed bytes; offsets in the results are relative to its start.
    ///   - isFinal: no more bytes will follow, so a last record without a line end is complete.
    ///   - maxRecords: stop after this many records.
    /// - Returns: bytes used by the records produced (the caller drops them from its buffer).
    ///   Zero with `isFinal == false` means the first record is not complete yet.
    public func tokenize(_ input: UnsafeRawBufferPointer, isFinal: Bool, maxRecords: Int) -> Int {
        recordCount = 0
        fieldCount = 0
        malformed.removeAll(keepingCapacity: true)
        ensureRecordCapacity(maxRecords)
        guard let rawBase = input.baseAddress, input.count > 0 else { return 0 }
        let bytes = rawBase.assumingMemoryBound(to: UInt8.self)
        let end = min(input.count, Self.maxBatchBytes)
        let final = isFinal && end == input.count
        let delimiter = options.delimiter
        let quote = options.quote
        // A quote "escaped" by itself is plain RFC 4180 doubling.
        let escape = options.escape == quote ? nil : options.escape
        let special = CSVByteClass(delimiter: delimiter)
        let quoted = SWARMatcher(quote ?? UInt8(ascii: "\n"), escape ?? UInt8(ascii: "\n"), UInt8(ascii: "\n"))
        let maxRecordBytes = options.maxRecordBytes
        var pos = 0
        var consumed = 0
        var line = nextLine

        records: while recordCount < maxRecords && pos < end {
            let recordStart = pos, recordLine = line, firstField = fieldCount
            var reason: String? = nil
            var recordEnd = pos

            fields: while true {
                if fieldCount == fieldCapacity { growFields() }
                var flags: UInt8 = 0
                var fieldStart = pos, fieldEnd = pos
                if let quote, pos < end && bytes[pos] == quote {
                    // Quoted field: scan to the closing quote; delimiters and line ends are data.
                    flags = Self.quotedFlag
                    pos += 1
                    fieldStart = pos
                    let lineAtQuote = line
                    var closed = false
                    var tooLong = false
                    while pos < end {
                        // Skip plain bytes eight at a time (no quote, escape or LF among them).
                        while pos + 8 <= end {
                            let hits = quoted.matches(UnsafeRawPointer(bytes + pos).loadUnaligned(as: UInt64.self))
                            if hits != 0 {
                                pos += hits.trailingZeroBitCount >> 3
                                break
                            }
                            pos += 8
                        }
                        guard pos < end else { break }
                        if pos - recordStart > maxRecordBytes {
                            tooLong = true
                            break
                        }
                        let byte = bytes[pos]
                        if byte == quote {
                            if pos + 1 < end && bytes[pos + 1] == quote {
                                flags |= Self.escapedFlag
                                pos += 2
                                continue
                            }
                            // At the buffer's end `"` may be the first half of `""`: wait.
                            if pos + 1 == end && !final { break }
                            fieldEnd = pos
                            pos += 1
                            closed = true
                            break
                        } else if let escape, byte == escape {
                            flags |= Self.escapedFlag
                            if pos + 1 < end && bytes[pos + 1] == UInt8(ascii: "\n") { line += 1 }
                            pos += 2
                            continue
                        } else if byte == UInt8(ascii: "\n") {
                            line += 1
                        }
                        pos += 1
                    }
                    if !closed {
                        if !final && !tooLong { break records }
                        // An unterminated quote at the end of the input, or a quoted field still
                        // open after maxRecordBytes. Everything after the quote would be one
                        // field; resynchronise at the line end after the quote instead, so the
                        // rows after a stray quote are still read (and this one is rejected).
                        reason = tooLong ? Self.oversizeReason(maxRecordBytes) : "unterminated quoted field (opened on line \(lineAtQuote))"
                        var scan = fieldStart
                        while scan < end && bytes[scan] != UInt8(ascii: "\n") { scan += 1 }
                        if scan == end && !final { break records }
                        fieldEnd = scan
                        if scan < end {
                            recordEnd = scan
                            pos = scan + 1
                            line = lineAtQuote + 1
                        } else {
                            recordEnd = end
                            pos = end
                        }
                        fieldStarts[fieldCount] = Int32(truncatingIfNeeded: fieldStart)
                        fieldEnds[fieldCount] = Int32(truncatingIfNeeded: fieldEnd)
                        fieldFlags[fieldCount] = flags
                        fieldCount += 1
                        break fields
                    } else if pos < end && !special.isSpecial(bytes[pos]) {
                        // RFC 4180 allows only a delimiter or a line end after the closing quote.
                        reason = reason ?? "unexpected character \(describe(bytes[pos])) after closing quote at byte \(pos - recordStart + 1) of the record"
                        while pos < end && !special.isSpecial(bytes[pos]) { pos += 1 }
                        fieldEnd = pos
                    }
                } else {
                    // Unquoted field: everything up to the delimiter or line end is data.
                    // Eight bytes at a time while they are all plain, then byte by byte.
                    while pos + 8 <= end {
                        let word = UnsafeRawPointer(bytes + pos).loadUnaligned(as: UInt64.self)
                        let hits = special.matches(word)
                        if hits != 0 {
                            pos += hits.trailingZeroBitCount >> 3
                            break
                        }
                        pos += 8
                    }
                    while pos < end && !special.isSpecial(bytes[pos]) { pos += 1 }
                    fieldEnd = pos
                }
                fieldStarts[fieldCount] = Int32(truncatingIfNeeded: fieldStart)
                fieldEnds[fieldCount] = Int32(truncatingIfNeeded: fieldEnd)
                fieldFlags[fieldCount] = flags
                fieldCount += 1

                if pos >= end {
                    guard final else { break records }
                    pos = end
                    recordEnd = end
                    break fields
                }
                let byte = bytes[pos]
                if byte == delimiter {
                    pos += 1
                    continue fields
                }
                recordEnd = pos
                if byte == UInt8(ascii: "\n") {
                    pos += 1
                } else {
                    // `\r`: CRLF, or a lone CR (classic Mac) — both end the record.
                    if pos + 1 == end && !final { break records }
                    pos += (pos + 1 < end && bytes[pos + 1] == UInt8(ascii: "\n")) ? 2 : 1
                }
                line += 1
                break fields
            }

            // A complete record [recordStart, pos).
            if options.skipEmptyLines && fieldCount == firstField + 1 && recordEnd == recordStart {
                fieldCount = firstField  // an empty line is not a record
            } else {
                if reason == nil && recordEnd - recordStart > maxRecordBytes { reason = Self.oversizeReason(maxRecordBytes) }
                if let reason { malformed.append((recordCount, reason)) }
                recordStarts[recordCount] = Int32(truncatingIfNeeded: recordStart)
                recordEnds[recordCount] = Int32(truncatingIfNeeded: recordEnd)
                recordLines[recordCount] = recordLine
                recordCount += 1
                recordFieldStart[recordCount] = Int32(truncatingIfNeeded: fieldCount)
            }
            nextLine = line
            consumed = pos
        }
        // A record cut by the end of the buffer is not reported; its bytes stay unconsumed.
        fieldCount = Int(recordFieldStart[recordCount])
        return consumed
    }

    /// The rejection reason of a record longer than `limit` bytes.
    static func oversizeReason(_ limit: Int) -> String {
        "record exceeds \(limit) bytes (an unbalanced quote, or a line without an end); skipped to the next line"
    }

    private func describe(_ byte: UInt8) -> String {
        (0x20..<0x7F).contains(byte) ? "'\(Character(Unicode.Scalar(byte)))'" : "0x" + String(byte, radix: 16)
    }

    private func ensureRecordCapacity(_ records: Int) {
        guard records > recordCapacity else { return }
        recordCapacity = records
        recordFieldStart.deallocate()
        recordLines.deallocate()
        recordStarts.deallocate()
        recordEnds.deallocate()
        recordFieldStart = .allocate(capacity: recordCapacity + 1)
        recordLines = .allocate(capacity: recordCapacity + 1)
        recordStarts = .allocate(capacity: recordCapacity + 1)
        recordEnds = .allocate(capacity: recordCapacity + 1)
        recordFieldStart[0] = 0
    }

    private func growFields() {
        let newCapacity = fieldCapacity * 2
        func grow<T>(_ pointer: inout UnsafeMutablePointer<T>) {
            let bigger = UnsafeMutablePointer<T>.allocate(capacity: newCapacity)
            bigger.moveInitialize(from: pointer, count: fieldCapacity)
            pointer.deallocate()
            pointer = bigger
        }
        grow(&fieldStarts)
        grow(&fieldEnds)
        grow(&fieldFlags)
        fieldCapacity = newCapacity
    }
}

/// Finds the first of up to three byte values in a little-endian 64-bit word of text.
///
/// The classic "has zero byte" test (`(v - 0x01…01) & ~v & 0x80…80` on `word ^ pattern`) flags
/// every byte equal to the pattern; it can also flag a byte *above* a true match (borrow), never
/// below one, so the lowest flag is exact: `trailingZeroBitCount / 8` is the first match.
struct SWARMatcher {
    private let a: UInt64, b: UInt64, c: UInt64
    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highs: UInt64 = 0x8080_8080_8080_8080

    init(_ a: UInt8, _ b: UInt8, _ c: UInt8) {
        self.a = Self.ones &* UInt64(a)
        self.b = Self.ones &* UInt64(b)
        self.c = Self.ones &* UInt64(c)
    }

    @inline(__always)
    private static func zeroBytes(_ value: UInt64) -> UInt64 { (value &- ones) & ~value & highs }

    /// High bit set in each byte (from the first match on) that equals one of the three values.
    @inline(__always)
    func matches(_ word: UInt64) -> UInt64 {
        Self.zeroBytes(word ^ a) | Self.zeroBytes(word ^ b) | Self.zeroBytes(word ^ c)
    }
}

/// Which bytes end an unquoted field: the delimiter, `\n` and `\r`. A 256-entry table keeps the
/// scan loop to one load and one test per byte.
struct CSVByteClass {
    private var table: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
    private let swar: SWARMatcher

    init(delimiter: UInt8) {
        swar = SWARMatcher(delimiter, UInt8(ascii: "\n"), UInt8(ascii: "\r"))
        set(delimiter)
        set(UInt8(ascii: "\n"))
        set(UInt8(ascii: "\r"))
    }

    private mutating func set(_ byte: UInt8) {
        let bit = UInt64(1) << UInt64(byte & 63)
        switch byte >> 6 {
        case 0: table.0 |= bit
        case 1: table.1 |= bit
        case 2: table.2 |= bit
        default: table.3 |= bit
        }
    }

    /// The first-match flags of the field-ending bytes in eight bytes of text.
    @inline(__always) func matches(_ word: UInt64) -> UInt64 { swar.matches(word) }

    @inline(__always) func isSpecial(_ byte: UInt8) -> Bool {
        // Delimiters, CR and LF are all ASCII in practice, but any delimiter byte is allowed.
        let word: UInt64
        switch byte >> 6 {
        case 0: word = table.0
        case 1: word = table.1
        case 2: word = table.2
        default: word = table.3
        }
        return (word >> UInt64(byte & 63)) & 1 != 0
    }
}

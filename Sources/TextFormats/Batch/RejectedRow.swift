import Columnar

/// A source row that could not become a typed row, with everything needed to quarantine it:
/// where it was, which column failed, why, and (a bounded copy of) its text.
///
/// Readers never drop rows silently: every row is either in a batch or in a rejection list
/// returned beside it. The caller decides whether to quarantine, count or fail.
public struct RejectedRow: Sendable, Hashable, CustomStringConvertible {
    /// Physical line (1-based) on which the row starts in the source.
    public var lineNumber: Int
    /// Index of the column that failed, or nil for row-level problems (field count, syntax).
    public var columnIndex: Int?
    /// Name of that column.
    public var columnName: String?
    /// What was wrong, naming the values ("'two' is not a valid bigint").
    public var reason: String
    /// The row's source text (invalid UTF-8 replaced), at most the reader's limit in bytes.
    public var text: String
    /// Whether `text` was cut to the limit.
    public var textTruncated: Bool

    /// Creates a report.
    public init(lineNumber: Int, columnIndex: Int? = nil, columnName: String? = nil, reason: String, text: String, textTruncated: Bool = false) {
        self.lineNumber = lineNumber
        self.columnIndex = columnIndex
        self.columnName = columnName
        self.reason = reason
        self.text = text
        self.textTruncated = textTruncated
    }

    /// `line 12, column quantity: 'two' is not a valid bigint`.
    public var description: String {
        if let columnName { return "line \(lineNumber), column \(columnName): \(reason)" }
        return "line \(lineNumber): \(reason)"
    }

    /// A bounded, lossless-when-valid string of raw bytes (invalid UTF-8 becomes U+FFFD).
    static func boundedText(_ bytes: UnsafeRawBufferPointer, limit: Int) -> (String, Bool) {
        if bytes.count <= limit { return (String(decoding: bytes, as: UTF8.self), false) }
        // Cut at a character boundary so the kept prefix does not end in a broken sequence.
        var cut = limit
        while cut > 0 && bytes[cut] & 0xC0 == 0x80 { cut -= 1 }
        return (String(decoding: UnsafeRawBufferPointer(rebasing: bytes[0..<cut]), as: UTF8.self), true)
    }
}

/// The typed rows of one stretch of input and the rows rejected from it.
public struct TextBatch: Sendable {
    /// The good rows, in source order.
    public var batch: RecordBatch
    /// The rejected rows, in source order.
    public var rejected: [RejectedRow]
    /// Physical line (1-based) on which each good row starts, one per `batch` row, so checks
    /// the caller runs later (duplicates, business rules) can still name the source line.
    public var lineNumbers: [Int]
    /// Source rows this batch covers (`batch.rowCount + rejected.count`).
    public var sourceRows: Int { batch.rowCount + rejected.count }

    /// Creates a result.
    public init(batch: RecordBatch, rejected: [RejectedRow], lineNumbers: [Int]) {
        self.batch = batch
        self.rejected = rejected
        self.lineNumbers = lineNumbers
    }
}

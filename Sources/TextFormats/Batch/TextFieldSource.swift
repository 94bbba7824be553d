import Columnar

/// One field's raw text as a reader found it, before typing.
struct RawField {
    /// Field text (quotes excluded). Valid only while the source's buffer is.
    var start: UnsafePointer<UInt8>
    /// Length in bytes.
    var count: Int
    /// `RawField` flags.
    var flags: UInt8

    /// The value is absent: a JSON `null`, a missing JSON key, or a missing trailing CSV field.
    static let null: UInt8 = 1
    /// The text was quoted (CSV `"…"`, any JSON string): an empty one is a value, not NULL.
    static let quoted: UInt8 = 2
    /// The text contains escapes that `unescape` must resolve before use.
    static let escaped: UInt8 = 4
    /// A JSON object or array: usable as JSON text by string columns only.
    static let nested: UInt8 = 8

    @inline(__always) func has(_ flag: UInt8) -> Bool { flags & flag != 0 }
}

/// Where typed column building gets its fields from: the CSV tokenizer's field table or the
/// JSON tape. Generic (not an existential), so the column loops specialise per reader.
protocol TextFieldSource {
    /// Number of rows.
    var rowCount: Int { get }
    /// The field of `row` for schema column `column`.
    func field(row: Int, column: Int) -> RawField
    /// Resolves the escapes of an `escaped` field, appending the plain bytes to `output`.
    /// - Returns: false if an escape is malformed (JSON validated it already; CSV cannot fail).
    func unescape(_ field: RawField, into output: inout [UInt8]) -> Bool
    /// Physical line (1-based) of `row`.
    func lineNumber(row: Int) -> Int
    /// The source text of `row`, for rejection reports.
    func rowText(row: Int) -> UnsafeRawBufferPointer
    /// Builds a nested (list, struct, map) column for all rows, skipping `rejected` ones.
    /// - Returns: the column (one slot per row) and the rows it had to reject, with reasons.
    func nestedColumn(column: Int, field: Field, rejected: [Bool], enforceNotNull: Bool) -> (Column, [(row: Int, reason: String)])
}

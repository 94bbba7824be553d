/// How a CSV file is laid out and how its text maps to typed values.
///
/// The defaults read RFC 4180 files: comma, double-quote, quotes escaped by doubling, CRLF or LF
/// line ends, a header row.
public struct CSVOptions: Sendable, Hashable {
    /// Field separator (one byte, e.g. `,` `;` `|` or tab).
    public var delimiter: UInt8 = UInt8(ascii: ",")
    /// Quote character; `nil` disables quoting (every byte is literal).
    public var quote: UInt8? = UInt8(ascii: "\"")
    /// Escape character inside quoted fields (`\` for OpenCSVSerde-style files); `nil` means
    /// RFC 4180 style, where a quote inside a quoted field is written twice.
    public var escape: UInt8? = nil
    /// Whether the first record after the skipped lines holds the column names.
    public var hasHeader: Bool = true
    /// Physical lines to drop before reading anything (Athena's `skip.header.line.count`). When
    /// `hasHeader` is also true, the header is the first record after them.
    public var skipLines: Int = 0
    /// Field texts that mean NULL in every column (Hive writes `\N`). Compared byte for byte
    /// against the unquoted field.
    public var nullStrings: [String] = ["\\N"]
    /// Whether an empty unquoted field is NULL in string columns too. It always is for other types
    /// (there is no empty number); a quoted empty field (`""`) stays an empty string.
    public var emptyStringIsNull: Bool = false
    /// Whether empty lines are skipped (true) or read as a record with one empty field.
    public var skipEmptyLines: Bool = true
    /// What to do with records that have more or fewer fields than the schema.
    public var columnCountMismatch: ColumnCountPolicy = .reject
    /// Whether a NULL in a field declared `nullable: false` rejects the row.
    public var enforceNotNull: Bool = true
    /// Rows per record batch.
    public var batchSize: Int = 4096
    /// Largest field accepted, in bytes; longer fields reject the row.
    public var maxFieldBytes: Int = 8 << 20
    /// Largest record accepted, in bytes. A record still open after this many bytes (typically an
    /// unbalanced quote) is rejected and reading resumes at the next line.
    public var maxRecordBytes: Int = 16 << 20
    /// At most this many bytes of a rejected record's text are kept in its report.
    public var maxRejectTextBytes: Int = 4096

    /// What a record with the wrong number of fields means.
    public enum ColumnCountPolicy: Sendable, Hashable {
        /// Reject the row (ETL default: it is not what the producer promised).
        case reject
        /// Hive's LazySimpleSerDe behaviour: missing trailing fields are NULL, extra fields are
        /// ignored.
        case lenient
    }

    /// RFC 4180 defaults.
    public init() {}

    /// Options with the common settings spelled out.
    /// - Parameters:
    ///   - delimiter: field separator.
    ///   - hasHeader: whether the first record names the columns.
    ///   - skipLines: physical lines to skip first.
    public init(delimiter: UInt8 = UInt8(ascii: ","), hasHeader: Bool = true, skipLines: Int = 0) {
        self.delimiter = delimiter
        self.hasHeader = hasHeader
        self.skipLines = skipLines
    }
}

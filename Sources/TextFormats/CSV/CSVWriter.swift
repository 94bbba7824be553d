import Columnar

/// Writes record batches as CSV text (RFC 4180) into a buffer the caller owns: `tarn query
/// --format csv`, quarantine files, exports.
///
/// ```swift
/// var writer = CSVWriter(schema: batch.schema)
/// var out: [UInt8] = []
/// writer.write(batch, into: &out)   // the header row comes with the first write
/// ```
/// Fields are quoted only when they must be (RFC 4180 §2.6: they contain the delimiter, a quote,
/// CR or LF), plus an empty string, written `""` so it stays distinct from NULL, which is
/// written as nothing. Doubles print in the shortest form that reads back exactly, decimals
/// exactly, timestamps as `YYYY-MM-DD HH:MM:SS.fff` (more digits only when the value has them)
/// or ISO 8601 with `T` and `Z`; nested values as JSON text, binary as base64.
public struct CSVWriter: Sendable {
    /// Output settings.
    public struct Options: Sendable, Hashable {
        /// Field separator.
        public var delimiter: UInt8 = UInt8(ascii: ",")
        /// Quote character.
        public var quote: UInt8 = UInt8(ascii: "\"")
        /// Whether to write a header row with the column names.
        public var header: Bool = true
        /// Record terminator (`"\n"`, or `"\r\n"` for strict RFC 4180).
        public var lineEnding: String = "\n"
        /// ISO 8601 timestamps (`2024-01-15T10:15:30.000Z`) instead of the SQL form.
        public var isoTimestamps: Bool = false

        /// Defaults: comma, double quote, header, LF, SQL-style timestamps.
        public init() {}
    }

    /// The schema written.
    public let schema: Schema
    /// The settings.
    public let options: Options
    private var wroteHeader = false

    /// Creates a writer.
    public init(schema: Schema, options: Options = Options()) {
        self.schema = schema
        self.options = options
    }

    /// Writes the header now, if configured and not yet written (for an empty result).
    public mutating func writeHeader(into output: inout [UInt8]) {
        guard options.header && !wroteHeader else { return }
        wroteHeader = true
        let lineEnding = Array(options.lineEnding.utf8)
        for (index, field) in schema.fields.enumerated() {
            if index > 0 { output.append(options.delimiter) }
            var name = field.name
            name.withUTF8 { appendField(UnsafeRawBufferPointer($0), isString: true, to: &output) }
        }
        output.append(contentsOf: lineEnding)
    }

    /// Appends the rows of `batch` (and the header first, once).
    public mutating func write(_ batch: RecordBatch, into output: inout [UInt8]) {
        writeHeader(into: &output)
        let formatter = ColumnTextFormatter(style: .csv(isoTimestamps: options.isoTimestamps))
        let texts = batch.columns.map { formatter.format($0) }
        let quotable = batch.columns.map { column -> Bool in
            switch column.type {
            case .string, .list, .structure, .map: true
            default: false
            }
        }
        let lineEnding = Array(options.lineEnding.utf8)
        output.reserveCapacity(output.count + texts.reduce(0) { $0 + $1.bytes.count } + batch.rowCount * (batch.columns.count + 2))
        for row in 0..<batch.rowCount {
            for column in texts.indices {
                if column > 0 { output.append(options.delimiter) }
                let text = texts[column]
                if text.isNull[row] { continue }
                text.bytes.withUnsafeBytes { bytes in
                    appendField(UnsafeRawBufferPointer(rebasing: bytes[text.offsets[row]..<text.offsets[row + 1]]), isString: quotable[column], to: &output)
                }
            }
            output.append(contentsOf: lineEnding)
        }
    }

    /// Appends one field, quoted when RFC 4180 requires it.
    private func appendField(_ bytes: UnsafeRawBufferPointer, isString: Bool, to output: inout [UInt8]) {
        guard isString else { return output.append(contentsOf: bytes) }
        let quote = options.quote, delimiter = options.delimiter
        var needsQuotes = bytes.isEmpty
        for byte in bytes where byte == delimiter || byte == quote || byte == 0x0A || byte == 0x0D {
            needsQuotes = true
            break
        }
        guard needsQuotes else { return output.append(contentsOf: bytes) }
        output.append(quote)
        for byte in bytes {
            if byte == quote { output.append(quote) }
            output.append(byte)
        }
        output.append(quote)
    }
}

import Columnar
import TarnCore

/// Streaming CSV → typed record batches: push bytes in as they arrive (any chunk boundary),
/// pull batches of `options.batchSize` rows out, each with the rows it had to reject.
///
/// ```swift
/// let reader = try CSVReader(schema: schema)
/// for chunk in chunks {
///     reader.push(chunk)
///     while let result = try reader.nextBatch() { consume(result.batch); quarantine(result.rejected) }
/// }
/// reader.finish()
/// while let result = try reader.nextBatch() { … }
/// ```
///
/// Columns map to schema fields by position (as Athena's CSV SerDes do); the header, when
/// present, only names the columns (`header`). Without a schema every column is a nullable
/// string named by the header (or `column0`, `column1`, … without one). Memory is bounded by a
/// batch plus the largest record (`maxRecordBytes`). A reference type; not thread-safe.
public final class CSVReader {
    /// The layout options.
    public let options: CSVOptions
    /// The schema batches have; nil until the first record is seen when none was given.
    public private(set) var schema: Schema?
    /// Column names from the header row, once read.
    public private(set) var header: [String]?
    /// Source rows read so far (good and rejected, header and skipped lines excluded).
    public private(set) var rowsRead = 0

    private let tokenizer: CSVTokenizer
    private let typing: TypingOptions
    private var buffer: [UInt8] = []
    private var start = 0
    private var finished = false
    private var linesToSkip: Int
    private var atFileStart = true
    private var headerPending: Bool
    private var discardingToLineEnd = false
    /// Bytes to gather before tokenizing a batch, from the last batch's bytes per row, so that
    /// small pushes do not make the tokenizer rescan a partial batch again and again.
    private var bytesPerBatchHint = 64 * 1024
    /// Batch whatever complete records there are, however few (schema inference over a sample).
    var eagerBatches = false

    /// UTF-8 byte order mark (U+FEFF), skipped at the start of a file.
    static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    /// Creates a reader.
    /// - Parameters:
    ///   - schema: column types by position; nil reads every column as a nullable string.
    ///   - options: layout and null handling.
    /// - Throws: `TarnError(.unsupported)` for nested types (CSV has no nested values) and
    ///   `.invalidArgument` for an unusable option (quote equal to the delimiter, …).
    public init(schema: Schema?, options: CSVOptions = CSVOptions()) throws {
        if let schema {
            for field in schema.fields {
                switch field.type {
                case .list, .structure, .map:
                    throw TarnError(.unsupported, "CSV column '\(field.name)' has nested type \(field.type); CSV holds scalar values only")
                default: break
                }
            }
        }
        let lineEnds: Set<UInt8> = [UInt8(ascii: "\n"), UInt8(ascii: "\r")]
        guard !lineEnds.contains(options.delimiter) else { throw TarnError(.invalidArgument, "the CSV delimiter cannot be a line end") }
        if let quote = options.quote {
            guard quote != options.delimiter, !lineEnds.contains(quote) else {
                throw TarnError(.invalidArgument, "the CSV quote 0x\(String(quote, radix: 16)) cannot be the delimiter or a line end")
            }
        }
        guard options.batchSize > 0, options.skipLines >= 0 else {
            throw TarnError(.invalidArgument, "batchSize must be positive and skipLines non-negative, got \(options.batchSize) and \(options.skipLines)")
        }
        self.schema = schema
        self.options = options
        self.tokenizer = CSVTokenizer(options: options)
        self.typing = TypingOptions(
            nullStrings: options.nullStrings.map { Array($0.utf8) }, emptyStringIsNull: options.emptyStringIsNull,
            enforceNotNull: options.enforceNotNull, maxFieldBytes: options.maxFieldBytes,
            maxRejectTextBytes: options.maxRejectTextBytes)
        linesToSkip = options.skipLines
        headerPending = options.hasHeader
    }

    /// Appends input bytes.
    public func push(_ bytes: UnsafeRawBufferPointer) {
        precondition(!finished, "push after finish")  // programmer error: the stream was closed
        if start > 0 && start >= buffer.count / 2 {
            buffer.removeSubrange(0..<start)
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// Appends input bytes.
    public func push(_ bytes: [UInt8]) { bytes.withUnsafeBytes { push($0) } }

    /// Declares the end of input: a last record without a line end becomes complete.
    public func finish() { finished = true }

    /// Whether the whole input has been read into batches.
    public var isDone: Bool { finished && start == buffer.count && !headerPending }

    /// The next batch, or nil when more input is needed (or, after `finish`, at the end).
    ///
    /// A returned batch may hold zero good rows when all of its rows were rejected.
    /// - Throws: only for internal inconsistencies; bad input is reported in `rejected`.
    public func nextBatch() throws -> TextBatch? {
        guard prepare() else { return nil }
        let available = buffer.count - start
        if !finished && !eagerBatches && available < bytesPerBatchHint { return nil }
        return buffer.withUnsafeBytes { raw -> TextBatch? in
            let input = UnsafeRawBufferPointer(rebasing: raw[start...])
            let consumed = tokenizer.tokenize(input, isFinal: finished, maxRecords: options.batchSize)
            if tokenizer.recordCount == 0 {
                start += consumed  // empty lines only
                // Wait for a longer stretch before rescanning this unfinished record.
                bytesPerBatchHint = max(bytesPerBatchHint, (input.count - consumed) * 2)
                if finished || input.count - consumed <= options.maxRecordBytes { return nil }
                return oversizedRecord(UnsafeRawBufferPointer(rebasing: input[consumed...]))
            }
            if consumed > 0 {
                bytesPerBatchHint = min(64 << 20, max(64 * 1024, consumed / tokenizer.recordCount * options.batchSize + consumed / 8))
            }
            let base = input.baseAddress!.assumingMemoryBound(to: UInt8.self)
            let source = CSVFieldSource(tokenizer: tokenizer, base: base)
            if schema == nil { schema = Self.stringSchema(names: header, columns: source.fieldCount(row: 0)) }
            let batch = build(source, allASCII: UTF8Validation.isASCII(base, consumed))
            start += consumed
            rowsRead += batch.sourceRows
            return batch
        }
    }

    /// Skips the byte order mark, skipped lines and the header. Returns false when more input
    /// is needed first (or the input is exhausted).
    private func prepare() -> Bool {
        if atFileStart {
            if buffer.count - start < Self.byteOrderMark.count && !finished { return false }
            if buffer[start...].starts(with: Self.byteOrderMark) { start += Self.byteOrderMark.count }
            atFileStart = false
        }
        while linesToSkip > 0 {
            guard let newline = buffer[start...].firstIndex(of: UInt8(ascii: "\n")) else {
                if finished { start = buffer.count; linesToSkip = 0; break }
                start = buffer.count
                return false
            }
            start = newline + 1
            tokenizer.nextLine += 1
            linesToSkip -= 1
        }
        if discardingToLineEnd {
            // The rest of an over-long unquoted line, up to its end as the tokenizer sees one:
            // LF, CRLF or a lone CR.
            guard let lineEnd = buffer[start...].firstIndex(where: { $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\r") }) else {
                start = buffer.count
                if finished { discardingToLineEnd = false }
                return false
            }
            if buffer[lineEnd] == UInt8(ascii: "\r") {
                if lineEnd + 1 == buffer.count && !finished {
                    start = lineEnd
                    return false
                }
                start = lineEnd + 1 < buffer.count && buffer[lineEnd + 1] == UInt8(ascii: "\n") ? lineEnd + 2 : lineEnd + 1
            } else {
                start = lineEnd + 1
            }
            tokenizer.nextLine += 1
            discardingToLineEnd = false
        }
        if headerPending {
            let names: [String]? = buffer.withUnsafeBytes { raw in
                let input = UnsafeRawBufferPointer(rebasing: raw[start...])
                let consumed = tokenizer.tokenize(input, isFinal: finished, maxRecords: 1)
                // Empty lines before the header are consumed (and counted) even when the header
                // itself is not complete yet.
                start += consumed
                guard tokenizer.recordCount == 1 else { return nil }
                let source = CSVFieldSource(tokenizer: tokenizer, base: input.baseAddress!.assumingMemoryBound(to: UInt8.self))
                return (0..<source.fieldCount(row: 0)).map { source.string(row: 0, column: $0) }
            }
            guard let names else {
                if finished { headerPending = false }  // empty file: no header, no rows
                return false
            }
            header = names
            headerPending = false
        }
        return start < buffer.count
    }

    private func build(_ source: CSVFieldSource, allASCII: Bool) -> TextBatch {
        let schema = self.schema!
        var builder = TypedBatchBuilder(schema: schema, options: typing, source: source, allASCII: allASCII)
        for (record, reason) in tokenizer.malformed { builder.reject(record, column: nil, reason) }
        if options.columnCountMismatch == .reject {
            let expected = schema.fields.count
            for row in 0..<source.rowCount where source.fieldCount(row: row) != expected {
                builder.reject(row, column: nil, "expected \(expected) fields, found \(source.fieldCount(row: row))")
            }
        }
        return builder.build()
    }

    /// A record still open after `maxRecordBytes`: report it, and resume after its first line.
    private func oversizedRecord(_ input: UnsafeRawBufferPointer) -> TextBatch {
        let line = tokenizer.nextLine
        let limit = min(input.count, options.maxRecordBytes)
        let (text, truncated) = RejectedRow.boundedText(UnsafeRawBufferPointer(rebasing: input[0..<limit]), limit: options.maxRejectTextBytes)
        discardingToLineEnd = true
        rowsRead += 1
        let rejected = RejectedRow(
            lineNumber: line,
            reason: CSVTokenizer.oversizeReason(options.maxRecordBytes),
            text: text, textTruncated: truncated)
        return TextBatch(batch: .empty(schema ?? Schema([])), rejected: [rejected], lineNumbers: [])
    }

    /// Nullable string columns named by the header (or `column0`, `column1`, …), de-duplicated.
    static func stringSchema(names: [String]?, columns: Int) -> Schema {
        Schema(ColumnNames.unique(names ?? [], count: names?.count ?? columns).map { Field($0, .string) })
    }

    /// Reads a whole in-memory CSV text.
    /// - Returns: all good rows in one batch and every rejected row.
    public static func read(_ bytes: [UInt8], schema: Schema?, options: CSVOptions = CSVOptions()) throws -> TextBatch {
        let reader = try CSVReader(schema: schema, options: options)
        reader.push(bytes)
        reader.finish()
        var batches: [RecordBatch] = []
        var rejected: [RejectedRow] = []
        var lines: [Int] = []
        while let result = try reader.nextBatch() {
            if result.batch.rowCount > 0 { batches.append(result.batch) }
            rejected += result.rejected
            lines += result.lineNumbers
        }
        let finalSchema = reader.schema ?? stringSchema(names: reader.header, columns: 0)
        return TextBatch(batch: RecordBatch.concatenate(batches, schema: finalSchema), rejected: rejected, lineNumbers: lines)
    }
}

/// Column naming shared by the readers and schema inference.
enum ColumnNames {
    /// `count` names from `names` (padded with `column<i>`), blanks filled and duplicates
    /// suffixed `_1`, `_2`, … so every column can be addressed.
    static func unique(_ names: [String], count: Int) -> [String] {
        var seen: Set<String> = []
        var result: [String] = []
        for index in 0..<count {
            var name = index < names.count ? names[index].trimmingBlanks : ""
            if name.isEmpty { name = "column\(index)" }
            var candidate = name
            var suffix = 1
            while seen.contains(candidate) {
                candidate = "\(name)_\(suffix)"
                suffix += 1
            }
            seen.insert(candidate)
            result.append(candidate)
        }
        return result
    }
}

extension String {
    /// Without leading and trailing spaces and tabs.
    var trimmingBlanks: String {
        var scalars = Substring(self)
        while let first = scalars.first, first == " " || first == "\t" { scalars.removeFirst() }
        while let last = scalars.last, last == " " || last == "\t" { scalars.removeLast() }
        return String(scalars)
    }
}

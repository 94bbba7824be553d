import Columnar
import TarnCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Streaming JSON Lines (one JSON object per line) → typed record batches, with every line that
/// cannot become a row reported beside the batch.
///
/// ```swift
/// let reader = try JSONLinesReader(schema: schema)
/// reader.push(chunk)                // any chunk boundary
/// while let result = try reader.nextBatch() { … result.batch, result.rejected … }
/// reader.finish()                   // then drain again
/// ```
///
/// Members map to schema fields by name (missing → NULL, unknown members ignored, the last of
/// duplicate names wins). Scalars convert by the field type (`"12"` and `12` both fill a
/// bigint); objects and arrays fill struct, list and map fields, or string fields with their JSON
/// text. Blank lines are skipped; a trailing `\r` is ignored. A reference type; not thread-safe.
public final class JSONLinesReader {
    /// The schema of the batches.
    public let schema: Schema
    /// The options in force.
    public let options: JSONOptions
    /// Source rows read so far (good and rejected).
    public private(set) var rowsRead = 0

    private let lookup: JSONFieldLookup
    private var tape = JSONTape()
    private var buffer: [UInt8] = []
    private var start = 0
    private var finished = false
    private var atFileStart = true
    private var nextLine = 1
    private var discardingToLineEnd = false
    private var bytesPerBatchHint = 64 * 1024

    /// Creates a reader.
    /// - Parameters:
    ///   - schema: the fields to extract, by member name.
    ///   - options: limits and matching.
    /// - Throws: `TarnError(.invalidArgument)` for a non-positive batch size.
    public init(schema: Schema, options: JSONOptions = JSONOptions()) throws {
        guard options.batchSize > 0 else { throw TarnError(.invalidArgument, "batchSize must be positive, got \(options.batchSize)") }
        self.schema = schema
        self.options = options
        self.lookup = JSONFieldLookup(names: schema.fields.map(\.name), ignoreCase: options.caseInsensitiveKeys)
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

    /// Declares the end of input: a last line without `\n` is complete.
    public func finish() { finished = true }

    /// The next batch, or nil when more input is needed (or, after `finish`, at the end).
    /// - Throws: only for internal inconsistencies; bad lines are reported in `rejected`.
    public func nextBatch() throws -> TextBatch? {
        if atFileStart {
            if buffer.count - start < CSVReader.byteOrderMark.count && !finished { return nil }
            if buffer[start...].starts(with: CSVReader.byteOrderMark) { start += CSVReader.byteOrderMark.count }
            atFileStart = false
        }
        if discardingToLineEnd {
            guard let newline = buffer[start...].firstIndex(of: UInt8(ascii: "\n")) else {
                start = buffer.count
                return nil
            }
            start = newline + 1
            nextLine += 1
            discardingToLineEnd = false
        }
        guard start < buffer.count else { return nil }
        if !finished && buffer.count - start < bytesPerBatchHint { return nil }
        // Work on local copies of the tape and parser: touching class properties in the loops
        // below would cost a dynamic exclusivity check per token.
        var tape = self.tape
        self.tape = JSONTape()
        defer { self.tape = tape }
        return buffer.withUnsafeBufferPointer { whole -> TextBatch? in
            // Offsets on the tape are Int32 relative to the batch's first byte: a batch spans at
            // most `maxBatchBytes` (plus one line of at most that much), whatever was pushed.
            let base = whole.baseAddress! + start
            var rowLines: [Int] = [], rowStarts: [Int] = [], rowEnds: [Int] = [], roots: [Int32] = []
            var syntax: [(row: Int, reason: String)] = []
            rowLines.reserveCapacity(options.batchSize)
            rowStarts.reserveCapacity(options.batchSize)
            rowEnds.reserveCapacity(options.batchSize)
            roots.reserveCapacity(options.batchSize)
            tape.removeAll()
            // One parser state for the whole batch: its tape collects every line's tokens.
            var parser = JSONParseState(bytes: base, from: 0, end: 0, maxDepth: options.maxDepth, tape: tape, stack: [])
            tape = JSONTape()
            var pos = 0
            let end = whole.count - start
            let maxLineBytes = min(options.maxLineBytes, Self.maxBatchBytes)
            let finished = self.finished
            var nextLine = self.nextLine
            defer { self.nextLine = nextLine }
            var oversized = false
            while rowLines.count < options.batchSize && pos < end && pos < Self.maxBatchBytes {
                let lineStart = pos
                var lineEnd: Int
                var next: Int
                if let found = memchr(base + pos, Int32(UInt8(ascii: "\n")), end - pos) {
                    let newline = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
                    lineEnd = newline
                    next = newline + 1
                } else {
                    // No line end in the buffer: the last line of the input, or a line already
                    // over the limit (skipped up to its end when the rest arrives).
                    guard finished || end - lineStart > maxLineBytes else { break }
                    lineEnd = end
                    next = end
                    oversized = !finished
                }
                let line = nextLine
                nextLine += 1
                pos = next
                if lineEnd > lineStart && base[lineEnd - 1] == UInt8(ascii: "\r") { lineEnd -= 1 }
                // Skip blank lines.
                var first = lineStart
                while first < lineEnd && (base[first] == 0x20 || base[first] == 0x09 || base[first] == 0x0D) { first += 1 }
                if first == lineEnd && !oversized { continue }
                rowLines.append(line)
                rowStarts.append(lineStart)
                rowEnds.append(lineEnd)
                let row = rowLines.count - 1
                if lineEnd - lineStart > maxLineBytes || oversized {
                    syntax.append((row, "line of \(lineEnd - lineStart)\(oversized ? "+" : "") bytes exceeds the \(maxLineBytes)-byte limit"))
                    roots.append(-1)
                    if oversized { discardingToLineEnd = true }
                    continue
                }
                let mark = parser.tape.count
                do {
                    let root = try parser.parse(from: lineStart, to: lineEnd)
                    if parser.tape.kind(root) != .object {
                        syntax.append((row, "expected a JSON object, found \(parser.tape.kind(root))"))
                        parser.tape.truncate(to: mark)
                        roots.append(-1)
                    } else {
                        roots.append(Int32(root))
                    }
                } catch {
                    parser.tape.truncate(to: mark)
                    syntax.append((row, (error as? TarnError)?.message ?? "\(error)"))
                    roots.append(-1)
                }
            }
            tape = parser.tape
            parser.tape = JSONTape()
            if rowLines.isEmpty && syntax.isEmpty {
                start += pos
                if !finished { bytesPerBatchHint = max(bytesPerBatchHint, (end - pos) * 2) }
                return nil
            }
            if pos > 0 && !rowLines.isEmpty {
                bytesPerBatchHint = min(64 << 20, max(64 * 1024, pos / rowLines.count * options.batchSize + pos / 8))
            }
            let slots = fillSlots(base: base, roots: roots, tape: tape)
            let source = JSONFieldSource(base: base, tape: tape, slots: slots, columns: schema.fields.count,
                                         rowLines: rowLines, rowStarts: rowStarts, rowEnds: rowEnds)
            let typing = TypingOptions(nullStrings: [], emptyStringIsNull: false, enforceNotNull: options.enforceNotNull,
                                       maxFieldBytes: options.maxFieldBytes, maxRejectTextBytes: options.maxRejectTextBytes)
            // The parser validated UTF-8 and escapes only make valid UTF-8: no second check.
            var builder = TypedBatchBuilder(schema: schema, options: typing, source: source, allASCII: true)
            for (row, reason) in syntax { builder.reject(row, column: nil, reason) }
            let result = builder.build()
            start += pos
            rowsRead += result.sourceRows
            return result
        }
    }

    /// For each row, the tape index of the member each schema field names (-1 if absent).
    /// Largest stretch of input one batch covers, so tape offsets fit `Int32`.
    static let maxBatchBytes = 1 << 30

    private func fillSlots(base: UnsafePointer<UInt8>, roots: [Int32], tape: JSONTape) -> [Int32] {
        let columns = schema.fields.count
        let lookup = self.lookup
        var slots = [Int32](repeating: -1, count: roots.count * columns)
        var decoded: [UInt8] = []
        // Lines of one file usually list their members in the same order: remember which
        // column the n-th member named last time and confirm it with one comparison before
        // hashing.
        var predictions = [Int](repeating: -1, count: 64)
        let names = schema.fields.map { Array($0.name.utf8) }
        let ignoreCase = options.caseInsensitiveKeys
        slots.withUnsafeMutableBufferPointer { slots in
            predictions.withUnsafeMutableBufferPointer { predicted in
                tape.tokens.withUnsafeBufferPointer { tokens in
                    for (row, root) in roots.enumerated() where root >= 0 {
                        let object = Int(root)
                        let stop = Int(tokens[object].skip)
                        var key = object + 1
                        var member = 0
                        while key < stop {
                            let keyStart = Int(tokens[key].start), keyCount = Int(tokens[key].end) - keyStart
                            var column: Int? = nil
                            if tokens[key].escaped {
                                decoded.removeAll(keepingCapacity: true)
                                _ = JSONString.unescape(base + keyStart, keyCount, into: &decoded)
                                column = decoded.withUnsafeBufferPointer { $0.isEmpty ? lookup.column(base, 0) : lookup.column($0.baseAddress!, $0.count) }
                            } else {
                                if member < predicted.count, predicted[member] >= 0, !ignoreCase {
                                    let guess = predicted[member]
                                    if names[guess].count == keyCount && names[guess].withUnsafeBufferPointer({ keyCount == 0 || memoryEqual($0.baseAddress!, base + keyStart, keyCount) }) {
                                        column = guess
                                    }
                                }
                                if column == nil { column = lookup.column(base + keyStart, keyCount) }
                            }
                            if let column {
                                slots[row * columns + column] = Int32(key + 1)
                                if member < predicted.count { predicted[member] = column }
                            }
                            key = Int(tokens[key + 1].skip)
                            member += 1
                        }
                    }
                }
            }
        }
        return slots
    }

    /// Reads a whole in-memory JSON Lines text.
    /// - Returns: all good rows in one batch and every rejected line.
    public static func read(_ bytes: [UInt8], schema: Schema, options: JSONOptions = JSONOptions()) throws -> TextBatch {
        let reader = try JSONLinesReader(schema: schema, options: options)
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
        return TextBatch(batch: RecordBatch.concatenate(batches, schema: schema), rejected: rejected, lineNumbers: lines)
    }
}

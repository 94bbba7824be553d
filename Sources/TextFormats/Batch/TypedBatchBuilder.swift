import Columnar
import TarnCore

/// How text becomes typed values; the part of the CSV and JSON options the column loops need.
struct TypingOptions {
    /// Unquoted texts meaning NULL.
    var nullStrings: [[UInt8]]
    /// Whether an empty unquoted field is NULL for string columns too.
    var emptyStringIsNull: Bool
    /// Whether NULL in a `nullable: false` field rejects the row.
    var enforceNotNull: Bool
    /// Longest field accepted.
    var maxFieldBytes: Int
    /// Longest row text kept in a rejection report.
    var maxRejectTextBytes: Int
}

/// Turns a table of raw text fields into a typed `RecordBatch`, one column at a time.
///
/// Column-at-a-time keeps the type dispatch out of the inner loop: each column is one tight loop
/// that parses its fields into a contiguous array. A field that fails marks its row rejected
/// (first failing column wins, with its reason); after all columns the rejected rows are removed
/// in one gather, which costs nothing on the common all-good batch.
struct TypedBatchBuilder<Source: TextFieldSource> {
    let schema: Schema
    let options: TypingOptions
    let source: Source
    /// Set when the caller knows every byte is ASCII (so no UTF-8 validation is needed).
    let allASCII: Bool
    /// Rows already known to be bad (syntax, field count), with their reasons.
    var rejected: [Bool]
    var reports: [(row: Int, column: Int?, reason: String)] = []

    init(schema: Schema, options: TypingOptions, source: Source, allASCII: Bool) {
        self.schema = schema
        self.options = options
        self.source = source
        self.allASCII = allASCII
        self.rejected = [Bool](repeating: false, count: source.rowCount)
    }

    /// Marks `row` rejected for `reason` unless it already is.
    mutating func reject(_ row: Int, column: Int?, _ reason: @autoclosure () -> String) {
        guard !rejected[row] else { return }
        rejected[row] = true
        reports.append((row, column, reason()))
    }

    /// Builds every column and returns the good rows and the reports.
    mutating func build() -> TextBatch {
        var columns: [Column] = []
        columns.reserveCapacity(schema.fields.count)
        for (index, field) in schema.fields.enumerated() {
            columns.append(buildColumn(index, field))
        }
        reports.sort { $0.row < $1.row }
        if !reports.isEmpty {
            let rejectedRows = reports.map(\.row)
            for index in columns.indices { RowCompaction.compact(&columns[index], rejectedRows: rejectedRows) }
        }
        let batch = RecordBatch(schema: schema, columns: columns, rowCount: source.rowCount - reports.count)
        let rejectedRows = reports.map { report in
            let (text, truncated) = RejectedRow.boundedText(source.rowText(row: report.row), limit: options.maxRejectTextBytes)
            return RejectedRow(
                lineNumber: source.lineNumber(row: report.row), columnIndex: report.column,
                columnName: report.column.map { schema.fields[$0].name }, reason: report.reason,
                text: text, textTruncated: truncated)
        }
        var lines: [Int] = []
        lines.reserveCapacity(batch.rowCount)
        for row in 0..<source.rowCount where !rejected[row] { lines.append(source.lineNumber(row: row)) }
        return TextBatch(batch: batch, rejected: rejectedRows, lineNumbers: lines)
    }

    // MARK: - Per type

    private mutating func buildColumn(_ column: Int, _ field: Field) -> Column {
        let type = field.type
        switch type {
        case .boolean:
            let (values, validity) = parseColumn(column, field, false) { BooleanParsing.parse($0, $1) }
            return Column(type: type, storage: .bool(values), validity: validity)
        case .int8:
            let (values, validity) = parseColumn(column, field, Int8(0)) { NumberParsing.parseInt64($0, $1).flatMap { Int8(exactly: $0) } }
            return Column(type: type, storage: .int8(values), validity: validity)
        case .int16:
            let (values, validity) = parseColumn(column, field, Int16(0)) { NumberParsing.parseInt64($0, $1).flatMap { Int16(exactly: $0) } }
            return Column(type: type, storage: .int16(values), validity: validity)
        case .int32:
            let (values, validity) = parseColumn(column, field, Int32(0)) { NumberParsing.parseInt64($0, $1).flatMap { Int32(exactly: $0) } }
            return Column(type: type, storage: .int32(values), validity: validity)
        case .int64:
            let (values, validity) = parseColumn(column, field, Int64(0)) { NumberParsing.parseInt64($0, $1) }
            return Column(type: type, storage: .int64(values), validity: validity)
        case .uint8:
            let (values, validity) = parseColumn(column, field, UInt8(0)) { NumberParsing.parseUInt64($0, $1).flatMap { UInt8(exactly: $0) } }
            return Column(type: type, storage: .uint8(values), validity: validity)
        case .uint16:
            let (values, validity) = parseColumn(column, field, UInt16(0)) { NumberParsing.parseUInt64($0, $1).flatMap { UInt16(exactly: $0) } }
            return Column(type: type, storage: .uint16(values), validity: validity)
        case .uint32:
            let (values, validity) = parseColumn(column, field, UInt32(0)) { NumberParsing.parseUInt64($0, $1).flatMap { UInt32(exactly: $0) } }
            return Column(type: type, storage: .uint32(values), validity: validity)
        case .uint64:
            let (values, validity) = parseColumn(column, field, UInt64(0)) { NumberParsing.parseUInt64($0, $1) }
            return Column(type: type, storage: .uint64(values), validity: validity)
        case .float32:
            let (values, validity) = parseColumn(column, field, Float(0)) { NumberParsing.parseDouble($0, $1).map { Float($0) } }
            return Column(type: type, storage: .float32(values), validity: validity)
        case .float64:
            let (values, validity) = parseColumn(column, field, Double(0)) { NumberParsing.parseDouble($0, $1) }
            return Column(type: type, storage: .float64(values), validity: validity)
        case .decimal(let precision, let scale) where precision <= 18:
            let (values, validity) = parseColumn(column, field, Int64(0), failure: { Self.decimalFailure($0, $1, precision, scale) }) {
                DecimalParsing.parse64($0, $1, precision: precision, scale: scale)
            }
            return Column(type: type, storage: .int64(values), validity: validity)
        case .decimal(let precision, let scale):
            let (values, validity) = parseColumn(column, field, Int128(0), failure: { Self.decimalFailure($0, $1, precision, scale) }) {
                if case .success(let value) = DecimalParsing.parse($0, $1, precision: precision, scale: scale) { value } else { nil }
            }
            return Column(type: type, storage: .int128(values), validity: validity)
        case .date:
            let (values, validity) = parseColumn(column, field, Int32(0)) { DateTimeParsing.parseDate($0, $1) }
            return Column(type: type, storage: .int32(values), validity: validity)
        case .time(let unit):
            let divisor = 1_000_000_000 / unit.perSecond
            let (values, validity) = parseColumn(column, field, Int64(0)) { DateTimeParsing.parseTimeOfDay($0, $1).map { $0 / divisor } }
            return Column(type: type, storage: .int64(values), validity: validity)
        case .timestamp(let unit, _):
            let perSecond = unit.perSecond
            let (values, validity) = parseColumn(column, field, Int64(0)) { DateTimeParsing.parseTimestamp($0, $1, unitsPerSecond: perSecond) }
            return Column(type: type, storage: .int64(values), validity: validity)
        case .string:
            return bytesColumn(column, field, validate: !allASCII, width: nil)
        case .binary:
            return bytesColumn(column, field, validate: false, width: nil)
        case .fixedBinary(let width):
            return bytesColumn(column, field, validate: false, width: width)
        case .list, .structure, .map:
            let (built, failures) = source.nestedColumn(column: column, field: field, rejected: rejected, enforceNotNull: options.enforceNotNull)
            for (row, reason) in failures { reject(row, column: column, reason) }
            return built
        }
    }

    private static func decimalFailure(_ start: UnsafePointer<UInt8>, _ count: Int, _ precision: Int, _ scale: Int) -> String {
        let text = quoted(start, count)
        switch DecimalParsing.parse(start, count, precision: precision, scale: scale) {
        case .failure(.tooManyFractionDigits): return "\(text) has more than \(scale) decimal places (decimal(\(precision),\(scale)) would have to round it)"
        case .failure(.overflow): return "\(text) does not fit decimal(\(precision),\(scale))"
        default: return "\(text) is not a valid decimal(\(precision),\(scale))"
        }
    }

    /// `'text'`, cut to 64 bytes, for error messages.
    static func quoted(_ start: UnsafePointer<UInt8>, _ count: Int) -> String {
        let shown = min(count, 64)
        let text = String(decoding: UnsafeBufferPointer(start: start, count: shown), as: UTF8.self)
        return "'" + text + (count > shown ? "…'" : "'")
    }

    /// Whether the (unescaped) field means NULL for a column of this kind.
    @inline(__always)
    private func isNull(_ field: RawField, isString: Bool) -> Bool {
        if field.has(RawField.null) { return true }
        if field.has(RawField.quoted) { return !isString && field.count == 0 }
        if field.count == 0 { return !isString || options.emptyStringIsNull }
        for null in options.nullStrings where null.count == field.count {
            var same = true
            for index in 0..<field.count where null[index] != field.start[index] { same = false; break }
            if same { return true }
        }
        return false
    }

    /// Parses one fixed-width column. Blanks around non-string values are ignored; a field that
    /// is blank after trimming is NULL.
    @inline(__always)
    private mutating func parseColumn<T>(
        _ column: Int, _ fieldInfo: Field, _ zero: T,
        failure: ((UnsafePointer<UInt8>, Int) -> String)? = nil,
        _ parse: (UnsafePointer<UInt8>, Int) -> T?
    ) -> ([T], [Bool]?) {
        let rows = source.rowCount
        var validity: [Bool]? = nil
        let notNull = !fieldInfo.nullable && options.enforceNotNull
        let maxFieldBytes = options.maxFieldBytes
        var scratch: [UInt8] = []
        /// Trims ASCII blanks (space, tab) and parses; nil value means NULL (blank).
        func evaluate(_ start: UnsafePointer<UInt8>, _ count: Int) -> Result<T?, TarnError> {
            var start = start, count = count
            while count > 0 && (start[0] == 0x20 || start[0] == 0x09) { start += 1; count -= 1 }
            while count > 0 && (start[count - 1] == 0x20 || start[count - 1] == 0x09) { count -= 1 }
            if count == 0 { return .success(nil) }
            if let value = parse(start, count) { return .success(value) }
            let reason = failure?(start, count) ?? "\(Self.quoted(start, count)) is not a valid \(fieldInfo.type)"
            return .failure(TarnError(.invalidArgument, reason))
        }
        let values = [T](unsafeUninitializedCapacity: rows) { buffer, initialized in
            for row in 0..<rows {
                buffer.baseAddress!.advanced(by: row).initialize(to: zero)
                if rejected[row] { continue }
                let field = source.field(row: row, column: column)
                var null = isNull(field, isString: false)
                if !null {
                    if field.has(RawField.nested) {
                        reject(row, column: column, "a JSON object or array cannot be read as \(fieldInfo.type)")
                        continue
                    }
                    if field.count > maxFieldBytes {
                        reject(row, column: column, "field of \(field.count) bytes exceeds the \(maxFieldBytes)-byte limit")
                        continue
                    }
                    let outcome: Result<T?, TarnError>
                    if field.has(RawField.escaped) {
                        scratch.removeAll(keepingCapacity: true)
                        guard source.unescape(field, into: &scratch) else {
                            reject(row, column: column, "malformed escape sequence")
                            continue
                        }
                        outcome = scratch.isEmpty ? .success(nil) : scratch.withUnsafeBufferPointer { evaluate($0.baseAddress!, $0.count) }
                    } else {
                        outcome = evaluate(field.start, field.count)
                    }
                    switch outcome {
                    case .success(let value?): buffer[row] = value
                    case .success(nil): null = true
                    case .failure(let error):
                        reject(row, column: column, error.message)
                        continue
                    }
                }
                if null {
                    if notNull {
                        reject(row, column: column, "NULL in a column declared NOT NULL")
                        continue
                    }
                    if validity == nil { validity = [Bool](repeating: true, count: rows) }
                    validity![row] = false
                }
            }
            initialized = rows
        }
        return (values, validity)
    }

    /// Builds a string, binary or fixed-width binary column.
    private mutating func bytesColumn(_ column: Int, _ fieldInfo: Field, validate: Bool, width: Int?) -> Column {
        let rows = source.rowCount
        let isString = fieldInfo.type == .string
        // Unescaping only shrinks text, so the raw lengths bound the data size.
        var capacity = 0
        for row in 0..<rows where !rejected[row] { capacity += source.field(row: row, column: column).count }
        var validity: [Bool]? = nil
        let notNull = !fieldInfo.nullable && options.enforceNotNull
        let maxFieldBytes = options.maxFieldBytes
        var offsets = [Int32](repeating: 0, count: rows + 1)
        var used = 0
        var scratch: [UInt8] = []
        let data = [UInt8](unsafeUninitializedCapacity: max(capacity, 1)) { buffer, initialized in
            let out = buffer.baseAddress!
            offsets.withUnsafeMutableBufferPointer { offsetsOut in
                for row in 0..<rows {
                    offsetsOut[row] = Int32(truncatingIfNeeded: used)
                    if rejected[row] { continue }
                    let field = source.field(row: row, column: column)
                    if isNull(field, isString: isString) {
                        if notNull {
                            reject(row, column: column, "NULL in a column declared NOT NULL")
                            continue
                        }
                        if validity == nil { validity = [Bool](repeating: true, count: rows) }
                        validity![row] = false
                        continue
                    }
                    if field.count > maxFieldBytes {
                        reject(row, column: column, "field of \(field.count) bytes exceeds the \(maxFieldBytes)-byte limit")
                        continue
                    }
                    if field.has(RawField.nested) && !isString {
                        reject(row, column: column, "a JSON object or array cannot be read as \(fieldInfo.type)")
                        continue
                    }
                    /// Validates and copies the plain bytes of the field; false if rejected.
                    func store(_ start: UnsafePointer<UInt8>?, _ count: Int) -> String? {
                        guard let start, count > 0 else { return width.map { "expected \($0) bytes, found 0" } }
                        if validate, let bad = UTF8Validation.firstInvalid(start, count) { return "invalid UTF-8 at byte \(bad + 1) of the field" }
                        if let width, count != width { return "expected \(width) bytes, found \(count)" }
                        copySmall(to: out + used, from: start, count: count)
                        used += count
                        return nil
                    }
                    let problem: String?
                    if field.has(RawField.escaped) {
                        scratch.removeAll(keepingCapacity: true)
                        guard source.unescape(field, into: &scratch) else {
                            reject(row, column: column, "malformed escape sequence")
                            continue
                        }
                        problem = scratch.withUnsafeBufferPointer { store($0.baseAddress, $0.count) }
                    } else {
                        problem = store(field.start, field.count)
                    }
                    if let problem { reject(row, column: column, problem) }
                }
                offsetsOut[rows] = Int32(truncatingIfNeeded: used)
            }
            initialized = used
        }
        if let width {
            // Nulls and rejected rows stored nothing; lay the values out at fixed strides.
            return fixedWidthColumn(fieldInfo.type, width: width, offsets: offsets, data: data, validity: validity)
        }
        return Column(type: fieldInfo.type, storage: .bytes(offsets: offsets, data: data), validity: validity)
    }

    private func fixedWidthColumn(_ type: DataType, width: Int, offsets: [Int32], data: [UInt8], validity: [Bool]?) -> Column {
        var fixed = [UInt8](repeating: 0, count: (offsets.count - 1) * width)
        for row in 0..<(offsets.count - 1) where offsets[row + 1] - offsets[row] == Int32(width) {
            fixed.replaceSubrange(row * width..<(row + 1) * width, with: data[Int(offsets[row])..<Int(offsets[row + 1])])
        }
        return Column(type: type, storage: .fixedBytes(width: width, data: fixed), validity: validity)
    }
}

/// Copies `count` bytes; short values (most fields) are moved eight bytes at a time inline,
/// which beats a `memmove` call for them, longer ones go to `memmove`.
@inline(__always)
func copySmall(to destination: UnsafeMutablePointer<UInt8>, from source: UnsafePointer<UInt8>, count: Int) {
    guard count <= 32 else {
        destination.initialize(from: source, count: count)
        return
    }
    var index = 0
    let to = UnsafeMutableRawPointer(destination), from = UnsafeRawPointer(source)
    while index + 8 <= count {
        to.storeBytes(of: from.loadUnaligned(fromByteOffset: index, as: UInt64.self), toByteOffset: index, as: UInt64.self)
        index += 8
    }
    while index < count {
        destination[index] = source[index]
        index += 1
    }
}

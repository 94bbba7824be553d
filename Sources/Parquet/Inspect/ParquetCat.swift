import Columnar
import TarnCore

/// `tarn parquet cat`: streams a file's rows as CSV or JSON Lines, one row group at a time.
///
/// CSV has a header row and RFC 4180 quoting ("Fields containing line breaks (CRLF), double
/// quotes, and commas should be enclosed in double-quotes … a double-quote appearing inside a
/// field must be escaped by preceding it with another double quote"); nulls are empty fields.
/// Timestamps are ISO-8601 (with `Z` when UTC-adjusted), decimals exact, bytes hex, nested
/// values as JSON.
public enum ParquetCat {
    /// Output format.
    public enum Format: String, Sendable, CaseIterable {
        /// Comma-separated values with a header row.
        case csv
        /// One JSON object per line.
        case jsonl
    }

    /// Writes the rows of `reader` (only `columns` when given) to `sink`.
    /// - Returns: number of rows written.
    /// - Throws: read errors (naming file, column and page) and sink errors.
    @discardableResult
    public static func write<Sink: ByteSink>(_ reader: ParquetFileReader, columns: [String]? = nil, format: Format,
                                             to sink: inout Sink) throws -> Int {
        let selection = try ColumnSelection(columns, schema: reader.metadata.schema)
        let fields = selection.fields.map { reader.metadata.schema.fields[$0] }
        var buffer: [UInt8] = []
        buffer.reserveCapacity(1 << 16)
        if format == .csv {
            for (index, field) in fields.enumerated() {
                if index > 0 { buffer.append(UInt8(ascii: ",")) }
                appendCSV(field.name, to: &buffer)
            }
            buffer.append(UInt8(ascii: "\n"))
        }
        var rows = 0
        for group in 0..<reader.metadata.rowGroupCount {
            let batch = try reader.read(rowGroup: group, selection: selection).batch
            for row in 0..<batch.rowCount {
                switch format {
                case .csv:
                    for (index, column) in batch.columns.enumerated() {
                        if index > 0 { buffer.append(UInt8(ascii: ",")) }
                        if !column.isNull(row) { appendCSV(csvText(column, row), to: &buffer) }
                    }
                case .jsonl:
                    buffer.append(UInt8(ascii: "{"))
                    for (index, column) in batch.columns.enumerated() {
                        if index > 0 { buffer.append(UInt8(ascii: ",")) }
                        appendJSONString(fields[index].name, to: &buffer)
                        buffer.append(UInt8(ascii: ":"))
                        appendJSON(column, row, to: &buffer)
                    }
                    buffer.append(UInt8(ascii: "}"))
                }
                buffer.append(UInt8(ascii: "\n"))
                rows += 1
                if buffer.count >= 1 << 16 {
                    try sink.write(buffer)
                    buffer.removeAll(keepingCapacity: true)
                }
            }
        }
        try sink.write(buffer)
        return rows
    }

    /// One CSV field's text (before quoting).
    static func csvText(_ column: Column, _ row: Int) -> String {
        switch column.type {
        case .list, .map, .structure:
            var json: [UInt8] = []
            appendJSON(column, row, to: &json)
            return String(decoding: json, as: UTF8.self)
        case .float32:
            if case .float32(let values) = column.storage { return floatText(Double(values[row]), shortest: "\(values[row])") }
        default: break
        }
        switch column.value(at: row) {
        case .double(let d): return floatText(d, shortest: "\(d)")
        case let value: return scalarText(value, type: column.type)
        }
    }

    static func floatText(_ value: Double, shortest: String) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "Infinity" : "-Infinity" }
        return shortest
    }

    /// Text of a non-null scalar value of `type`.
    static func scalarText(_ value: Value, type: DataType) -> String {
        switch value {
        case .null: return ""
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .uint(let u): return String(u)
        case .double(let d): return floatText(d, shortest: "\(d)")
        case .decimal(let unscaled, let scale): return ValueText.decimal(unscaled, scale: scale)
        case .string(let s): return s
        case .bytes(let b): return ValueText.hex(b)
        case .date(let d): return ValueText.date(Int64(d))
        case .time(let t, let unit): return ValueText.time(t, unit: unit)
        case .timestamp(let t, let unit):
            if case .timestamp(_, let utc) = type { return ValueText.timestamp(t, unit: unit, utc: utc) }
            return ValueText.timestamp(t, unit: unit, utc: false)
        case .list, .structure: return ""
        }
    }

    static func appendCSV(_ text: String, to buffer: inout [UInt8]) {
        let needsQuotes = text.utf8.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 10 || $0 == 13 }
        if !needsQuotes {
            buffer.append(contentsOf: text.utf8)
            return
        }
        buffer.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            if byte == UInt8(ascii: "\"") { buffer.append(byte) }
            buffer.append(byte)
        }
        buffer.append(UInt8(ascii: "\""))
    }

    /// A JSON string with RFC 8259 escaping.
    static func appendJSONString(_ text: String, to buffer: inout [UInt8]) {
        let hex: [UInt8] = Array("0123456789abcdef".utf8)
        buffer.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): buffer.append(contentsOf: [92, 34])
            case 92: buffer.append(contentsOf: [92, 92])
            case 10: buffer.append(contentsOf: [92, UInt8(ascii: "n")])
            case 13: buffer.append(contentsOf: [92, UInt8(ascii: "r")])
            case 9: buffer.append(contentsOf: [92, UInt8(ascii: "t")])
            case 0..<32: buffer.append(contentsOf: [92, UInt8(ascii: "u"), 48, 48, hex[Int(byte >> 4)], hex[Int(byte & 15)]])
            default: buffer.append(byte)
            }
        }
        buffer.append(UInt8(ascii: "\""))
    }

    /// A value as JSON: numbers and booleans bare, non-finite floats and everything textual as
    /// strings, lists as arrays, structs as objects, maps as objects when keys are strings.
    static func appendJSON(_ column: Column, _ row: Int, to buffer: inout [UInt8]) {
        if column.isNull(row) {
            buffer.append(contentsOf: Array("null".utf8))
            return
        }
        switch column.storage {
        case .list(let offsets, let values):
            let range = Int(offsets[row])..<Int(offsets[row + 1])
            if case .map(let key, _) = column.type, case .structure(let entries) = values.storage, entries.count == 2 {
                if key.type == .string {
                    buffer.append(UInt8(ascii: "{"))
                    for (position, entry) in range.enumerated() {
                        if position > 0 { buffer.append(UInt8(ascii: ",")) }
                        appendJSONString(entries[0].string(at: entry) ?? "", to: &buffer)
                        buffer.append(UInt8(ascii: ":"))
                        appendJSON(entries[1], entry, to: &buffer)
                    }
                    buffer.append(UInt8(ascii: "}"))
                    return
                }
            }
            buffer.append(UInt8(ascii: "["))
            for (position, element) in range.enumerated() {
                if position > 0 { buffer.append(UInt8(ascii: ",")) }
                appendJSON(values, element, to: &buffer)
            }
            buffer.append(UInt8(ascii: "]"))
        case .structure(let children):
            buffer.append(UInt8(ascii: "{"))
            for (index, pair) in zip(column.type.structFields ?? [], children).enumerated() {
                if index > 0 { buffer.append(UInt8(ascii: ",")) }
                appendJSONString(pair.0.name, to: &buffer)
                buffer.append(UInt8(ascii: ":"))
                appendJSON(pair.1, row, to: &buffer)
            }
            buffer.append(UInt8(ascii: "}"))
        case .float32(let values):
            appendJSONNumber(Double(values[row]), shortest: "\(values[row])", to: &buffer)
        default:
            switch column.value(at: row) {
            case .bool(let b): buffer.append(contentsOf: Array((b ? "true" : "false").utf8))
            case .int(let i): buffer.append(contentsOf: Array(String(i).utf8))
            case .uint(let u): buffer.append(contentsOf: Array(String(u).utf8))
            case .double(let d): appendJSONNumber(d, shortest: "\(d)", to: &buffer)
            case let value: appendJSONString(scalarText(value, type: column.type), to: &buffer)
            }
        }
    }

    static func appendJSONNumber(_ value: Double, shortest: String, to buffer: inout [UInt8]) {
        if value.isFinite {
            buffer.append(contentsOf: Array(shortest.utf8))
        } else {
            appendJSONString(floatText(value, shortest: shortest), to: &buffer)
        }
    }
}

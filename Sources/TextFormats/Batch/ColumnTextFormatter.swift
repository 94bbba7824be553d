import Columnar

/// Formats whole columns to text, one column at a time (the type dispatch happens once per
/// column, not per value), into a flat buffer of per-row texts that a row-major writer then
/// interleaves.
struct ColumnTextFormatter {
    /// Text conventions of the target format.
    enum Style {
        /// CSV: strings raw (the writer quotes), timestamps SQL- or ISO-style, nested values as
        /// JSON text, binary as base64.
        case csv(isoTimestamps: Bool)
        /// JSON: strings, dates, timestamps and binary as string literals, numbers bare,
        /// non-finite doubles as null, nested values as JSON.
        case json
    }

    /// Per-row texts of one column: row `i` is `bytes[offsets[i] ..< offsets[i + 1]]`; nulls are
    /// empty with `isNull[i]`.
    struct Texts {
        var offsets: [Int] = [0]
        var bytes: [UInt8] = []
        var isNull: [Bool] = []
    }

    let style: Style

    private var isJSON: Bool { if case .json = style { true } else { false } }
    private var isoTimestamps: Bool {
        switch style {
        case .csv(let iso): iso
        case .json: true
        }
    }

    /// Formats every row of `column`.
    func format(_ column: Column) -> Texts {
        var texts = Texts()
        texts.offsets.reserveCapacity(column.count + 1)
        texts.isNull.reserveCapacity(column.count)
        texts.bytes.reserveCapacity(column.count * 8)
        let quoteText = isJSON
        for row in 0..<column.count {
            if column.isNull(row) {
                texts.isNull.append(true)
            } else {
                texts.isNull.append(false)
                append(column, row, quoteText: quoteText, to: &texts.bytes)
            }
            texts.offsets.append(texts.bytes.count)
        }
        return texts
    }

    /// Appends the text of one present value.
    private func append(_ column: Column, _ row: Int, quoteText: Bool, to output: inout [UInt8]) {
        switch (column.type, column.storage) {
        case (_, .bool(let values)): output.append(contentsOf: (values[row] ? "true" : "false").utf8)
        case (_, .int8(let values)): ValueFormatting.appendInteger(values[row], to: &output)
        case (_, .int16(let values)): ValueFormatting.appendInteger(values[row], to: &output)
        case (.date, .int32(let values)):
            if quoteText { output.append(UInt8(ascii: "\"")) }
            ValueFormatting.appendDate(Int(values[row]), to: &output)
            if quoteText { output.append(UInt8(ascii: "\"")) }
        case (.decimal(_, let scale), .int32(let values)): ValueFormatting.appendDecimal(Int128(values[row]), scale: scale, to: &output)
        case (_, .int32(let values)): ValueFormatting.appendInteger(values[row], to: &output)
        case (.decimal(_, let scale), .int64(let values)): ValueFormatting.appendDecimal(Int128(values[row]), scale: scale, to: &output)
        case (.timestamp(let unit, let utc), .int64(let values)):
            if quoteText { output.append(UInt8(ascii: "\"")) }
            ValueFormatting.appendTimestamp(values[row], perSecond: unit.perSecond, iso: isoTimestamps, utc: utc, minimumFractionDigits: 3, to: &output)
            if quoteText { output.append(UInt8(ascii: "\"")) }
        case (.time(let unit), .int64(let values)):
            if quoteText { output.append(UInt8(ascii: "\"")) }
            ValueFormatting.appendTimeOfDay(values[row], perSecond: unit.perSecond, minimumFractionDigits: 0, to: &output)
            if quoteText { output.append(UInt8(ascii: "\"")) }
        case (_, .int64(let values)): ValueFormatting.appendInteger(values[row], to: &output)
        case (_, .uint8(let values)): ValueFormatting.appendInteger(values[row], to: &output)
        case (_, .uint16(let values)): ValueFormatting.appendInteger(values[row], to: &output)
        case (_, .uint32(let values)): ValueFormatting.appendInteger(values[row], to: &output)
        case (_, .uint64(let values)): ValueFormatting.appendInteger(values[row], to: &output)
        case (_, .float32(let values)): appendFloat(Double(values[row]), single: values[row], to: &output)
        case (_, .float64(let values)): appendFloat(values[row], single: nil, to: &output)
        case (.decimal(_, let scale), .int128(let values)): ValueFormatting.appendDecimal(values[row], scale: scale, to: &output)
        case (_, .int128(let values)): ValueFormatting.appendDecimal(values[row], scale: 0, to: &output)
        case (.string, .bytes):
            column.withBytes(at: row) { bytes in
                if quoteText { ValueFormatting.appendJSONString(bytes, to: &output) } else { output.append(contentsOf: bytes) }
            }
        case (_, .bytes), (_, .fixedBytes):
            if quoteText { output.append(UInt8(ascii: "\"")) }
            column.withBytes(at: row) { ValueFormatting.appendBase64($0, to: &output) }
            if quoteText { output.append(UInt8(ascii: "\"")) }
        case (_, .list), (_, .structure):
            appendJSON(column.value(at: row), type: column.type, to: &output)
        }
    }

    /// Doubles: shortest round-trip text; in JSON non-finite values are null (JSON has no
    /// NaN or infinity). `Float` values print in their own shortest form.
    private func appendFloat(_ value: Double, single: Float?, to output: inout [UInt8]) {
        if isJSON && !value.isFinite { output.append(contentsOf: "null".utf8); return }
        if let single, single.isFinite {
            output.append(contentsOf: single.description.utf8)
        } else {
            ValueFormatting.appendDouble(value, to: &output)
        }
    }

    /// A nested value as JSON (both styles: CSV has no nested syntax of its own).
    private func appendJSON(_ value: Value, type: DataType, to output: inout [UInt8]) {
        switch (value, type) {
        case (.null, _): output.append(contentsOf: "null".utf8)
        case (.list(let items), .map(let key, let valueField)):
            // A map with string keys is a JSON object; other keys give an array of pairs.
            if key.type == .string {
                output.append(UInt8(ascii: "{"))
                for (index, item) in items.enumerated() {
                    if index > 0 { output.append(UInt8(ascii: ",")) }
                    guard case .structure(let pair) = item, pair.count == 2 else { continue }
                    appendJSON(pair[0], type: .string, to: &output)
                    output.append(UInt8(ascii: ":"))
                    appendJSON(pair[1], type: valueField.type, to: &output)
                }
                output.append(UInt8(ascii: "}"))
            } else {
                appendJSON(.list(items), type: .list(Field("entries", .structure([key, valueField]))), to: &output)
            }
        case (.list(let items), _):
            let element = type.listElementField?.type ?? .string
            output.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                appendJSON(item, type: element, to: &output)
            }
            output.append(UInt8(ascii: "]"))
        case (.structure(let items), _):
            let fields = type.structFields ?? []
            output.append(UInt8(ascii: "{"))
            for (index, item) in items.enumerated() where index < fields.count {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                var name = fields[index].name
                name.withUTF8 { ValueFormatting.appendJSONString(UnsafeRawBufferPointer($0), to: &output) }
                output.append(UInt8(ascii: ":"))
                appendJSON(item, type: fields[index].type, to: &output)
            }
            output.append(UInt8(ascii: "}"))
        case (.bool(let flag), _): output.append(contentsOf: (flag ? "true" : "false").utf8)
        case (.int(let number), _): ValueFormatting.appendInteger(number, to: &output)
        case (.uint(let number), _): ValueFormatting.appendInteger(number, to: &output)
        case (.double(let number), _):
            if number.isFinite { ValueFormatting.appendDouble(number, to: &output) } else { output.append(contentsOf: "null".utf8) }
        case (.decimal(let unscaled, let scale), _): ValueFormatting.appendDecimal(unscaled, scale: scale, to: &output)
        case (.string(var text), _): text.withUTF8 { ValueFormatting.appendJSONString(UnsafeRawBufferPointer($0), to: &output) }
        case (.bytes(let bytes), _):
            output.append(UInt8(ascii: "\""))
            bytes.withUnsafeBytes { ValueFormatting.appendBase64($0, to: &output) }
            output.append(UInt8(ascii: "\""))
        case (.date(let days), _):
            output.append(UInt8(ascii: "\""))
            ValueFormatting.appendDate(Int(days), to: &output)
            output.append(UInt8(ascii: "\""))
        case (.time(let time, let unit), _):
            output.append(UInt8(ascii: "\""))
            ValueFormatting.appendTimeOfDay(time, perSecond: unit.perSecond, minimumFractionDigits: 0, to: &output)
            output.append(UInt8(ascii: "\""))
        case (.timestamp(let instant, let unit), _):
            var utc = true
            if case .timestamp(_, let isUTC) = type { utc = isUTC }
            output.append(UInt8(ascii: "\""))
            ValueFormatting.appendTimestamp(instant, perSecond: unit.perSecond, iso: true, utc: utc, minimumFractionDigits: 3, to: &output)
            output.append(UInt8(ascii: "\""))
        }
    }
}

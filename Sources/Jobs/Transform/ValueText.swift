import Columnar

/// Renders single values as text for rejection reasons and quarantine records: integers and
/// exact decimals as written, dates `YYYY-MM-DD`, timestamps ISO 8601 in UTC, strings quoted.
/// A slow path (it allocates); only rejected rows go through it.
enum ValueText {
    /// Row `row` of `column` as SQL-ish literal text (`NULL`, `42`, `12.50`, `'abc'`).
    static func literal(_ column: Column, _ row: Int, maxBytes: Int = 64) -> String {
        if column.isNull(row) { return "NULL" }
        if case .string = column.type {
            return column.withBytes(at: row) { bytes in
                let shown = min(bytes.count, maxBytes)
                return "'" + String(decoding: UnsafeRawBufferPointer(rebasing: bytes[0..<shown]), as: UTF8.self) + (bytes.count > shown ? "…'" : "'")
            }
        }
        return plain(column, row) ?? "NULL"
    }

    /// Row `row` of `column` as unquoted text, or nil for NULL.
    static func plain(_ column: Column, _ row: Int) -> String? {
        switch column.value(at: row) {
        case .null: return nil
        case .bool(let value): return value ? "true" : "false"
        case .int(let value): return String(value)
        case .uint(let value): return String(value)
        case .double(let value): return "\(value)"
        case .decimal(let unscaled, let scale): return decimal(unscaled, scale: scale)
        case .string(let value): return value
        case .bytes(let value): return value.map { String($0, radix: 16) }.joined()
        case .date(let days): return date(Int(days))
        case .time(let value, let unit): return String(value) + unit.rawValue
        case .timestamp(let value, let unit): return timestamp(value, unit: unit)
        case .list, .structure: return "\(column.value(at: row))"
        }
    }

    /// `-12.05` from unscaled -1205 and scale 2.
    static func decimal(_ unscaled: Int128, scale: Int) -> String {
        if scale == 0 { return String(unscaled) }
        let negative = unscaled < 0
        var digits = String(negative ? (0 - unscaled) : unscaled)
        if digits.count <= scale { digits = String(repeating: "0", count: scale - digits.count + 1) + digits }
        let split = digits.index(digits.endIndex, offsetBy: -scale)
        return (negative ? "-" : "") + digits[..<split] + "." + digits[split...]
    }

    /// `2024-03-01`.
    static func date(_ days: Int) -> String {
        let (year, month, day) = CivilCalendar.date(fromDays: days)
        return pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2)
    }

    /// `2024-03-01T10:15:00Z`, with as many fraction digits as the unit needs when non-zero.
    static func timestamp(_ value: Int64, unit: TimeUnit) -> String {
        let perSecond = unit.perSecond
        let seconds = CivilCalendar.floorDivide(value, perSecond)
        let fraction = value - seconds * perSecond
        let days = CivilCalendar.floorDivide(seconds, 86_400)
        let secondOfDay = Int(seconds - days * 86_400)
        var text = date(Int(days)) + "T" + pad(secondOfDay / 3600, 2) + ":" + pad(secondOfDay / 60 % 60, 2) + ":" + pad(secondOfDay % 60, 2)
        if fraction != 0 {
            let width = String(perSecond).count - 1
            text += "." + pad(Int(fraction), width)
        }
        return text + "Z"
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }
}

import Columnar
import Parquet
import TarnCore

/// A minimal CSV reader for the benchmark's `sales.csv` (gen_retail.py): fixed schema, RFC 4180
/// quotes, unparseable numbers and timestamps become nulls. Benchmark-only; the product path is
/// TextFormats.
enum SalesCSV {
    static let schema = Schema([
        Field("order_id", .string), Field("line_no", .int64), Field("store_id", .string), Field("region", .string),
        Field("product_id", .string), Field("category", .string), Field("quantity", .int64), Field("unit_price", .float64),
        Field("discount", .float64), Field("total", .float64), Field("payment_type", .string), Field("customer_id", .string),
        Field("sold_at", .timestamp(.microseconds, utc: false)),
    ])

    static let batchRows = 65_536

    static func convert(csvPath: String, parquetPath: String, options: WriteOptions) throws -> Int {
        let file = try PosixFile(path: csvPath, mode: .read)
        var writer = try ParquetWriter(schema: schema, sink: try FileSink(path: parquetPath), options: options)
        var builders = schema.fields.map { ColumnBuilder($0.type, capacity: batchRows) }
        var pending: [UInt8] = []
        var offset: Int64 = 0
        var rows = 0
        var header = true
        let block = 4 << 20
        var chunk = [UInt8](repeating: 0, count: block)
        while true {
            let got = try chunk.withUnsafeMutableBytes { try file.read(into: $0, at: offset) }
            offset += Int64(got)
            pending.append(contentsOf: chunk[0..<got])
            // Complete lines only (a quoted field could hold a newline; the sales data has none).
            guard let lastNewline = got == 0 ? (pending.isEmpty ? nil : pending.count - 1) : pending.lastIndex(of: 10) else {
                if got == 0 { break } else { continue }
            }
            let end = lastNewline + 1
            pending.withUnsafeBytes { raw in
                var lineStart = 0
                for position in 0..<end where raw[position] == 10 || position == end - 1 {
                    let lineEnd = raw[position] == 10 ? position : position + 1
                    defer { lineStart = position + 1 }
                    if lineEnd <= lineStart { continue }
                    if header {
                        header = false
                        continue
                    }
                    parseLine(UnsafeRawBufferPointer(rebasing: raw[lineStart..<lineEnd]), into: &builders)
                    rows += 1
                }
            }
            pending.removeFirst(end)
            if builders[0].count >= batchRows || got == 0 {
                try writer.write(RecordBatch(schema: schema, columns: builders.map { $0.build() }))
                builders = schema.fields.map { ColumnBuilder($0.type, capacity: batchRows) }
            }
            if got == 0 { break }
        }
        if builders[0].count > 0 { try writer.write(RecordBatch(schema: schema, columns: builders.map { $0.build() })) }
        let (_, sink) = try writer.finish()
        try sink.flush()
        return rows
    }

    static func parseLine(_ line: UnsafeRawBufferPointer, into builders: inout [ColumnBuilder]) {
        var field = 0
        var start = 0
        var position = 0
        let count = line.count - (line.last == 13 ? 1 : 0)
        var quoted: [UInt8] = []
        while field < builders.count {
            var value: UnsafeRawBufferPointer
            if position < count && line[position] == UInt8(ascii: "\"") {
                quoted.removeAll(keepingCapacity: true)
                position += 1
                while position < count {
                    if line[position] == UInt8(ascii: "\"") {
                        if position + 1 < count && line[position + 1] == UInt8(ascii: "\"") {
                            quoted.append(UInt8(ascii: "\""))
                            position += 2
                            continue
                        }
                        position += 1
                        break
                    }
                    quoted.append(line[position])
                    position += 1
                }
                while position < count && line[position] != UInt8(ascii: ",") { position += 1 }
                let copy = quoted
                copy.withUnsafeBytes { append($0, field: field, into: &builders) }
                position += 1
                field += 1
                start = position
                continue
            }
            while position < count && line[position] != UInt8(ascii: ",") { position += 1 }
            value = UnsafeRawBufferPointer(rebasing: line[start..<Swift.min(position, count)])
            append(value, field: field, into: &builders)
            position += 1
            start = position
            field += 1
            if start > count && field < builders.count {
                for missing in field..<builders.count { builders[missing].appendNull() }
                return
            }
        }
    }

    @inline(__always)
    static func append(_ text: UnsafeRawBufferPointer, field: Int, into builders: inout [ColumnBuilder]) {
        switch field {
        case 1, 6:
            if let value = parseInt(text) { builders[field].append(int: value) } else { builders[field].appendNull() }
        case 7, 8, 9:
            if let value = parseDecimal(text) { builders[field].append(double: value) } else { builders[field].appendNull() }
        case 12:
            if let value = parseTimestamp(text) { builders[field].append(int: value) } else { builders[field].appendNull() }
        default:
            if text.isEmpty && field == 11 { builders[field].appendNull() } else { builders[field].append(bytes: text) }
        }
    }

    static func parseInt(_ text: UnsafeRawBufferPointer) -> Int64? {
        guard !text.isEmpty else { return nil }
        var value: Int64 = 0
        var negative = false
        for (index, byte) in text.enumerated() {
            if index == 0 && byte == UInt8(ascii: "-") {
                negative = true
                continue
            }
            guard byte >= 48 && byte <= 57 else { return nil }
            value = value &* 10 &+ Int64(byte - 48)
        }
        return negative ? -value : value
    }

    static let powers: [Double] = (0...18).map { exponent in (0..<exponent).reduce(1.0) { value, _ in value * 10 } }

    /// Parses `[-]digits[.digits]` exactly: an integer mantissa over a power of ten is correctly
    /// rounded by IEEE division when both are exact (mantissa < 2^53, power ≤ 10^22).
    static func parseDecimal(_ text: UnsafeRawBufferPointer) -> Double? {
        guard !text.isEmpty else { return nil }
        var mantissa: Int64 = 0
        var fractionDigits = -1
        var negative = false
        for (index, byte) in text.enumerated() {
            if index == 0 && byte == UInt8(ascii: "-") {
                negative = true
                continue
            }
            if byte == UInt8(ascii: ".") && fractionDigits < 0 {
                fractionDigits = 0
                continue
            }
            guard byte >= 48 && byte <= 57 else { return nil }
            mantissa = mantissa &* 10 &+ Int64(byte - 48)
            if fractionDigits >= 0 { fractionDigits += 1 }
        }
        guard fractionDigits <= 18 else { return nil }
        let value = Double(mantissa) / powers[max(0, fractionDigits)]
        return negative ? -value : value
    }

    /// `YYYY-MM-DDTHH:MM:SS` → microseconds since the epoch.
    static func parseTimestamp(_ text: UnsafeRawBufferPointer) -> Int64? {
        guard text.count == 19, text[4] == 45, text[7] == 45, text[10] == 84 || text[10] == 32, text[13] == 58, text[16] == 58 else { return nil }
        func number(_ range: Range<Int>) -> Int64? {
            var value: Int64 = 0
            for index in range {
                let byte = text[index]
                guard byte >= 48 && byte <= 57 else { return nil }
                value = value * 10 + Int64(byte - 48)
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10), let hour = number(11..<13),
              let minute = number(14..<16), let second = number(17..<19), (1...12).contains(month), (1...31).contains(day),
              hour < 24, minute < 60, second < 61
        else { return nil }
        let days = ValueText.days(year: year, month: Int(month), day: Int(day))
        return ((days * 24 + hour) * 60 + minute) * 60_000_000 + second * 1_000_000
    }
}

import Columnar
import Foundation
import QueryExecution
import QueryPlanner
import SQLParser
import TarnCore

/// The public retail queries (shared/bench/queries) over in-memory tables loaded from the typed
/// TSV files `Benchmarks/sql/prepare.py` writes; sales and clickstream are partitioned by
/// year/month/day like the hive lake. Prints one RESULT line per query (best of 3, ms) and
/// writes the answers to DATA/tarn.json for `Benchmarks/sql/compare.py`.
///
/// `swift run -c release TarnBench sql DATA_DIR [queries_dir]`
@Sendable func sqlBenchmark(_ arguments: [String]) async throws {
    guard let data = arguments.first else {
        print("usage: TarnBench sql DATA_DIR [QUERIES_DIR]")
        return
    }
    let queriesDir = arguments.count > 1 ? arguments[1] : "/work/shared/bench/queries"
    // Optional third argument: only queries whose file name starts with it (profiling one query).
    let only = arguments.count > 2 ? arguments[2] : ""
    var tables: [String: any TableProvider] = [:]
    let loadTime = try measure {
        for name in ["sales", "clickstream", "inventory", "products", "stores"] {
            let partitioned = name == "sales" || name == "clickstream"
            tables[name] = try TypedTSV.load("\(data)/typed/\(name).tsv", name: name, partitionColumns: partitioned ? ["year", "month", "day"] : [])
        }
    }
    print("loaded tables in \(String(format: "%.1f", loadTime)) s, peak RSS \(peakRSS() >> 20) MB")
    // parse_decimal_literals_as_double: DuckDB types `1.0` / `14.0` as it divides them into doubles.
    let options = EngineOptions(parallelism: 2, binder: BinderOptions(parseDecimalLiteralsAsDouble: true))
    let engine = QueryEngine(catalog: StaticCatalog(tables: tables), options: options)
    var answers: [String: Any] = [:]
    for file in try FileSystem.listDirectory(queriesDir).filter({ $0.hasSuffix(".sql") && $0.hasPrefix(only) }).sorted() {
        var sql = String(decoding: try FileSystem.readFile("\(queriesDir)/\(file)"), as: UTF8.self)
        for name in tables.keys { sql = sql.replacingOccurrences(of: "{{\(name)}}", with: name) }
        let key = String(file.prefix(3))
        var best = Double.infinity
        var result: QueryResult? = nil
        for _ in 0..<(only.isEmpty ? 3 : 15) {
            var current: QueryResult? = nil
            let t = try measure { current = try engine.execute(sql) }
            best = min(best, t)
            result = current
        }
        guard let result else { continue }
        report("sql_\(key)_ms", best * 1000, "ms")
        print("  \(key): \(result.statistics.summary)")
        let rows: [[Any]] = result.rows.map { row in
            row.map { value -> Any in
                switch value {
                case .null: return NSNull()
                case .int(let i): return i
                case .double(let d): return d
                case .bool(let b): return b
                case .decimal(let v, let s): return Double(DecimalText.format(v, scale: s)) ?? 0
                default: return ValueFormatting.text(value, .string)
                }
            }
        }
        answers[key] = ["seconds": best, "rows": rows]
    }
    if !only.isEmpty { return }
    let json = try JSONSerialization.data(withJSONObject: answers, options: [.prettyPrinted, .sortedKeys])
    try json.write(to: URL(fileURLWithPath: "\(data)/tarn.json"))
}

/// Loads the typed TSV files of the SQL benchmark: header `name:type` per column, `\N` for NULL,
/// timestamps as `YYYY-MM-DD HH:MM:SS.ffffff`. Parses bytes directly into column arrays.
enum TypedTSV {
    static func load(_ path: String, name: String, partitionColumns: [String]) throws -> InMemoryTable {
        let bytes = try FileSystem.readFile(path)
        var position = 0
        func field() -> Range<Int> {
            let start = position
            while position < bytes.count && bytes[position] != 9 && bytes[position] != 10 { position += 1 }
            return start..<position
        }
        var headerFields: [String] = []
        while position < bytes.count {
            let r = field()
            headerFields.append(String(decoding: bytes[r], as: UTF8.self))
            let end = bytes[position] == 10
            position += 1
            if end { break }
        }
        let fields = try headerFields.map { spec -> Field in
            let parts = spec.split(separator: ":", maxSplits: 1).map(String.init)
            return Field(parts[0], try SQLTypes.resolve(TypeName(parts[1])))
        }
        var ints = fields.map { _ in [Int64]() }
        var doubles = fields.map { _ in [Double]() }
        var offsets = fields.map { _ in [Int32(0)] }
        var strings = fields.map { _ in [UInt8]() }
        var validity = fields.map { _ in [Bool]() }
        var sawNull = fields.map { _ in false }
        var rows = 0
        while position < bytes.count {
            for (c, f) in fields.enumerated() {
                let r = field()
                position += 1
                let isNull = r.count == 2 && bytes[r.lowerBound] == 92 && bytes[r.lowerBound + 1] == 78
                validity[c].append(!isNull)
                if isNull { sawNull[c] = true }
                switch f.type {
                case .string:
                    if !isNull { strings[c].append(contentsOf: bytes[r]) }
                    offsets[c].append(Int32(strings[c].count))
                case .float64:
                    doubles[c].append(isNull ? 0 : parseDouble(bytes, r))
                case .timestamp:
                    ints[c].append(isNull ? 0 : parseTimestamp(bytes, r))
                case .date:
                    ints[c].append(isNull ? 0 : Int64(CivilTime.days(year: number(bytes, r.lowerBound, 4), month: number(bytes, r.lowerBound + 5, 2), day: number(bytes, r.lowerBound + 8, 2))))
                default:
                    ints[c].append(isNull ? 0 : parseInt(bytes, r))
                }
            }
            rows += 1
        }
        var columns: [Column] = []
        for (c, f) in fields.enumerated() {
            let v = sawNull[c] ? validity[c] : nil
            switch f.type {
            case .string: columns.append(Column(type: .string, storage: .bytes(offsets: offsets[c], data: strings[c]), validity: v))
            case .float64: columns.append(Column(type: .float64, storage: .float64(doubles[c]), validity: v))
            case .int32, .date: columns.append(Column(type: f.type, storage: .int32(ints[c].map { Int32($0) }), validity: v))
            default: columns.append(Column(type: f.type, storage: .int64(ints[c]), validity: v))
            }
        }
        let whole = RecordBatch(schema: Schema(fields), columns: columns, rowCount: rows)
        let dataIndices = fields.indices.filter { !partitionColumns.contains(fields[$0].name) }
        let dataSchema = Schema(dataIndices.map { fields[$0] })
        func batches(_ rowsBatch: RecordBatch) -> [RecordBatch] {
            var out: [RecordBatch] = []
            var start = 0
            while start < rowsBatch.rowCount {
                let end = min(rowsBatch.rowCount, start + 8192)
                let slice = rowsBatch.slice(start..<end)
                out.append(RecordBatch(schema: dataSchema, columns: dataIndices.map { slice.columns[$0] }, rowCount: end - start))
                start = end
            }
            return out
        }
        if partitionColumns.isEmpty {
            return InMemoryTable(name: name, schema: dataSchema, batches: batches(whole))
        }
        let partitionIndices = partitionColumns.map { p in fields.firstIndex { $0.name == p }! }
        var groups: [[Int64]: [Int32]] = [:]
        var order: [[Int64]] = []
        let keyValues = partitionIndices.map { whole.columns[$0].int64ValuesForBench }
        for row in 0..<rows {
            let key = keyValues.map { $0[row] }
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(Int32(row))
        }
        let partitions = order.map { key in
            InMemoryTable.Partition(values: key.map { .int($0) }, batches: batches(whole.take(groups[key]!)))
        }
        return InMemoryTable(
            name: name, columns: dataSchema.fields, partitionColumns: partitionIndices.map { fields[$0] }, partitions: partitions)
    }

    static func number(_ b: [UInt8], _ at: Int, _ digits: Int) -> Int {
        var v = 0
        for i in at..<(at + digits) { v = v * 10 + Int(b[i] - 48) }
        return v
    }

    static func parseInt(_ b: [UInt8], _ r: Range<Int>) -> Int64 {
        var v: Int64 = 0
        var negative = false
        for i in r {
            if b[i] == 45 { negative = true; continue }
            v = v * 10 + Int64(b[i] - 48)
        }
        return negative ? -v : v
    }

    /// `[-]digits[.digits]`; the integer mantissa divided by an exact power of ten is correctly
    /// rounded, like strtod, for up to 15 significant digits.
    static func parseDouble(_ b: [UInt8], _ r: Range<Int>) -> Double {
        var mantissa: Int64 = 0
        var scale = 0
        var seenPoint = false
        var negative = false
        for i in r {
            let c = b[i]
            if c == 45 { negative = true } else if c == 46 { seenPoint = true } else if c >= 48 && c <= 57 {
                mantissa = mantissa * 10 + Int64(c - 48)
                if seenPoint { scale += 1 }
            } else {
                return Double(String(decoding: b[r], as: UTF8.self)) ?? .nan
            }
        }
        var value = Double(mantissa)
        if scale > 0 { value /= pow(10, Double(scale)) }
        return negative ? -value : value
    }

    static func parseTimestamp(_ b: [UInt8], _ r: Range<Int>) -> Int64 {
        let s = r.lowerBound
        let days = CivilTime.days(year: number(b, s, 4), month: number(b, s + 5, 2), day: number(b, s + 8, 2))
        var micros = Int64(days) * CivilTime.microsPerDay
        micros += Int64(number(b, s + 11, 2) * 3600 + number(b, s + 14, 2) * 60 + number(b, s + 17, 2)) * 1_000_000
        if r.count > 20 { micros += Int64(number(b, s + 20, min(6, r.count - 20))) }
        return micros
    }
}

extension Column {
    /// Integer values of a benchmark partition column.
    var int64ValuesForBench: [Int64] {
        switch storage {
        case .int32(let v): v.map { Int64($0) }
        case .int64(let v): v
        default: []
        }
    }
}

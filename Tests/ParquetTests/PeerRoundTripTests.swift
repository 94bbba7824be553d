import Codecs
import Columnar
import Foundation
import Parquet
import TarnCore
import TarnTesting
import Testing

/// Round trips with the real peers: files pyarrow and DuckDB write are read identically by
/// Tarn, and files Tarn writes are read identically by pyarrow and DuckDB.
@Suite(.enabled(if: Peers.available, "needs python3 with pyarrow and duckdb"), .serialized)
struct PeerRoundTripTests {
    static func compare(_ expected: [JSONValue], _ batch: RecordBatch, label: String) {
        #expect(expected.count == batch.rowCount, "\(label): row count")
        for (rowIndex, row) in expected.enumerated() where rowIndex < batch.rowCount {
            guard case .object(let values) = row else { continue }
            #expect(Set(values.keys) == Set(batch.schema.fields.map(\.name)), "\(label): columns")
            for (columnIndex, field) in batch.schema.fields.enumerated() {
                let actual = OracleJSON.render(batch.columns[columnIndex], row: rowIndex, canonicalTime: true)
                var difference: String?
                let ok = OracleJSON.matches(values[field.name] ?? .null, actual, path: "row \(rowIndex).\(field.name)", difference: &difference)
                #expect(ok, "\(label): \(difference ?? "")")
                if !ok { return }
            }
        }
    }

    @Test func filesWrittenByPeersReadIdentically() throws {
        let directory = try TemporaryDirectory(prefix: "parquet-peers")
        defer { directory.remove() }
        try Peers.run([Peers.script, "write", directory.path])
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".parquet") }.sorted()
        #expect(names.count >= 26)
        for name in names {
            let base = String(name.dropLast(".parquet".count))
            guard case .object(let expected) = try JSONParser.parse(Data(contentsOf: URL(fileURLWithPath: "\(directory.path)/\(base).json"))) else { continue }
            guard case .array(let rows) = expected["rows"] else {
                Issue.record("\(base): no rows")
                continue
            }
            do {
                let reader = try ParquetFileReader(path: "\(directory.path)/\(name)")
                if base.hasPrefix("pyarrow-") && !base.hasSuffix("delta") { #expect(reader.metadata.rowGroupCount == 3, "\(base)") }
                Self.compare(rows, try reader.readAll(), label: base)
            } catch {
                Issue.record("\(base): \(error)")
            }
        }
    }

    /// A batch of every flat type Tarn writes, with nulls in the nullable columns.
    static func sampleBatch(rows: Int) -> RecordBatch {
        let fields: [Field] = [
            Field("b", .boolean), Field("i8", .int8), Field("i16", .int16), Field("i32", .int32, nullable: false), Field("i64", .int64),
            Field("u8", .uint8), Field("u16", .uint16), Field("u32", .uint32), Field("u64", .uint64),
            Field("f32", .float32), Field("f64", .float64),
            Field("dec9", .decimal(precision: 9, scale: 2)), Field("dec18", .decimal(precision: 18, scale: 4)),
            Field("dec38", .decimal(precision: 38, scale: 6)),
            Field("d", .date), Field("t_ms", .time(.milliseconds)), Field("t_us", .time(.microseconds)),
            Field("ts_s", .timestamp(.seconds, utc: false)), Field("ts_ms", .timestamp(.milliseconds, utc: false)),
            Field("ts_us_utc", .timestamp(.microseconds, utc: true)), Field("ts_ns", .timestamp(.nanoseconds, utc: false)),
            Field("s", .string), Field("s_unique", .string, nullable: false), Field("bin", .binary), Field("fixed", .fixedBinary(4)),
            // Nested columns, as clickstream JSON lands.
            Field("li", .list(Field("element", .int32))), Field("ls", .list(Field("element", .string, nullable: false)), nullable: false),
            Field("st", .structure([Field("a", .int64), Field("b", .string, nullable: false)])),
            Field("m", .map(key: Field("key", .string, nullable: false), value: Field("value", .int32))),
            Field("lli", .list(Field("element", .list(Field("element", .int16))))),
            Field("sl", .structure([Field("tags", .list(Field("element", .string))), Field("n", .float64)])),
        ]
        var builders = fields.map { ColumnBuilder($0.type, capacity: rows) }
        let words = ["Boston", "", "Zürich", "東京", "a,b", "quote\"d", "line\nbreak"]
        for row in 0..<rows {
            for (index, field) in fields.enumerated() {
                if field.nullable && row % 7 == 3 {
                    builders[index].appendNull()
                    continue
                }
                let i = Int64(row)
                switch field.type {
                case .boolean: builders[index].append(bool: row % 3 == 0)
                case .int8: builders[index].append(int: i % 250 - 125)
                case .int16: builders[index].append(int: (i * 37) % 60000 - 30000)
                case .int32: builders[index].append(int: i * 1000 - 7)
                case .int64: builders[index].append(int: (i - 1000) * 1_000_000_000_000 + i)
                case .uint8: builders[index].append(int: i % 256)
                case .uint16: builders[index].append(int: (i * 31) % 65536)
                case .uint32: builders[index].append(int: (i * 2_654_435_761) % (1 << 32))
                case .uint64: builders[index].append(int: Int64(bitPattern: UInt64(row) &* 11_400_714_819_323_198_485))
                case .float32: builders[index].append(double: row == 5 ? .nan : Double(row) / 8 - 100)
                case .float64: builders[index].append(double: row == 9 ? .infinity : Double(row) * 1.1 - 3)
                case .decimal(let p, _) where p > 18: builders[index].append(int128: Int128(row) * 100_000_000_000_000_000_000 + 17)
                case .decimal(let p, _): builders[index].append(int: p <= 9 ? i * 7 - 5000 : i * 123_456_789 - 1_000_000_000_000)
                case .date: builders[index].append(int: 19_723 + i % 400 - 200)
                case .time(.milliseconds): builders[index].append(int: (i * 3_600_123) % 86_400_000)
                case .time: builders[index].append(int: (i * 3_600_123_457) % 86_400_000_000)
                case .timestamp(.seconds, _): builders[index].append(int: 1_704_067_200 + i * 61)
                case .timestamp(.milliseconds, _): builders[index].append(int: 1_704_067_200_000 + i * 61_001)
                case .timestamp(.microseconds, _): builders[index].append(int: 1_704_067_200_000_000 + i * 3_600_000_001)
                case .timestamp: builders[index].append(int: 1_704_067_200_000_000_000 + i * 1_000_000_007)
                case .string where field.name == "s": builders[index].append(string: words[row % words.count] + String(row % 50))
                case .string: builders[index].append(string: "order-\(row)")
                case .binary: [UInt8(row % 256), 0, 255, UInt8(row % 7)].withUnsafeBytes { builders[index].append(bytes: $0) }
                case .fixedBinary: withUnsafeBytes(of: UInt32(truncatingIfNeeded: row &* 2_654_435_761)) { builders[index].append(bytes: $0) }
                default: builders[index].append(nestedValue(field.name, row: row))
                }
            }
        }
        return RecordBatch(schema: Schema(fields), columns: builders.map { $0.build() }, rowCount: rows)
    }

    /// Values of the nested sample columns: nulls, empty lists and null elements at every level.
    static func nestedValue(_ name: String, row: Int) -> Value {
        switch name {
        case "li": return row % 11 == 1 ? .list([]) : .list((0..<(row % 6)).map { $0 % 5 == 0 ? .null : .int(Int64($0)) })
        case "ls": return .list((0..<(row % 4)).map { .string(String(repeating: "x", count: $0 % 3) + String($0)) })
        case "st": return .structure([row % 5 == 0 ? .null : .int(Int64(row)), .string("v\(row % 10)")])
        case "m": return .list((0..<(row % 4)).map { .structure([.string("k\($0)"), $0 == 2 ? .null : .int(Int64($0 * row))]) })
        case "lli": return .list((0..<(row % 3)).map { j in j == 1 && row % 4 == 0 ? .null : .list((0..<j).map { .int(Int64($0)) }) })
        default: return .structure([row % 6 == 0 ? .null : .list((0..<(row % 3)).map { .string("t\($0)") }), .double(Double(row) / 4)])
        }
    }

    static let writeVariants: [(String, WriteOptions)] = {
        var variants: [(String, WriteOptions)] = []
        for codec in [CompressionCodec.uncompressed, .snappy, .gzip, .zstd, .lz4Raw] {
            for dictionary in [true, false] {
                for v2 in [false, true] {
                    var options = WriteOptions()
                    options.compression = codec
                    options.useDictionary = dictionary
                    options.dataPageV2 = v2
                    options.rowGroupRows = 500
                    options.dataPageSize = 4096
                    variants.append(("tarn-\(codec)-\(dictionary ? "dict" : "plain")-\(v2 ? "v2" : "v1")", options))
                }
            }
        }
        var fallback = WriteOptions()
        fallback.dictionaryPageSizeLimit = 2048  // forces the PLAIN fallback mid-chunk
        variants.append(("tarn-dictionary-fallback", fallback))
        return variants
    }()

    @Test func filesWrittenByTarnReadIdenticallyByPeers() throws {
        let directory = try TemporaryDirectory(prefix: "parquet-tarn")
        defer { directory.remove() }
        let batch = Self.sampleBatch(rows: 1200)
        var paths: [String] = []
        for (name, options) in Self.writeVariants {
            let path = "\(directory.path)/\(name).parquet"
            var writer = try ParquetWriter(schema: batch.schema, sink: try FileSink(path: path), options: options)
            // Two appends so row groups span batches.
            try writer.write(batch.slice(0..<567))
            try writer.write(batch.slice(567..<1200))
            let (metadata, sink) = try writer.finish()
            try sink.sync()
            #expect(metadata.numRows == 1200)
            paths.append(path)
            // Tarn reads its own file back identically.
            let back = try ParquetFileReader(path: path).readAll()
            let expected = (0..<batch.rowCount).map { row in
                JSONValue.object(Dictionary(uniqueKeysWithValues: batch.schema.fields.enumerated().map {
                    ($0.element.name, OracleJSON.render(batch.columns[$0.offset], row: row, canonicalTime: true))
                }))
            }
            Self.compare(expected, back, label: "\(name) read by tarn")
        }
        let output = try Peers.run([Peers.script, "read"] + paths)
        guard case .object(let results) = try JSONParser.parse(output) else { throw JSONParser.Failure(description: "not an object") }
        // What each peer should see: the source batch, with seconds stored as milliseconds.
        let expected = (0..<batch.rowCount).map { row in
            JSONValue.object(Dictionary(uniqueKeysWithValues: batch.schema.fields.enumerated().map {
                ($0.element.name, OracleJSON.render(batch.columns[$0.offset], row: row, canonicalTime: true))
            }))
        }
        for path in paths {
            let name = URL(fileURLWithPath: path).lastPathComponent
            guard case .object(let result) = results[path] else {
                Issue.record("no peer result for \(name)")
                continue
            }
            for peer in ["pyarrow", "duckdb"] {
                if case .string(let error) = result["\(peer)_error"] {
                    Issue.record("\(peer) could not read \(name): \(error)")
                    continue
                }
                guard case .array(let rows) = result[peer] else {
                    Issue.record("\(peer): no rows for \(name)")
                    continue
                }
                // Compare through a batch-shaped view: render what the peer returned against ours.
                #expect(rows.count == expected.count, "\(peer) \(name)")
                for (index, pair) in zip(expected, rows).enumerated() {
                    var difference: String?
                    let ok = OracleJSON.matches(pair.0, pair.1, path: "\(peer) \(name) row \(index)", difference: &difference)
                    #expect(ok, "\(difference ?? "")")
                    if !ok { break }
                }
            }
        }
    }
}

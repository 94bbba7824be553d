import Codecs
import Columnar
import Foundation
import Parquet
import TarnCore
import Testing

/// Property: whatever the data and layout options, reading back what Tarn wrote gives the same
/// values. Schemas, values (nulls, empties, extremes) and options are drawn from a seeded
/// generator, so failures reproduce from the seed in the message.
@Suite struct RoundTripPropertyTests {
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            var z = state
            z = (z ^ (z >> 33)) &* 0xFF51_AFD7_ED55_8CCD
            return z ^ (z >> 33)
        }
    }

    static let leafTypes: [DataType] = [
        .boolean, .int8, .int16, .int32, .int64, .uint8, .uint16, .uint32, .uint64, .float32, .float64,
        .decimal(precision: 7, scale: 2), .decimal(precision: 16, scale: 0), .decimal(precision: 30, scale: 10), .date,
        .time(.milliseconds), .time(.nanoseconds), .timestamp(.microseconds, utc: true), .timestamp(.nanoseconds, utc: false),
        .string, .binary, .fixedBinary(3),
    ]

    static func randomType(_ g: inout Generator, depth: Int) -> DataType {
        let roll = Int.random(in: 0..<10, using: &g)
        if depth < 2 && roll == 0 { return .list(Field("element", randomType(&g, depth: depth + 1), nullable: Bool.random(using: &g))) }
        if depth < 2 && roll == 1 {
            return .structure((0..<Int.random(in: 1...3, using: &g)).map { Field("f\($0)", randomType(&g, depth: depth + 1), nullable: Bool.random(using: &g)) })
        }
        if depth < 2 && roll == 2 {
            return .map(key: Field("key", .string, nullable: false), value: Field("value", randomType(&g, depth: depth + 1), nullable: true))
        }
        return leafTypes.randomElement(using: &g)!
    }

    static func randomValue(_ type: DataType, nullable: Bool, _ g: inout Generator) -> Value {
        if nullable && Int.random(in: 0..<5, using: &g) == 0 { return .null }
        let small = Int64.random(in: -3...3, using: &g)
        let big = Bool.random(using: &g) ? small : Int64.random(in: Int64.min...Int64.max, using: &g)
        switch type {
        case .boolean: return .bool(Bool.random(using: &g))
        case .int8: return .int(Int64(Int8.random(in: Int8.min...Int8.max, using: &g)))
        case .int16: return .int(Int64(Int16.random(in: Int16.min...Int16.max, using: &g)))
        case .int32: return .int(Int64(Int32.random(in: Int32.min...Int32.max, using: &g)))
        case .int64: return .int(big)
        case .uint8: return .uint(UInt64(UInt8.random(in: 0...255, using: &g)))
        case .uint16: return .uint(UInt64(UInt16.random(in: 0...UInt16.max, using: &g)))
        case .uint32: return .uint(UInt64(UInt32.random(in: 0...UInt32.max, using: &g)))
        case .uint64: return .uint(UInt64(bitPattern: big))
        case .float32: return .double(Double(Float(bitPattern: UInt32.random(in: 0...0x7F7F_FFFF, using: &g))) * (Bool.random(using: &g) ? 1 : -1))
        case .float64: return .double([0.0, -0.0, 1.5, .infinity, -.greatestFiniteMagnitude, Double(small) / 3].randomElement(using: &g)!)
        case .decimal(let p, let s):
            var limit: Int128 = 1
            for _ in 0..<p { limit *= 10 }
            let magnitude = Int128(UInt64.random(in: 0...UInt64.max, using: &g)) &* Int128(UInt64.random(in: 0...UInt64.max, using: &g))
            return .decimal((magnitude % limit) * (Bool.random(using: &g) ? 1 : -1), scale: s)
        case .date: return .date(Int32.random(in: -800_000...800_000, using: &g))
        case .time(let unit): return .time(Int64.random(in: 0..<(86_400 * unit.perSecond), using: &g), unit)
        case .timestamp(let unit, _): return .timestamp(big, unit)
        case .string: return .string(["", "a", "Zürich", "東京", String(repeating: "x", count: Int.random(in: 0...40, using: &g)), "k\(small)"].randomElement(using: &g)!)
        case .binary: return .bytes((0..<Int.random(in: 0...9, using: &g)).map { _ in UInt8.random(in: 0...255, using: &g) })
        case .fixedBinary(let width): return .bytes((0..<width).map { _ in UInt8.random(in: 0...255, using: &g) })
        case .list(let element):
            return .list((0..<Int.random(in: 0...3, using: &g)).map { _ in randomValue(element.type, nullable: element.nullable, &g) })
        case .structure(let fields): return .structure(fields.map { randomValue($0.type, nullable: $0.nullable, &g) })
        case .map(_, let value):
            return .list((0..<Int.random(in: 0...3, using: &g)).map { index in .structure([.string("k\(index)"), randomValue(value.type, nullable: true, &g)]) })
        }
    }

    /// Values compare by bits for floats (so NaN and -0 count), otherwise by `Value` equality.
    static func same(_ a: Value, _ b: Value) -> Bool {
        switch (a, b) {
        case (.double(let x), .double(let y)): return x.bitPattern == y.bitPattern || (x.isNaN && y.isNaN)
        case (.list(let x), .list(let y)), (.structure(let x), .structure(let y)):
            return x.count == y.count && zip(x, y).allSatisfy { same($0, $1) }
        default: return a == b
        }
    }

    @Test(arguments: 0..<64)
    func randomBatchesRoundTrip(seed: Int) throws {
        var g = Generator(state: UInt64(seed) &* 0x9E37_79B9_7F4A_7C15 &+ 1)
        let fields = (0..<Int.random(in: 1...6, using: &g)).map { Field("c\($0)", Self.randomType(&g, depth: 0), nullable: Bool.random(using: &g)) }
        let schema = Schema(fields)
        var options = WriteOptions()
        options.compression = [CompressionCodec.uncompressed, .snappy, .gzip, .zstd, .lz4Raw].randomElement(using: &g)!
        options.dataPageV2 = Bool.random(using: &g)
        options.useDictionary = Int.random(in: 0..<4, using: &g) != 0
        options.dictionaryPageSizeLimit = [64, 1024, 1 << 20].randomElement(using: &g)!
        options.dataPageSize = [128, 4096, 1 << 20].randomElement(using: &g)!
        options.rowGroupRows = [7, 100, 1 << 20].randomElement(using: &g)!
        let rowCount = Int.random(in: 0...300, using: &g)
        var rows: [[Value]] = []
        var builders = fields.map { ColumnBuilder($0.type) }
        for _ in 0..<rowCount {
            let row = fields.map { Self.randomValue($0.type, nullable: $0.nullable, &g) }
            for (index, value) in row.enumerated() { builders[index].append(value) }
            rows.append(row)
        }
        let batch = RecordBatch(schema: schema, columns: builders.map { $0.build() }, rowCount: rowCount)
        var writer = try ParquetWriter(schema: schema, sink: MemorySink(), options: options)
        var start = 0
        while start < rowCount {
            let end = min(rowCount, start + Int.random(in: 1...120, using: &g))
            try writer.write(batch.slice(start..<end))
            start = end
        }
        let bytes = try writer.finish().sink.bytes
        let back = try WriterReaderTests.readAll(bytes)
        let label = "seed \(seed), schema \(schema.fields.map { $0.description }), \(options.compression) v2=\(options.dataPageV2)"
        #expect(back.rowCount == rowCount, "\(label)")
        #expect(back.schema.fields.map(\.type) == fields.map(\.type), "\(label)")
        for (rowIndex, row) in rows.enumerated() {
            for (columnIndex, value) in row.enumerated() {
                let actual = back.columns[columnIndex].value(at: rowIndex)
                if !Self.same(value, actual) {
                    Issue.record("\(label): row \(rowIndex) column \(columnIndex): wrote \(value), read \(actual)")
                    return
                }
            }
        }
    }
}

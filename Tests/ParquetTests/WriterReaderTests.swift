import Codecs
import Columnar
import Foundation
import Parquet
import TarnCore
import TarnTesting
import Testing

/// Writer behaviour and the reader API, with Tarn on both sides.
@Suite struct WriterReaderTests {
    static func write(_ batch: RecordBatch, options: WriteOptions = WriteOptions()) throws -> [UInt8] {
        var writer = try ParquetWriter(schema: batch.schema, sink: MemorySink(), options: options)
        try writer.write(batch)
        return try writer.finish().sink.bytes
    }

    static func metadata(_ bytes: [UInt8], tail: Int64 = ParquetMetadata.defaultTailLength) throws -> ParquetMetadata {
        let size = Int64(bytes.count)
        let range = ParquetMetadata.tailRange(fileSize: size, length: tail)
        switch try ParquetMetadata.decode(tail: Array(bytes[Int(range.lowerBound)...]), fileSize: size, name: "memory") {
        case .complete(let metadata): return metadata
        case .needMore(let more): return try ParquetMetadata.decode(tail: Array(bytes[Int(more.lowerBound)...]), fileSize: size, name: "memory").metadata!
        }
    }

    static func readAll(_ bytes: [UInt8], columns: [String]? = nil) throws -> RecordBatch {
        let metadata = try metadata(bytes)
        let selection = try ColumnSelection(columns, schema: metadata.schema)
        let batches = try (0..<metadata.rowGroupCount).map { group in
            var chunks: [Int: [UInt8]] = [:]
            for (leaf, range) in try metadata.byteRanges(rowGroup: group, selection: selection) {
                chunks[leaf] = Array(bytes[Int(range.lowerBound)..<Int(range.upperBound)])
            }
            return try metadata.decodeRowGroup(group, selection: selection, chunks: chunks)
        }
        return RecordBatch.concatenate(batches, schema: Schema(selection.fields.map { metadata.schema.fields[$0] }))
    }

    static func ints(_ values: [Int64?], type: DataType = .int64) -> Column {
        var builder = ColumnBuilder(type)
        for value in values { if let value { builder.append(int: value) } else { builder.appendNull() } }
        return builder.build()
    }

    static func strings(_ values: [String?]) -> Column {
        var builder = ColumnBuilder(.string)
        for value in values { if let value { builder.append(string: value) } else { builder.appendNull() } }
        return builder.build()
    }

    @Test func rowGroupsAreCutByRows() throws {
        let batch = RecordBatch(schema: Schema([Field("x", .int64, nullable: false)]), columns: [Self.ints((0..<2500).map { Int64($0) })])
        var options = WriteOptions()
        options.rowGroupRows = 1000
        let bytes = try Self.write(batch, options: options)
        let metadata = try Self.metadata(bytes)
        #expect(metadata.fileMetaData.rowGroups.map(\.numRows) == [1000, 1000, 500])
        #expect(metadata.createdBy?.hasPrefix("tarn version ") == true)
        let back = try Self.readAll(bytes)
        #expect(back.columns[0].value(at: 2499) == .int(2499))
    }

    @Test func rowGroupsAreCutByBytes() throws {
        let unique = (0..<20_000).map { "value-\($0)-" + String(repeating: "x", count: 40) }
        let batch = RecordBatch(schema: Schema([Field("s", .string)]), columns: [Self.strings(unique)])
        var options = WriteOptions()
        options.compression = .uncompressed
        options.rowGroupBytes = 256 * 1024
        var writer = try ParquetWriter(schema: batch.schema, sink: MemorySink(), options: options)
        for start in stride(from: 0, to: 20_000, by: 1000) { try writer.write(batch.slice(start..<(start + 1000))) }
        let bytes = try writer.finish().sink.bytes
        let metadata = try Self.metadata(bytes)
        #expect(metadata.rowGroupCount > 2)
        #expect(metadata.rowCount == 20_000)
        for group in metadata.fileMetaData.rowGroups { #expect(group.totalCompressedSize! < 2 * 256 * 1024) }
        #expect(try Self.readAll(bytes).columns[0].string(at: 19_999) == unique[19_999])
    }

    @Test func dictionaryFallsBackToPlainPastTheLimit() throws {
        let values = (0..<5000).map { "distinct-\($0)" }
        let batch = RecordBatch(schema: Schema([Field("s", .string)]), columns: [Self.strings(values)])
        var options = WriteOptions()
        options.dictionaryPageSizeLimit = 10_000
        options.dataPageSize = 8 * 1024
        let bytes = try Self.write(batch, options: options)
        let meta = try Self.metadata(bytes).chunkMetaData(rowGroup: 0, leaf: 0)
        #expect(meta.encodings.contains(.rleDictionary))
        #expect(meta.encodings.contains(.plain))
        #expect(meta.dictionaryPageOffset != nil)
        let back = try Self.readAll(bytes)
        #expect((0..<5000).allSatisfy { back.columns[0].string(at: $0) == values[$0] })

        // A low-cardinality column stays dictionary-encoded throughout.
        let repeated = RecordBatch(schema: batch.schema, columns: [Self.strings((0..<5000).map { "r\($0 % 10)" })])
        let small = try Self.metadata(try Self.write(repeated, options: options)).chunkMetaData(rowGroup: 0, leaf: 0)
        #expect(!small.encodingStats.contains { $0.pageType == .dataPage && $0.encoding == .plain })
    }

    @Test func statisticsRoundTrip() throws {
        let batch = RecordBatch(
            schema: Schema([Field("i", .int64), Field("s", .string), Field("f", .float64), Field("d", .decimal(precision: 20, scale: 2)),
                            Field("u", .uint32), Field("t", .timestamp(.microseconds, utc: true))]),
            columns: [
                Self.ints([5, nil, -3, 12]), Self.strings(["pear", "Apple", nil, "zebra"]),
                { var b = ColumnBuilder(.float64); b.append(double: .nan); b.append(double: 2.5); b.append(double: -0.0); b.appendNull(); return b.build() }(),
                { var b = ColumnBuilder(.decimal(precision: 20, scale: 2)); b.append(int128: -12345); b.append(int128: 99); b.appendNull(); b.append(int128: 10); return b.build() }(),
                Self.ints([1, 4_000_000_000, nil, 7], type: .uint32),
                Self.ints([1_700_000_000_000_000, nil, 1_600_000_000_000_000, 1_800_000_000_000_000], type: .timestamp(.microseconds, utc: true)),
            ])
        let metadata = try Self.metadata(try Self.write(batch))
        let i = try #require(metadata.statistics(rowGroup: 0, column: "i"))
        #expect(i.min == .int(-3) && i.max == .int(12) && i.nullCount == 1)
        let s = try #require(metadata.statistics(rowGroup: 0, column: "s"))
        #expect(s.min == .string("Apple") && s.max == .string("zebra") && s.nullCount == 1)
        let f = try #require(metadata.statistics(rowGroup: 0, column: "f"))
        #expect(f.min == .double(-0.0) && f.max == .double(2.5) && f.nanCount == 1)
        let d = try #require(metadata.statistics(rowGroup: 0, column: "d"))
        #expect(d.min == .decimal(-12345, scale: 2) && d.max == .decimal(99, scale: 2))
        let u = try #require(metadata.statistics(rowGroup: 0, column: "u"))
        #expect(u.min == .uint(1) && u.max == .uint(4_000_000_000))
        let t = try #require(metadata.statistics(rowGroup: 0, column: "t"))
        #expect(t.min == .timestamp(1_600_000_000_000_000, .microseconds))
    }

    @Test func statisticsFromOtherWriters() throws {
        // Old pyarrow wrote NaN into min/max: such bounds must be dropped.
        let nan = try ParquetFileReader(path: Fixtures.path("ParquetTests", "data/nan_in_stats.parquet")).metadata
        #expect(nan.statistics(rowGroup: 0, leaf: 0)?.min == nil)
        // Truncated string bounds keep their exactness flags.
        let truncated = try ParquetFileReader(path: Fixtures.path("ParquetTests", "data/binary_truncated_min_max.parquet")).metadata
        let flags = (0..<truncated.schema.leaves.count).compactMap { truncated.statistics(rowGroup: 0, leaf: $0) }.map { $0.isMaxExact }
        #expect(flags.contains(false) && flags.contains(true))
        // Impala's int column: deprecated signed min/max still usable.
        let impala = try ParquetFileReader(path: Fixtures.path("ParquetTests", "data/alltypes_tiny_pages.parquet")).metadata
        let id = try #require(impala.statistics(rowGroup: 0, column: "id"))
        #expect(id.min == .int(0) && id.max == .int(7299))
    }

    @Test func projectionReadsOnlyRequestedChunks() throws {
        let reader = try ParquetFileReader(path: Fixtures.path("ParquetTests", "data/alltypes_tiny_pages_plain.parquet"))
        let all = try reader.read(rowGroup: 0)
        let one = try reader.read(rowGroup: 0, columns: ["id"])
        #expect(one.batch.schema.fields.map(\.name) == ["id"])
        #expect(one.bytesRead < all.bytesRead / 5)
        #expect(one.batch.columns[0].value(at: 0) == all.batch.columns[0].value(at: 0))
        #expect(throws: TarnError.self) { _ = try reader.read(rowGroup: 0, columns: ["nope"]) }
        #expect(throws: TarnError.self) { _ = try reader.read(rowGroup: 5) }
    }

    @Test func readBatchesBoundsBatchSize() throws {
        let reader = try ParquetFileReader(path: Fixtures.path("ParquetTests", "data/alltypes_tiny_pages.parquet"))
        let batches = try reader.readBatches(rowGroup: 0, columns: ["id", "string_col"], maxRows: 1000)
        #expect(batches.map(\.rowCount) == [1000, 1000, 1000, 1000, 1000, 1000, 1000, 300])
        #expect(try batches[7].columns[0].value(at: 299) == reader.readRowGroup(0, columns: ["id"]).columns[0].value(at: 7299))
    }

    @Test func readOptionsChangeTypes() throws {
        let path = Fixtures.path("ParquetTests", "data/alltypes_plain.parquet")
        let plain = try ParquetFileReader(path: path).schema
        #expect(plain.fields[plain.index(of: "string_col")!].type == .binary)
        #expect(plain.fields[plain.index(of: "timestamp_col")!].type == .timestamp(.nanoseconds, utc: false))
        var options = ReadOptions(int96Unit: .microseconds)
        options.binaryAsString = true
        let reader = try ParquetFileReader(path: path, options: options)
        #expect(reader.schema.fields[reader.schema.index(of: "string_col")!].type == .string)
        let batch = try reader.readRowGroup(0, columns: ["string_col", "timestamp_col"])
        #expect(batch.columns[0].value(at: 0) == .string("0"))
        #expect(batch.columns[1].value(at: 0) == .timestamp(1_235_865_600_000_000, .microseconds))
    }

    @Test func footerLongerThanTheFirstReadAsksForMore() throws {
        let bytes = try Self.write(RecordBatch(schema: Schema([Field("x", .int64)]), columns: [Self.ints([1, 2, 3])]))
        let size = Int64(bytes.count)
        let result = try ParquetMetadata.decode(tail: Array(bytes.suffix(16)), fileSize: size, name: "memory")
        guard case .needMore(let range) = result else {
            Issue.record("expected a request for more bytes")
            return
        }
        #expect(range.upperBound == size)
        #expect(try ParquetMetadata.decode(tail: Array(bytes[Int(range.lowerBound)...]), fileSize: size, name: "memory").metadata != nil)
    }

    @Test func misuseIsRejected() throws {
        let schema = Schema([Field("x", .int64, nullable: false)])
        var writer = try ParquetWriter(schema: schema, sink: MemorySink())
        #expect(throws: TarnError.self) { try writer.write(RecordBatch(schema: schema, columns: [Self.ints([1, nil])])) }
        #expect(throws: TarnError.self) {
            try writer.write(RecordBatch(schema: Schema([Field("x", .string)]), columns: [Self.strings(["a"])]))
        }
        _ = try writer.finish()
        #expect(throws: TarnError.self) {
            _ = try ParquetWriter(schema: Schema([Field("d", .decimal(precision: 40, scale: 2))]), sink: MemorySink())
        }
    }

    @Test func emptyFileAndEmptyBatches() throws {
        let schema = Schema([Field("x", .int64), Field("s", .string)])
        var writer = try ParquetWriter(schema: schema, sink: MemorySink())
        try writer.write(RecordBatch.empty(schema))
        let bytes = try writer.finish().sink.bytes
        let metadata = try Self.metadata(bytes)
        #expect(metadata.rowGroupCount == 0)
        #expect(metadata.columnarSchema.fields.map(\.name) == ["x", "s"])
        #expect(try Self.readAll(bytes).rowCount == 0)
    }

    @Test func nestedColumnsRoundTrip() throws {
        let schema = Schema([
            Field("id", .int64, nullable: false),
            Field("events", .list(Field("element", .structure([Field("kind", .string), Field("tags", .list(Field("element", .string)))])))),
            Field("attrs", .map(key: Field("key", .string, nullable: false), value: Field("value", .float64))),
        ])
        var builders = schema.fields.map { ColumnBuilder($0.type) }
        let rows: [[Value]] = [
            [.int(1), .list([.structure([.string("view"), .list([.string("a"), .null])]), .null]), .list([.structure([.string("x"), .double(1.5)])])],
            [.int(2), .null, .list([])],
            [.int(3), .list([]), .null],
            [.int(4), .list([.structure([.null, .list([])]), .structure([.string("buy"), .null])]), .list([.structure([.string("y"), .null])])],
        ]
        for row in rows { for (index, value) in row.enumerated() { builders[index].append(value) } }
        let batch = RecordBatch(schema: schema, columns: builders.map { $0.build() })
        for v2 in [false, true] {
            var options = WriteOptions()
            options.dataPageV2 = v2
            let bytes = try Self.write(batch, options: options)
            let metadata = try Self.metadata(bytes)
            #expect(metadata.schema.leaves.map(\.dottedPath) == ["id", "events.list.element.kind", "events.list.element.tags.list.element",
                                                                   "attrs.key_value.key", "attrs.key_value.value"])
            #expect(metadata.schema.fields.map(\.type) == schema.fields.map(\.type))
            let back = try Self.readAll(bytes)
            for (rowIndex, row) in rows.enumerated() {
                for (columnIndex, value) in row.enumerated() {
                    #expect(back.columns[columnIndex].value(at: rowIndex) == value, "row \(rowIndex) column \(columnIndex) v2=\(v2)")
                }
            }
        }
    }

    @Test(arguments: [CompressionCodec.uncompressed, .snappy, .gzip, .zstd, .lz4Raw])
    func everyCodecRoundTripsAllNullAndMixedColumns(_ codec: CompressionCodec) throws {
        var options = WriteOptions()
        options.compression = codec
        options.dataPageV2 = codec == .zstd
        let batch = RecordBatch(schema: Schema([Field("a", .int64), Field("b", .string)]),
                                columns: [Self.ints([nil, nil, nil]), Self.strings(["x", nil, "z"])])
        let back = try Self.readAll(try Self.write(batch, options: options))
        #expect(back.columns[0].nullCount == 3)
        #expect(back.columns[1].value(at: 2) == .string("z"))
        #expect(back.columns[1].isNull(1))
    }
}

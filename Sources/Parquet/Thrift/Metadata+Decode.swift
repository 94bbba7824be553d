import Columnar
import TarnCore

// Decoding of the parquet.thrift structures. Field ids follow the IDL exactly; unknown fields
// are skipped (the reader in `readStruct` does it for any field a closure leaves unread), and
// required fields that are missing throw with the struct's name.

extension CompactReader {
    func missing(_ field: String, in structure: String) -> TarnError {
        corrupt("\(structure).\(field) is required but missing")
    }
}

extension FileMetaData {
    /// Decodes a footer.
    /// - Parameters:
    ///   - bytes: the thrift-encoded `FileMetaData` (between the data and the length + magic).
    ///   - context: names the file in errors.
    /// - Throws: `TarnError(.corrupt)` when the bytes are not a valid footer.
    public init(thrift bytes: UnsafeRawBufferPointer, context: String) throws {
        var reader = CompactReader(bytes, context: "\(context): footer")
        try self.init(reading: &reader)
    }

    init(reading reader: inout CompactReader) throws {
        var version: Int32?, schema: [SchemaElement]?, numRows: Int64?, rowGroups: [RowGroup]?
        var keyValues: [KeyValue] = [], createdBy: String?, orders: [ColumnOrder]?
        try reader.readStruct { r, field in
            switch field.id {
            case 1: version = try r.i32(field)
            case 2: schema = try r.list(field) { r, _ in try SchemaElement(reading: &r) }
            case 3: numRows = try r.i64(field)
            case 4: rowGroups = try r.list(field) { r, _ in try RowGroup(reading: &r) }
            case 5: keyValues = try r.list(field) { r, _ in try KeyValue(reading: &r) }
            case 6: createdBy = try r.string(field)
            case 7: orders = try r.list(field) { r, _ in try ColumnOrder(reading: &r) }
            case 8: throw TarnError(.unsupported, "\(r.context): encrypted files (encryption_algorithm) are not supported")
            default: try r.skip(field.type)
            }
        }
        guard let schema else { throw reader.missing("schema", in: "FileMetaData") }
        guard let numRows else { throw reader.missing("num_rows", in: "FileMetaData") }
        guard let rowGroups else { throw reader.missing("row_groups", in: "FileMetaData") }
        self.init(version: version ?? 1, schema: schema, numRows: numRows, rowGroups: rowGroups,
                  keyValueMetadata: keyValues, createdBy: createdBy, columnOrders: orders)
    }
}

extension SchemaElement {
    init(reading reader: inout CompactReader) throws {
        var element = SchemaElement(name: "")
        var sawName = false
        var converted: Int32?
        try reader.readStruct { r, field in
            switch field.id {
            case 1:
                let raw = try r.i32(field)
                guard let type = PhysicalType(rawValue: raw) else { throw r.corrupt("invalid physical type \(raw)") }
                element.type = type
            case 2: element.typeLength = try r.i32(field)
            case 3:
                let raw = try r.i32(field)
                guard let repetition = Repetition(rawValue: raw) else {
                    throw TarnError(.unsupported, "\(r.context): repetition type \(raw) (VECTOR or unknown) is not supported")
                }
                element.repetition = repetition
            case 4:
                element.name = try r.string(field)
                sawName = true
            case 5: element.numChildren = try r.i32(field)
            case 6: converted = try r.i32(field)
            case 7: element.scale = try r.i32(field)
            case 8: element.precision = try r.i32(field)
            case 9: element.fieldID = try r.i32(field)
            case 10: element.logicalType = try LogicalType(reading: &r, field)
            default: try r.skip(field.type)
            }
        }
        guard sawName else { throw reader.missing("name", in: "SchemaElement") }
        // An unknown converted type is ignored rather than rejected: the physical type still reads.
        element.convertedType = converted.flatMap(ConvertedType.init(rawValue:))
        self = element
    }
}

extension LogicalType {
    init?(reading reader: inout CompactReader, _ outer: ThriftField) throws {
        try reader.expect(outer, .structure)
        var result: LogicalType?
        try reader.readStruct { r, field in
            func empty() throws { try r.skip(field.type) }
            switch field.id {
            case 1: try empty(); result = .string
            case 2: try empty(); result = .map
            case 3: try empty(); result = .list
            case 4: try empty(); result = .enumeration
            case 5:
                var scale: Int32?, precision: Int32?
                try r.expect(field, .structure)
                try r.readStruct { r, f in
                    switch f.id {
                    case 1: scale = try r.i32(f)
                    case 2: precision = try r.i32(f)
                    default: try r.skip(f.type)
                    }
                }
                guard let scale, let precision else { throw r.missing("scale/precision", in: "DecimalType") }
                result = .decimal(precision: Int(precision), scale: Int(scale))
            case 6: try empty(); result = .date
            case 7, 8:
                var utc: Bool?, unit: TimeUnit?
                try r.expect(field, .structure)
                try r.readStruct { r, f in
                    switch f.id {
                    case 1: utc = try r.boolValue(f)
                    case 2:
                        try r.expect(f, .structure)
                        try r.readStruct { r, u in
                            switch u.id {
                            case 1: unit = .milliseconds
                            case 2: unit = .microseconds
                            case 3: unit = .nanoseconds
                            default: break
                            }
                            try r.skip(u.type)
                        }
                    default: try r.skip(f.type)
                    }
                }
                guard let unit else {
                    result = .unknown(field.id)
                    return
                }
                result = field.id == 7 ? .time(unit, utc: utc ?? false) : .timestamp(unit, utc: utc ?? false)
            case 10:
                var width: Int8?, signed: Bool?
                try r.expect(field, .structure)
                try r.readStruct { r, f in
                    switch f.id {
                    case 1: width = try r.i8(f)
                    case 2: signed = try r.boolValue(f)
                    default: try r.skip(f.type)
                    }
                }
                guard let width, let signed, [8, 16, 32, 64].contains(width) else {
                    throw r.corrupt("IntType needs bitWidth 8/16/32/64 and isSigned, got \(String(describing: width))")
                }
                result = .integer(bitWidth: Int(width), signed: signed)
            case 11: try empty(); result = .null
            case 12: try empty(); result = .json
            case 13: try empty(); result = .bson
            case 14: try empty(); result = .uuid
            case 15: try empty(); result = .float16
            default:
                try empty()
                result = .unknown(field.id)
            }
        }
        guard let result else { return nil }
        self = result
    }
}

extension ColumnOrder {
    init(reading reader: inout CompactReader) throws {
        var order = ColumnOrder.unknown(0)
        try reader.readStruct { r, field in
            switch field.id {
            case 1: order = .typeDefined
            case 2: order = .ieee754TotalOrder
            case 3: order = .int96Timestamp
            default: order = .unknown(field.id)
            }
            try r.skip(field.type)
        }
        self = order
    }
}

extension KeyValue {
    init(reading reader: inout CompactReader) throws {
        var key: String?, value: String?
        try reader.readStruct { r, field in
            switch field.id {
            case 1: key = try r.string(field)
            case 2: value = try r.string(field)
            default: try r.skip(field.type)
            }
        }
        guard let key else { throw reader.missing("key", in: "KeyValue") }
        self.init(key: key, value: value)
    }
}

extension RowGroup {
    init(reading reader: inout CompactReader) throws {
        var columns: [ColumnChunk]?, totalByteSize: Int64?, numRows: Int64?
        var sorting: [SortingColumn] = [], fileOffset: Int64?, totalCompressed: Int64?, ordinal: Int16?
        try reader.readStruct { r, field in
            switch field.id {
            case 1: columns = try r.list(field) { r, _ in try ColumnChunk(reading: &r) }
            case 2: totalByteSize = try r.i64(field)
            case 3: numRows = try r.i64(field)
            case 4: sorting = try r.list(field) { r, _ in try SortingColumn(reading: &r) }
            case 5: fileOffset = try r.i64(field)
            case 6: totalCompressed = try r.i64(field)
            case 7: ordinal = try r.i16(field)
            default: try r.skip(field.type)
            }
        }
        guard let columns else { throw reader.missing("columns", in: "RowGroup") }
        guard let numRows else { throw reader.missing("num_rows", in: "RowGroup") }
        guard numRows >= 0 else { throw reader.corrupt("RowGroup.num_rows is negative (\(numRows))") }
        self.init(columns: columns, totalByteSize: totalByteSize ?? 0, numRows: numRows, sortingColumns: sorting,
                  fileOffset: fileOffset, totalCompressedSize: totalCompressed, ordinal: ordinal)
    }
}

extension SortingColumn {
    init(reading reader: inout CompactReader) throws {
        var index: Int32 = 0, descending = false, nullsFirst = false
        try reader.readStruct { r, field in
            switch field.id {
            case 1: index = try r.i32(field)
            case 2: descending = try r.boolValue(field)
            case 3: nullsFirst = try r.boolValue(field)
            default: try r.skip(field.type)
            }
        }
        self.init(columnIndex: index, descending: descending, nullsFirst: nullsFirst)
    }
}

extension ColumnChunk {
    init(reading reader: inout CompactReader) throws {
        var chunk = ColumnChunk(metaData: ColumnMetaData(
            type: .int32, encodings: [], pathInSchema: [], codec: CodecID(rawValue: 0), numValues: 0,
            totalUncompressedSize: 0, totalCompressedSize: 0, dataPageOffset: 0))
        chunk.metaData = nil
        try reader.readStruct { r, field in
            switch field.id {
            case 1: chunk.filePath = try r.string(field)
            case 2: chunk.fileOffset = try r.i64(field)
            case 3:
                try r.expect(field, .structure)
                chunk.metaData = try ColumnMetaData(reading: &r)
            case 4: chunk.offsetIndexOffset = try r.i64(field)
            case 5: chunk.offsetIndexLength = try r.i32(field)
            case 6: chunk.columnIndexOffset = try r.i64(field)
            case 7: chunk.columnIndexLength = try r.i32(field)
            case 8, 9:
                chunk.isEncrypted = true
                try r.skip(field.type)
            default: try r.skip(field.type)
            }
        }
        self = chunk
    }
}

extension ColumnMetaData {
    init(reading reader: inout CompactReader) throws {
        var type: PhysicalType?, encodings: [Encoding] = [], path: [String]?, codec: Int32?, numValues: Int64?
        var uncompressed: Int64?, compressed: Int64?, keyValues: [KeyValue] = [], dataPageOffset: Int64?
        var indexPageOffset: Int64?, dictionaryPageOffset: Int64?, statistics: Statistics?
        var encodingStats: [PageEncodingStats] = [], bloomOffset: Int64?, bloomLength: Int32?
        try reader.readStruct { r, field in
            switch field.id {
            case 1:
                let raw = try r.i32(field)
                guard let physical = PhysicalType(rawValue: raw) else { throw r.corrupt("invalid physical type \(raw)") }
                type = physical
            case 2: encodings = try r.i32List(field).map(Encoding.init(rawValue:))
            case 3: path = try r.stringList(field)
            case 4: codec = try r.i32(field)
            case 5: numValues = try r.i64(field)
            case 6: uncompressed = try r.i64(field)
            case 7: compressed = try r.i64(field)
            case 8: keyValues = try r.list(field) { r, _ in try KeyValue(reading: &r) }
            case 9: dataPageOffset = try r.i64(field)
            case 10: indexPageOffset = try r.i64(field)
            case 11: dictionaryPageOffset = try r.i64(field)
            case 12:
                try r.expect(field, .structure)
                statistics = try Statistics(reading: &r)
            case 13: encodingStats = try r.list(field) { r, _ in try PageEncodingStats(reading: &r) }
            case 14: bloomOffset = try r.i64(field)
            case 15: bloomLength = try r.i32(field)
            default: try r.skip(field.type)
            }
        }
        guard let type else { throw reader.missing("type", in: "ColumnMetaData") }
        guard let path else { throw reader.missing("path_in_schema", in: "ColumnMetaData") }
        guard let codec else { throw reader.missing("codec", in: "ColumnMetaData") }
        guard let numValues, numValues >= 0 else { throw reader.corrupt("ColumnMetaData.num_values missing or negative") }
        guard let compressed, compressed >= 0 else { throw reader.corrupt("ColumnMetaData.total_compressed_size missing or negative") }
        guard let dataPageOffset, dataPageOffset >= 0 else { throw reader.corrupt("ColumnMetaData.data_page_offset missing or negative") }
        self.init(type: type, encodings: encodings, pathInSchema: path, codec: CodecID(rawValue: codec), numValues: numValues,
                  totalUncompressedSize: uncompressed ?? 0, totalCompressedSize: compressed, dataPageOffset: dataPageOffset,
                  dictionaryPageOffset: dictionaryPageOffset, statistics: statistics, keyValueMetadata: keyValues,
                  encodingStats: encodingStats)
        self.indexPageOffset = indexPageOffset
        self.bloomFilterOffset = bloomOffset
        self.bloomFilterLength = bloomLength
    }
}

extension PageEncodingStats {
    init(reading reader: inout CompactReader) throws {
        var type: Int32 = 0, encoding: Int32 = 0, count: Int32 = 0
        try reader.readStruct { r, field in
            switch field.id {
            case 1: type = try r.i32(field)
            case 2: encoding = try r.i32(field)
            case 3: count = try r.i32(field)
            default: try r.skip(field.type)
            }
        }
        self.init(pageType: PageType(rawValue: type), encoding: Encoding(rawValue: encoding), count: count)
    }
}

extension Statistics {
    init(reading reader: inout CompactReader) throws {
        var s = Statistics()
        try reader.readStruct { r, field in
            switch field.id {
            case 1: s.max = try r.binary(field)
            case 2: s.min = try r.binary(field)
            case 3: s.nullCount = try r.i64(field)
            case 4: s.distinctCount = try r.i64(field)
            case 5: s.maxValue = try r.binary(field)
            case 6: s.minValue = try r.binary(field)
            case 7: s.isMaxValueExact = try r.boolValue(field)
            case 8: s.isMinValueExact = try r.boolValue(field)
            case 9: s.nanCount = try r.i64(field)
            default: try r.skip(field.type)
            }
        }
        self = s
    }
}

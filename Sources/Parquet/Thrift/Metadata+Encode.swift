import Columnar

// Encoding of the parquet.thrift structures the writer emits. Fields are written in ascending
// id order, as the compact protocol's delta field ids require.

extension FileMetaData {
    /// The thrift compact encoding of the footer.
    public func thriftEncoded() -> [UInt8] {
        var w = CompactWriter(capacity: 1024)
        w.beginStruct()
        w.field(1, i32: version)
        w.field(2, structList: schema) { w, element in element.encode(&w) }
        w.field(3, i64: numRows)
        w.field(4, structList: rowGroups) { w, group in group.encode(&w) }
        if !keyValueMetadata.isEmpty { w.field(5, structList: keyValueMetadata) { w, kv in kv.encode(&w) } }
        if let createdBy { w.field(6, string: createdBy) }
        if let columnOrders {
            w.field(7, structList: columnOrders) { w, order in
                let id: Int16
                switch order {
                case .typeDefined: id = 1
                case .ieee754TotalOrder: id = 2
                case .int96Timestamp: id = 3
                case .unknown(let other): id = other
                }
                w.field(id) { _ in }
            }
        }
        w.endStruct()
        return w.bytes
    }
}

extension SchemaElement {
    func encode(_ w: inout CompactWriter) {
        if let type { w.field(1, i32: type.rawValue) }
        if let typeLength { w.field(2, i32: typeLength) }
        if let repetition { w.field(3, i32: repetition.rawValue) }
        w.field(4, string: name)
        if let numChildren { w.field(5, i32: numChildren) }
        if let convertedType { w.field(6, i32: convertedType.rawValue) }
        if let scale { w.field(7, i32: scale) }
        if let precision { w.field(8, i32: precision) }
        if let fieldID { w.field(9, i32: fieldID) }
        if let logicalType { w.field(10) { w in logicalType.encode(&w) } }
    }
}

extension LogicalType {
    func encode(_ w: inout CompactWriter) {
        func unit(_ w: inout CompactWriter, _ unit: TimeUnit) {
            w.field(2) { w in
                switch unit {
                case .milliseconds: w.field(1) { _ in }
                case .microseconds: w.field(2) { _ in }
                // Parquet has no seconds unit; the writer converts seconds to milliseconds first.
                case .nanoseconds, .seconds: w.field(3) { _ in }
                }
            }
        }
        switch self {
        case .string: w.field(1) { _ in }
        case .map: w.field(2) { _ in }
        case .list: w.field(3) { _ in }
        case .enumeration: w.field(4) { _ in }
        case .decimal(let precision, let scale):
            w.field(5) { w in
                w.field(1, i32: Int32(scale))
                w.field(2, i32: Int32(precision))
            }
        case .date: w.field(6) { _ in }
        case .time(let u, let utc):
            w.field(7) { w in
                w.field(1, bool: utc)
                unit(&w, u)
            }
        case .timestamp(let u, let utc):
            w.field(8) { w in
                w.field(1, bool: utc)
                unit(&w, u)
            }
        case .integer(let width, let signed):
            w.field(10) { w in
                w.field(1, i8: Int8(width))
                w.field(2, bool: signed)
            }
        case .null: w.field(11) { _ in }
        case .json: w.field(12) { _ in }
        case .bson: w.field(13) { _ in }
        case .uuid: w.field(14) { _ in }
        case .float16: w.field(15) { _ in }
        case .unknown(let id): w.field(id) { _ in }
        }
    }
}

extension KeyValue {
    func encode(_ w: inout CompactWriter) {
        w.field(1, string: key)
        if let value { w.field(2, string: value) }
    }
}

extension RowGroup {
    func encode(_ w: inout CompactWriter) {
        w.field(1, structList: columns) { w, chunk in chunk.encode(&w) }
        w.field(2, i64: totalByteSize)
        w.field(3, i64: numRows)
        if !sortingColumns.isEmpty {
            w.field(4, structList: sortingColumns) { w, column in
                w.field(1, i32: column.columnIndex)
                w.field(2, bool: column.descending)
                w.field(3, bool: column.nullsFirst)
            }
        }
        if let fileOffset { w.field(5, i64: fileOffset) }
        if let totalCompressedSize { w.field(6, i64: totalCompressedSize) }
        if let ordinal { w.field(7, i16: ordinal) }
    }
}

extension ColumnChunk {
    func encode(_ w: inout CompactWriter) {
        if let filePath { w.field(1, string: filePath) }
        w.field(2, i64: fileOffset)
        if let metaData { w.field(3) { w in metaData.encode(&w) } }
    }
}

extension ColumnMetaData {
    func encode(_ w: inout CompactWriter) {
        w.field(1, i32: type.rawValue)
        w.field(2, i32List: encodings.map(\.rawValue))
        w.field(3, stringList: pathInSchema)
        w.field(4, i32: codec.rawValue)
        w.field(5, i64: numValues)
        w.field(6, i64: totalUncompressedSize)
        w.field(7, i64: totalCompressedSize)
        if !keyValueMetadata.isEmpty { w.field(8, structList: keyValueMetadata) { w, kv in kv.encode(&w) } }
        w.field(9, i64: dataPageOffset)
        if let indexPageOffset { w.field(10, i64: indexPageOffset) }
        if let dictionaryPageOffset { w.field(11, i64: dictionaryPageOffset) }
        if let statistics { w.field(12) { w in statistics.encode(&w) } }
        if !encodingStats.isEmpty {
            w.field(13, structList: encodingStats) { w, stats in
                w.field(1, i32: stats.pageType.rawValue)
                w.field(2, i32: stats.encoding.rawValue)
                w.field(3, i32: stats.count)
            }
        }
    }
}

extension Statistics {
    func encode(_ w: inout CompactWriter) {
        if let max { w.field(1, binary: max) }
        if let min { w.field(2, binary: min) }
        if let nullCount { w.field(3, i64: nullCount) }
        if let distinctCount { w.field(4, i64: distinctCount) }
        if let maxValue { w.field(5, binary: maxValue) }
        if let minValue { w.field(6, binary: minValue) }
        if let isMaxValueExact { w.field(7, bool: isMaxValueExact) }
        if let isMinValueExact { w.field(8, bool: isMinValueExact) }
        if let nanCount { w.field(9, i64: nanCount) }
    }
}

extension PageHeader {
    /// The thrift compact encoding of the header.
    public func thriftEncoded() -> [UInt8] {
        var w = CompactWriter(capacity: 64)
        w.beginStruct()
        w.field(1, i32: type.rawValue)
        w.field(2, i32: uncompressedPageSize)
        w.field(3, i32: compressedPageSize)
        if let crc { w.field(4, i32: crc) }
        if let v1 = dataPageHeader {
            w.field(5) { w in
                w.field(1, i32: v1.numValues)
                w.field(2, i32: v1.encoding.rawValue)
                w.field(3, i32: v1.definitionLevelEncoding.rawValue)
                w.field(4, i32: v1.repetitionLevelEncoding.rawValue)
                if let statistics = v1.statistics { w.field(5) { w in statistics.encode(&w) } }
            }
        }
        if let dictionary = dictionaryPageHeader {
            w.field(7) { w in
                w.field(1, i32: dictionary.numValues)
                w.field(2, i32: dictionary.encoding.rawValue)
                if let sorted = dictionary.isSorted { w.field(3, bool: sorted) }
            }
        }
        if let v2 = dataPageHeaderV2 {
            w.field(8) { w in
                w.field(1, i32: v2.numValues)
                w.field(2, i32: v2.numNulls)
                w.field(3, i32: v2.numRows)
                w.field(4, i32: v2.encoding.rawValue)
                w.field(5, i32: v2.definitionLevelsByteLength)
                w.field(6, i32: v2.repetitionLevelsByteLength)
                w.field(7, bool: v2.isCompressed)
                if let statistics = v2.statistics { w.field(8) { w in statistics.encode(&w) } }
            }
        }
        w.endStruct()
        return w.bytes
    }
}

import TarnCore

// Decoding of page headers (parquet.thrift `PageHeader` and its per-kind headers).

extension PageHeader {
    /// Decodes a page header from the front of `bytes`.
    /// - Returns: the header and the number of bytes it occupied.
    /// - Throws: `TarnError(.corrupt)` naming `context` when the header is malformed or truncated.
    public static func decode(_ bytes: UnsafeRawBufferPointer, context: String) throws -> (PageHeader, Int) {
        var reader = CompactReader(bytes, context: context)
        let header = try PageHeader(reading: &reader)
        return (header, reader.position)
    }

    init(reading reader: inout CompactReader) throws {
        var type: Int32?, uncompressed: Int32?, compressed: Int32?, crc: Int32?
        var v1: DataPageHeader?, v2: DataPageHeaderV2?, dictionary: DictionaryPageHeader?
        try reader.readStruct { r, field in
            switch field.id {
            case 1: type = try r.i32(field)
            case 2: uncompressed = try r.i32(field)
            case 3: compressed = try r.i32(field)
            case 4: crc = try r.i32(field)
            case 5:
                try r.expect(field, .structure)
                v1 = try DataPageHeader(reading: &r)
            case 7:
                try r.expect(field, .structure)
                dictionary = try DictionaryPageHeader(reading: &r)
            case 8:
                try r.expect(field, .structure)
                v2 = try DataPageHeaderV2(reading: &r)
            default: try r.skip(field.type)
            }
        }
        guard let type else { throw reader.missing("type", in: "PageHeader") }
        guard let uncompressed, uncompressed >= 0 else { throw reader.corrupt("PageHeader.uncompressed_page_size missing or negative") }
        guard let compressed, compressed >= 0 else { throw reader.corrupt("PageHeader.compressed_page_size missing or negative") }
        self.init(type: PageType(rawValue: type), uncompressedPageSize: uncompressed, compressedPageSize: compressed, crc: crc)
        dataPageHeader = v1
        dataPageHeaderV2 = v2
        dictionaryPageHeader = dictionary
    }
}

extension DataPageHeader {
    init(reading reader: inout CompactReader) throws {
        var numValues: Int32?, encoding: Int32?, defEncoding: Int32 = 3, repEncoding: Int32 = 3, statistics: Statistics?
        try reader.readStruct { r, field in
            switch field.id {
            case 1: numValues = try r.i32(field)
            case 2: encoding = try r.i32(field)
            case 3: defEncoding = try r.i32(field)
            case 4: repEncoding = try r.i32(field)
            case 5:
                try r.expect(field, .structure)
                statistics = try Statistics(reading: &r)
            default: try r.skip(field.type)
            }
        }
        guard let numValues, numValues >= 0 else { throw reader.corrupt("DataPageHeader.num_values missing or negative") }
        guard let encoding else { throw reader.missing("encoding", in: "DataPageHeader") }
        self.init(numValues: numValues, encoding: Encoding(rawValue: encoding), definitionLevelEncoding: Encoding(rawValue: defEncoding),
                  repetitionLevelEncoding: Encoding(rawValue: repEncoding), statistics: statistics)
    }
}

extension DataPageHeaderV2 {
    init(reading reader: inout CompactReader) throws {
        var numValues: Int32?, numNulls: Int32?, numRows: Int32?, encoding: Int32?, defLength: Int32?, repLength: Int32?
        var compressed = true, statistics: Statistics?
        try reader.readStruct { r, field in
            switch field.id {
            case 1: numValues = try r.i32(field)
            case 2: numNulls = try r.i32(field)
            case 3: numRows = try r.i32(field)
            case 4: encoding = try r.i32(field)
            case 5: defLength = try r.i32(field)
            case 6: repLength = try r.i32(field)
            case 7: compressed = try r.boolValue(field)
            case 8:
                try r.expect(field, .structure)
                statistics = try Statistics(reading: &r)
            default: try r.skip(field.type)
            }
        }
        guard let numValues, let numNulls, let numRows, let encoding, let defLength, let repLength,
              numValues >= 0, numNulls >= 0, numNulls <= numValues, numRows >= 0, defLength >= 0, repLength >= 0
        else { throw reader.corrupt("DataPageHeaderV2 has missing or negative counts") }
        self.init(numValues: numValues, numNulls: numNulls, numRows: numRows, encoding: Encoding(rawValue: encoding),
                  definitionLevelsByteLength: defLength, repetitionLevelsByteLength: repLength, isCompressed: compressed,
                  statistics: statistics)
    }
}

extension DictionaryPageHeader {
    init(reading reader: inout CompactReader) throws {
        var numValues: Int32?, encoding: Int32 = 0, sorted: Bool?
        try reader.readStruct { r, field in
            switch field.id {
            case 1: numValues = try r.i32(field)
            case 2: encoding = try r.i32(field)
            case 3: sorted = try r.boolValue(field)
            default: try r.skip(field.type)
            }
        }
        guard let numValues, numValues >= 0 else { throw reader.corrupt("DictionaryPageHeader.num_values missing or negative") }
        self.init(numValues: numValues, encoding: Encoding(rawValue: encoding), isSorted: sorted)
    }
}

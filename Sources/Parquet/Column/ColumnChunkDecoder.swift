import Codecs
import TarnCore

/// Decodes the pages of one column chunk into levels and dense values.
///
/// The chunk's bytes come from the caller (a file read or an S3 range GET); nothing here does
/// I/O. One decompression buffer and one index buffer are reused across the chunk's pages.
struct ColumnChunkDecoder {
    let leaf: LeafColumn
    let codec: CompressionCodec
    let options: ReadOptions
    /// "file: row group 2, column 'a.b'", prefixed to every error.
    let context: String

    private var pageBuffer: [UInt8] = []
    var indexBuffer: [UInt32] = []
    var dictionary: ValueBuffer?
    private var pageIndex = 0
    /// The dictionary index of every value decoded so far, kept for flat byte-array chunks while
    /// all their data pages are dictionary-encoded (a writer may fall back to PLAIN pages in the
    /// middle of a chunk: then the chunk has no usable dictionary and this becomes nil).
    var valueIndices: [Int32]?

    init(leaf: LeafColumn, codec: CompressionCodec, options: ReadOptions, context: String) {
        self.leaf = leaf
        self.codec = codec
        self.options = options
        self.context = context
    }

    /// Decodes all pages of a chunk.
    /// - Parameters:
    ///   - chunk: the chunk's bytes (from its first page header to its end).
    ///   - numValues: `ColumnMetaData.num_values`, the number of level entries expected.
    /// - Throws: `TarnError(.corrupt)` naming the file, column and page on malformed data.
    mutating func decode(_ chunk: UnsafeRawBufferPointer, numValues: Int) throws -> DecodedLeaf {
        var values = ValueBuffer(physical: leaf.physicalType, width: leaf.typeLength)
        values.int96Unit = options.int96Unit
        // Reserve from what the metadata promises, but no more than the chunk could plausibly
        // hold, so a corrupt footer cannot make us allocate gigabytes up front.
        let expected = Swift.min(numValues, chunk.count * 8 + 1024)
        values.reserve(expected)
        valueIndices = leaf.physicalType == .byteArray && leaf.maxRepetitionLevel == 0 ? [] : nil
        valueIndices?.reserveCapacity(expected)
        var definition: [Int16]? = leaf.maxDefinitionLevel > 0 ? [] : nil
        var repetition: [Int16]? = leaf.maxRepetitionLevel > 0 ? [] : nil
        definition?.reserveCapacity(expected)
        repetition?.reserveCapacity(expected)
        var entries = 0
        var position = 0
        while entries < numValues {
            guard position < chunk.count else {
                throw TarnError(.corrupt, "\(context): column chunk ends after \(entries) of \(numValues) values (\(chunk.count) bytes)")
            }
            let pageContext = "\(context), page \(pageIndex) at chunk offset \(position)"
            let (header, headerLength) = try PageHeader.decode(UnsafeRawBufferPointer(rebasing: chunk[position...]), context: pageContext)
            position += headerLength
            let size = Int(header.compressedPageSize)
            guard size <= chunk.count - position else {
                throw TarnError(.corrupt, "\(pageContext): page of \(size) bytes runs past the chunk end (\(chunk.count - position) bytes remain)")
            }
            guard Int(header.uncompressedPageSize) <= options.maxPageSize else {
                throw TarnError(.limitExceeded, "\(pageContext): page claims \(header.uncompressedPageSize) uncompressed bytes (limit \(options.maxPageSize))")
            }
            let page = UnsafeRawBufferPointer(rebasing: chunk[position..<position + size])
            position += size
            let pageValues = Int(header.dataPageHeader?.numValues ?? header.dataPageHeaderV2?.numValues ?? 0)
            guard pageValues <= options.maxPageValues else {
                throw TarnError(.limitExceeded, "\(pageContext): page claims \(pageValues) values (limit \(options.maxPageValues))")
            }
            guard pageValues <= numValues - entries else {
                throw TarnError(.corrupt, "\(pageContext): page holds \(pageValues) values, only \(numValues - entries) of the chunk's \(numValues) remain")
            }
            if options.verifyChecksums, let crc = header.crc {
                var checksum = CRC32()
                checksum.update(page)
                guard checksum.value == UInt32(bitPattern: crc) else {
                    throw TarnError(.corrupt, "\(pageContext): CRC mismatch (stored \(UInt32(bitPattern: crc)), computed \(checksum.value))")
                }
            }
            switch header.type {
            case .dictionaryPage:
                try decodeDictionaryPage(header, page, context: pageContext)
            case .dataPage:
                entries += try decodeDataPageV1(header, page, values: &values, definition: &definition, repetition: &repetition, context: pageContext)
            case .dataPageV2:
                entries += try decodeDataPageV2(header, page, values: &values, definition: &definition, repetition: &repetition, context: pageContext)
            default:
                break  // Index pages and unknown page types carry nothing we need.
            }
            pageIndex += 1
        }
        var decoded = DecodedLeaf(values: values, definitionLevels: definition, repetitionLevels: repetition, entryCount: entries)
        if let dictionary, let valueIndices, valueIndices.count == values.count, dictionary.count > 0 {
            decoded.dictionary = dictionary
            decoded.dictionaryIndices = valueIndices
        }
        return decoded
    }

    // MARK: Pages

    private mutating func decodeDictionaryPage(_ header: PageHeader, _ page: UnsafeRawBufferPointer, context: String) throws {
        guard let dictionaryHeader = header.dictionaryPageHeader else { throw TarnError(.corrupt, "\(context): dictionary page without its header") }
        guard dictionary == nil else { throw TarnError(.corrupt, "\(context): second dictionary page in one column chunk") }
        guard dictionaryHeader.encoding == .plain || dictionaryHeader.encoding == .plainDictionary else {
            throw TarnError(.unsupported, "\(context): dictionary page encoding \(dictionaryHeader.encoding)")
        }
        let bytes = try decompress(page, uncompressedSize: Int(header.uncompressedPageSize), context: context)
        var entries = ValueBuffer(physical: leaf.physicalType, width: leaf.typeLength)
        entries.int96Unit = options.int96Unit
        let count = Int(dictionaryHeader.numValues)
        try withBytes(bytes, page) { raw in
            _ = try PlainDecoder.decode(raw, count: count, into: &entries, context: "\(context) (dictionary)")
        }
        if leaf.physicalType == .byteArray {
            // Padding past the last entry for the word-sized copies in `DictionaryGather`.
            entries.data.append(contentsOf: repeatElement(0, count: DictionaryGather.copyPadding))
        }
        dictionary = entries
    }

    private mutating func decodeDataPageV1(
        _ header: PageHeader, _ page: UnsafeRawBufferPointer, values: inout ValueBuffer,
        definition: inout [Int16]?, repetition: inout [Int16]?, context: String
    ) throws -> Int {
        guard let v1 = header.dataPageHeader else { throw TarnError(.corrupt, "\(context): data page without its header") }
        let count = Int(v1.numValues)
        let bytes = try decompress(page, uncompressedSize: Int(header.uncompressedPageSize), context: context)
        return try withBytes(bytes, page) { raw in
            var offset = 0
            if repetition != nil {
                offset += try decodeLevelsV1(raw, from: offset, count: count, maximum: leaf.maxRepetitionLevel,
                                             encoding: v1.repetitionLevelEncoding, into: &repetition!, context: "\(context) repetition levels")
            }
            var present = count
            if definition != nil {
                let start = definition!.count
                offset += try decodeLevelsV1(raw, from: offset, count: count, maximum: leaf.maxDefinitionLevel,
                                             encoding: v1.definitionLevelEncoding, into: &definition!, context: "\(context) definition levels")
                present = try countPresent(definition!, from: start, context: context)
            }
            try decodeValues(UnsafeRawBufferPointer(rebasing: raw[offset...]), encoding: v1.encoding, count: present, into: &values, context: context)
            return count
        }
    }

    private mutating func decodeDataPageV2(
        _ header: PageHeader, _ page: UnsafeRawBufferPointer, values: inout ValueBuffer,
        definition: inout [Int16]?, repetition: inout [Int16]?, context: String
    ) throws -> Int {
        guard let v2 = header.dataPageHeaderV2 else { throw TarnError(.corrupt, "\(context): v2 data page without its header") }
        let count = Int(v2.numValues)
        let repLength = Int(v2.repetitionLevelsByteLength), defLength = Int(v2.definitionLevelsByteLength)
        guard repLength + defLength <= page.count, repLength + defLength <= Int(header.uncompressedPageSize) else {
            throw TarnError(.corrupt, "\(context): level sections of \(repLength + defLength) bytes exceed the page (\(page.count) bytes)")
        }
        // "repetition levels and definition levels are always using RLE (without size in it)" and
        // are stored uncompressed in front of the values.
        if repetition != nil {
            try decodeRLELevels(UnsafeRawBufferPointer(rebasing: page[0..<repLength]), count: count,
                                maximum: leaf.maxRepetitionLevel, into: &repetition!, context: "\(context) repetition levels")
        }
        var present = count
        if definition != nil {
            let start = definition!.count
            try decodeRLELevels(UnsafeRawBufferPointer(rebasing: page[repLength..<repLength + defLength]), count: count,
                                maximum: leaf.maxDefinitionLevel, into: &definition!, context: "\(context) definition levels")
            present = try countPresent(definition!, from: start, context: context)
        }
        guard count - present == Int(v2.numNulls) || definition == nil else {
            throw TarnError(.corrupt, "\(context): header says \(v2.numNulls) nulls, definition levels say \(count - present)")
        }
        let valuesSection = UnsafeRawBufferPointer(rebasing: page[(repLength + defLength)...])
        let valuesSize = Int(header.uncompressedPageSize) - repLength - defLength
        if v2.isCompressed && codec != .uncompressed {
            let bytes = try decompress(valuesSection, uncompressedSize: valuesSize, context: context)
            try withBytes(bytes, valuesSection) { raw in
                try decodeValues(raw, encoding: v2.encoding, count: present, into: &values, context: context)
            }
        } else {
            try decodeValues(valuesSection, encoding: v2.encoding, count: present, into: &values, context: context)
        }
        return count
    }

    /// Whether `decompress` put the page in `pageBuffer` (true) or the page is used in place.
    private mutating func decompress(_ page: UnsafeRawBufferPointer, uncompressedSize: Int, context: String) throws -> Bool {
        if codec == .uncompressed { return false }
        do {
            try codec.decompress(page, into: &pageBuffer, uncompressedSize: uncompressedSize)
        } catch let error as TarnError {
            throw TarnError(error.code, "\(context): \(error.message)")
        }
        return true
    }

    private func withBytes<R>(_ decompressed: Bool, _ page: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        if decompressed { return try pageBuffer.withUnsafeBytes(body) }
        return try body(page)
    }

    // MARK: Levels

    /// Decodes v1 levels at `offset`; returns the bytes they took.
    private func decodeLevelsV1(
        _ raw: UnsafeRawBufferPointer, from offset: Int, count: Int, maximum: Int, encoding: Encoding,
        into levels: inout [Int16], context: String
    ) throws -> Int {
        let width = bitWidth(forMaximum: maximum)
        switch encoding {
        case .rle:
            // v1 RLE levels carry the hybrid's `<length>`: a 4-byte little-endian byte count.
            guard raw.count - offset >= 4 else { throw TarnError(.corrupt, "\(context): missing 4-byte length") }
            let length = Int(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
            guard length <= raw.count - offset - 4 else {
                throw TarnError(.corrupt, "\(context): length \(length) exceeds the \(raw.count - offset - 4) bytes left in the page")
            }
            try decodeRLELevels(UnsafeRawBufferPointer(rebasing: raw[(offset + 4)..<(offset + 4 + length)]), count: count,
                                maximum: maximum, into: &levels, context: context)
            return 4 + length
        case .bitPacked:
            let length = (count * width + 7) / 8
            guard length <= raw.count - offset else { throw TarnError(.corrupt, "\(context): BIT_PACKED levels need \(length) bytes") }
            let start = levels.count
            levels.append(contentsOf: repeatElement(0, count: count))
            levels.withUnsafeMutableBufferPointer { out in
                BitUnpacking.unpackMSBFirst(UnsafeRawBufferPointer(rebasing: raw[offset..<offset + length]), bitWidth: width,
                                            count: count, into: out.baseAddress! + start)
            }
            try checkLevels(levels, from: start, maximum: maximum, context: context)
            return length
        default:
            throw TarnError(.unsupported, "\(context): level encoding \(encoding)")
        }
    }

    private func decodeRLELevels(_ raw: UnsafeRawBufferPointer, count: Int, maximum: Int, into levels: inout [Int16], context: String) throws {
        var decoder = try RLEHybridDecoder(raw, bitWidth: bitWidth(forMaximum: maximum), context: context)
        let start = levels.count
        levels.append(contentsOf: repeatElement(0, count: count))
        try levels.withUnsafeMutableBufferPointer { out in
            try decoder.decode(into: out.baseAddress! + start, count: count)
        }
        try checkLevels(levels, from: start, maximum: maximum, context: context)
    }

    private func checkLevels(_ levels: [Int16], from start: Int, maximum: Int, context: String) throws {
        var largest: Int16 = 0
        for index in start..<levels.count { largest = Swift.max(largest, levels[index]) }
        guard Int(largest) <= maximum else { throw TarnError(.corrupt, "\(context): level \(largest) above the maximum \(maximum)") }
    }

    private func countPresent(_ definition: [Int16], from start: Int, context: String) throws -> Int {
        let maximum = Int16(leaf.maxDefinitionLevel)
        // Branch-free over a raw buffer so the loop vectorizes (a filtered `for … where` did not).
        return definition.withUnsafeBufferPointer { levels in
            var present = 0
            for index in start..<levels.count { present &+= levels[index] == maximum ? 1 : 0 }
            return present
        }
    }
}

import Codecs
import Columnar
import TarnCore

/// The encoded form of a finished column chunk.
struct EncodedChunk {
    /// Dictionary page (header + body), empty when no dictionary was used.
    var dictionaryPage: [UInt8]
    /// Data pages (headers + bodies).
    var dataPages: [UInt8]
    /// Uncompressed size of all pages including headers.
    var uncompressedSize: Int64
    var encodings: [Encoding]
    var encodingStats: [PageEncodingStats]
    var statistics: Statistics?
    var valueCount: Int64
}

extension ColumnChunkWriter {
    /// Closes the open page (if it has entries) into `pages`.
    mutating func flushPage() throws {
        guard pageEntries > 0 else { return }
        let dictionaryEncoded = usesDictionary
        let encoding: Encoding = dictionaryEncoded ? .rleDictionary : .plain
        // Values section.
        var values: [UInt8] = []
        if dictionaryEncoded {
            let width = bitWidth(forMaximum: Swift.max(0, dictionaryCount - 1))
            values.append(UInt8(width))
            pageIndices.withUnsafeBufferPointer { RLEHybridEncoder.encode($0, bitWidth: width, into: &values) }
        } else if leaf.physical == .boolean {
            PlainEncoder.appendBools(pageBools, into: &values)
        } else {
            values = pagePlain
        }
        // Levels: repetition (lists only), then definition, each at the width of its maximum.
        var repetitionLevels: [UInt8] = []
        if leaf.maxRepetition > 0 {
            pageRepetition.withUnsafeBufferPointer {
                RLEHybridEncoder.encode($0, bitWidth: bitWidth(forMaximum: leaf.maxRepetition), into: &repetitionLevels)
            }
        }
        var levels: [UInt8] = []
        if nullable {
            pageDefinition.withUnsafeBufferPointer { RLEHybridEncoder.encode($0, bitWidth: bitWidth(forMaximum: leaf.maxDefinition), into: &levels) }
        }

        var header: PageHeader
        if options.dataPageV2 {
            try compressValues(values)
            let body = repetitionLevels.count + levels.count + compressedOutput.count
            header = PageHeader(type: .dataPageV2, uncompressedPageSize: Int32(repetitionLevels.count + levels.count + values.count),
                                compressedPageSize: Int32(body))
            header.dataPageHeaderV2 = DataPageHeaderV2(
                numValues: Int32(pageEntries), numNulls: Int32(pageNulls), numRows: Int32(pageRows), encoding: encoding,
                definitionLevelsByteLength: Int32(levels.count), repetitionLevelsByteLength: Int32(repetitionLevels.count),
                isCompressed: options.compression != .uncompressed)
            appendPage(header, [repetitionLevels, levels, compressedOutput])
        } else {
            var body: [UInt8] = []
            body.reserveCapacity(repetitionLevels.count + levels.count + 8 + values.count)
            if leaf.maxRepetition > 0 {
                withUnsafeBytes(of: UInt32(repetitionLevels.count).littleEndian) { body.append(contentsOf: $0) }
                body.append(contentsOf: repetitionLevels)
            }
            if nullable {
                withUnsafeBytes(of: UInt32(levels.count).littleEndian) { body.append(contentsOf: $0) }
                body.append(contentsOf: levels)
            }
            body.append(contentsOf: values)
            try compressValues(body)
            header = PageHeader(type: .dataPage, uncompressedPageSize: Int32(body.count), compressedPageSize: Int32(compressedOutput.count))
            header.dataPageHeader = DataPageHeader(numValues: Int32(pageEntries), encoding: encoding)
            appendPage(header, [compressedOutput])
        }
        noteEncoding(encoding, page: header.type)
        pageDefinition.removeAll(keepingCapacity: true)
        pageRepetition.removeAll(keepingCapacity: true)
        pageRows = 0
        pageIndices.removeAll(keepingCapacity: true)
        pagePlain.removeAll(keepingCapacity: true)
        pageBools.removeAll(keepingCapacity: true)
        pageEntries = 0
        pageNulls = 0
    }

    /// Finishes the chunk: closes the last page and builds the dictionary page.
    mutating func finish() throws -> EncodedChunk {
        try flushPage()
        var dictionaryPage: [UInt8] = []
        if dictionaryCount > 0 {
            var plain: [UInt8] = []
            if let dictionary = fixed32Values { dictionary.withUnsafeBufferPointer { PlainEncoder.appendFixed($0, into: &plain) } }
            if let dictionary = fixed64Values { dictionary.withUnsafeBufferPointer { PlainEncoder.appendFixed($0, into: &plain) } }
            if let (offsets, data) = byteDictionaryContents {
                data.withUnsafeBytes { raw in
                    for index in 0..<(offsets.count - 1) {
                        let bytes = UnsafeRawBufferPointer(rebasing: raw[Int(offsets[index])..<Int(offsets[index + 1])])
                        if leaf.physical == .fixedLenByteArray { plain.append(contentsOf: bytes) } else { PlainEncoder.appendByteArray(bytes, into: &plain) }
                    }
                }
            }
            try compressValues(plain)
            var header = PageHeader(type: .dictionaryPage, uncompressedPageSize: Int32(plain.count), compressedPageSize: Int32(compressedOutput.count))
            header.dictionaryPageHeader = DictionaryPageHeader(numValues: Int32(dictionaryCount), encoding: .plain)
            let headerBytes = header.thriftEncoded()
            dictionaryPage = headerBytes + compressedOutput
            addUncompressed(Int64(headerBytes.count + plain.count))
            noteEncoding(.plain, page: .dictionaryPage)
        }
        var levelEncodings: [Encoding] = []
        if nullable { levelEncodings.append(.rle) }
        let stats = options.writeStatistics ? statistics.statistics(for: leaf) : nil
        return EncodedChunk(
            dictionaryPage: dictionaryPage, dataPages: pages, uncompressedSize: uncompressedSize,
            encodings: chunkEncodings(extra: levelEncodings), encodingStats: chunkEncodingStats(), statistics: stats,
            valueCount: valueCount)
    }
}

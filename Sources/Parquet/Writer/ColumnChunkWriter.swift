import Codecs
import Columnar
import TarnCore

/// Encodes one flat column of a row group into pages as batches arrive, keeping only the
/// compressed pages and the current page's raw values in memory.
///
/// Values go through the dictionary while it stays under `dictionaryPageSizeLimit`; past that
/// the current page is closed and later pages are PLAIN (the pyarrow/parquet-cpp fallback), the
/// dictionary page still serving the earlier ones.
struct ColumnChunkWriter {
    let leaf: WriteLeaf
    let options: WriteOptions
    let nullable: Bool

    // Dictionary state.
    var fixed32: FixedWidthDictionary<UInt32>?
    var fixed64: FixedWidthDictionary<UInt64>?
    var byteDictionary: ByteArrayDictionary?
    var fellBack = false

    // The open page.
    var pageDefinition: [UInt16] = []
    var pageRepetition: [UInt16] = []
    var pageRows = 0
    var pageIndices: [UInt32] = []
    var pagePlain: [UInt8] = []
    var pageBools: [Bool] = []
    var pageEntries = 0
    var pageNulls = 0

    // Finished pages and chunk facts.
    var pages: [UInt8] = []
    var scratch: [UInt8] = []
    var compressed: [UInt8] = []
    var statistics = StatisticsAccumulator()
    var valueCount: Int64 = 0
    var uncompressedSize: Int64 = 0
    var encodings: [Encoding] = []
    var encodingStats: [PageType: [Encoding: Int32]] = [:]

    init(leaf: WriteLeaf, options: WriteOptions) {
        self.leaf = leaf
        self.options = options
        self.nullable = leaf.maxDefinition > 0
        if options.useDictionary {
            switch leaf.physical {
            case .int32, .float: fixed32 = FixedWidthDictionary()
            case .int64, .double: fixed64 = FixedWidthDictionary()
            case .byteArray, .fixedLenByteArray: byteDictionary = ByteArrayDictionary()
            case .boolean, .int96: break
            }
        }
    }

    var usesDictionary: Bool { !fellBack && (fixed32 != nil || fixed64 != nil || byteDictionary != nil) }

    var dictionarySize: Int { fixed32?.encodedSize ?? fixed64?.encodedSize ?? byteDictionary?.encodedSize ?? 0 }

    /// Bytes the open page would take before compression (estimate).
    var pageSize: Int {
        pagePlain.count + pageBools.count / 8 + pageIndices.count * 4 / 2 + pageDefinition.count / 8 + pageRepetition.count / 8
    }

    /// Encoded bytes buffered for this chunk so far.
    var bufferedSize: Int { pages.count + pageSize + dictionarySize }

    /// Appends a column's rows.
    /// - Throws: `TarnError(.invalidArgument)` when nulls arrive for a required column.
    mutating func append(_ column: Column) throws {
        if !nullable && column.nullCount > 0 {
            throw TarnError(.invalidArgument, "column '\(leaf.field.name)' is not nullable but the batch has \(column.nullCount) nulls")
        }
        if options.writeStatistics { statistics.add(column) }
        let count = column.count
        let validity = column.validity
        // Feed slices so pages close near the target size.
        let slice = 4096
        var start = 0
        while start < count {
            let end = Swift.min(count, start + slice)
            try appendRange(column, validity, start..<end)
            start = end
            if pageSize >= options.dataPageSize { try flushPage() }
            if usesDictionary && dictionarySize > options.dictionaryPageSizeLimit {
                try flushPage()
                fellBack = true
            }
        }
        valueCount += Int64(count)
    }

    /// Appends shredded entries of a nested column: levels per entry and, for entries at the
    /// maximum definition level, the leaf values at `valueIndices` of `leafColumn`. Pages are
    /// closed only where a row starts (repetition level 0), as v2 pages and page indexes require.
    mutating func append(definition: [UInt16], repetition: [UInt16], leafColumn: Column, valueIndices: [Int32]) throws {
        let dense = leafColumn.take(valueIndices)
        if options.writeStatistics {
            statistics.add(dense)
            statistics.nullCount += Int64(definition.count - valueIndices.count)
        }
        let maximum = UInt16(leaf.maxDefinition)
        var entry = 0
        var value = 0
        while entry < definition.count {
            // Extend the slice to the next row start after at least 4096 entries.
            var end = Swift.min(definition.count, entry + 4096)
            while end < definition.count && repetition[end] != 0 { end += 1 }
            var present = 0
            for index in entry..<end {
                if definition[index] == maximum { present += 1 }
                if repetition[index] == 0 { pageRows += 1 }
            }
            if nullable { pageDefinition.append(contentsOf: definition[entry..<end]) }
            pageRepetition.append(contentsOf: repetition[entry..<end])
            pageEntries += end - entry
            pageNulls += (end - entry) - present
            try appendValues(dense, value..<(value + present))
            value += present
            entry = end
            if pageSize >= options.dataPageSize { try flushPage() }
            if usesDictionary && dictionarySize > options.dictionaryPageSizeLimit {
                try flushPage()
                fellBack = true
            }
        }
        valueCount += Int64(definition.count)
    }

    private mutating func appendRange(_ column: Column, _ validity: [Bool]?, _ range: Range<Int>) throws {
        if nullable {
            if let validity {
                for index in range { pageDefinition.append(validity[index] ? 1 : 0) }
                pageNulls += validity[range].reduce(0) { $0 + ($1 ? 0 : 1) }
            } else {
                pageDefinition.append(contentsOf: repeatElement(1, count: range.count))
            }
        }
        pageEntries += range.count
        pageRows += range.count
        try appendValues(column, range, validity: validity)
    }

    /// Adds the present values of rows `range` to the page (dictionary indices or PLAIN bytes).
    private mutating func appendValues(_ column: Column, _ range: Range<Int>, validity: [Bool]? = nil) throws {
        @inline(__always) func present(_ index: Int) -> Bool { validity?[index] ?? true }
        let scale = leaf.scale
        switch (column.storage, leaf.physical) {
        case (.bool(let v), .boolean):
            for index in range where present(index) { pageBools.append(v[index]) }
        case (.int8(let v), .int32): for index in range where present(index) { add32(UInt32(bitPattern: Int32(v[index]))) }
        case (.int16(let v), .int32): for index in range where present(index) { add32(UInt32(bitPattern: Int32(v[index]))) }
        case (.uint8(let v), .int32): for index in range where present(index) { add32(UInt32(v[index])) }
        case (.uint16(let v), .int32): for index in range where present(index) { add32(UInt32(v[index])) }
        case (.uint32(let v), .int32): for index in range where present(index) { add32(v[index]) }
        case (.int32(let v), .int32):
            v.withUnsafeBufferPointer { b in for index in range where present(index) { add32(UInt32(bitPattern: b[index])) } }
        case (.int64(let v), .int32):
            // Decimals of up to 9 digits and times in seconds or milliseconds.
            for index in range where present(index) { add32(UInt32(truncatingIfNeeded: v[index] &* scale)) }
        case (.int64(let v), .int64):
            if scale == 1 {
                v.withUnsafeBufferPointer { b in for index in range where present(index) { add64(UInt64(bitPattern: b[index])) } }
            } else {
                for index in range where present(index) { add64(UInt64(bitPattern: v[index] &* scale)) }
            }
        case (.uint64(let v), .int64): for index in range where present(index) { add64(v[index]) }
        case (.float32(let v), .float): for index in range where present(index) { add32(v[index].bitPattern) }
        case (.float64(let v), .double):
            v.withUnsafeBufferPointer { b in for index in range where present(index) { add64(b[index].bitPattern) } }
        case (.bytes(let offsets, let data), .byteArray):
            data.withUnsafeBytes { raw in
                offsets.withUnsafeBufferPointer { o in
                    for index in range where present(index) {
                        addBytes(UnsafeRawBufferPointer(rebasing: raw[Int(o[index])..<Int(o[index + 1])]))
                    }
                }
            }
        case (.fixedBytes(let width, let data), .fixedLenByteArray) where width == leaf.width:
            data.withUnsafeBytes { raw in
                for index in range where present(index) {
                    addBytes(UnsafeRawBufferPointer(rebasing: raw[index * width..<(index + 1) * width]))
                }
            }
        case (.int64(let v), .fixedLenByteArray):
            for index in range where present(index) { DecimalBytes.bigEndian(Int128(v[index]), width: leaf.width).withUnsafeBytes { addBytes($0) } }
        case (.int128(let v), .fixedLenByteArray):
            for index in range where present(index) { DecimalBytes.bigEndian(v[index], width: leaf.width).withUnsafeBytes { addBytes($0) } }
        default:
            throw TarnError(.invalidArgument, "column '\(leaf.field.name)': storage does not match type \(leaf.field.type)")
        }
    }

    @inline(__always)
    private mutating func add32(_ bits: UInt32) {
        if !fellBack, fixed32 != nil {
            pageIndices.append(fixed32!.index(of: bits))
        } else {
            withUnsafeBytes(of: bits.littleEndian) { pagePlain.append(contentsOf: $0) }
        }
    }

    @inline(__always)
    private mutating func add64(_ bits: UInt64) {
        if !fellBack, fixed64 != nil {
            pageIndices.append(fixed64!.index(of: bits))
        } else {
            withUnsafeBytes(of: bits.littleEndian) { pagePlain.append(contentsOf: $0) }
        }
    }

    @inline(__always)
    private mutating func addBytes(_ bytes: UnsafeRawBufferPointer) {
        if !fellBack, byteDictionary != nil {
            pageIndices.append(byteDictionary!.index(of: bytes))
        } else if leaf.physical == .fixedLenByteArray {
            pagePlain.append(contentsOf: bytes)
        } else {
            PlainEncoder.appendByteArray(bytes, into: &pagePlain)
        }
    }

    // MARK: Chunk bookkeeping

    var dictionaryCount: Int { fixed32?.values.count ?? fixed64?.values.count ?? byteDictionary?.count ?? 0 }
    var fixed32Values: [UInt32]? { fixed32?.values }
    var fixed64Values: [UInt64]? { fixed64?.values }
    var byteDictionaryContents: ([Int32], [UInt8])? { byteDictionary.map { ($0.offsets, $0.data) } }
    var compressedOutput: [UInt8] { compressed }

    /// Compresses `bytes` into `compressed`.
    mutating func compressValues(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try options.compression.compress($0, into: &compressed, level: options.compressionLevel) }
    }

    /// Appends a page: its header, then the body parts.
    mutating func appendPage(_ header: PageHeader, _ parts: [[UInt8]]) {
        let headerBytes = header.thriftEncoded()
        pages.append(contentsOf: headerBytes)
        for part in parts { pages.append(contentsOf: part) }
        addUncompressed(Int64(headerBytes.count) + Int64(header.uncompressedPageSize))
    }

    mutating func addUncompressed(_ bytes: Int64) { uncompressedSize += bytes }

    mutating func noteEncoding(_ encoding: Encoding, page: PageType) {
        if !encodings.contains(encoding) { encodings.append(encoding) }
        encodingStats[page, default: [:]][encoding, default: 0] += 1
    }

    func chunkEncodings(extra: [Encoding]) -> [Encoding] {
        var all = encodings
        for encoding in extra where !all.contains(encoding) { all.append(encoding) }
        return all
    }

    func chunkEncodingStats() -> [PageEncodingStats] {
        var out: [PageEncodingStats] = []
        for page in [PageType.dictionaryPage, .dataPage, .dataPageV2] {
            for (encoding, count) in (encodingStats[page] ?? [:]).sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
                out.append(PageEncodingStats(pageType: page, encoding: encoding, count: count))
            }
        }
        return out
    }
}

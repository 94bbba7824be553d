import Codecs
import Columnar
import QueryExecution
import TarnCore
import TextFormats

/// Reads one text split: fetches the file in chunks (only the split's lines, see `TextSplit`),
/// gunzips when the file is gzip, pushes the bytes into TextFormats' reader and turns its
/// batches into the scan's columns. Rows the typed reader rejects come back with the offending
/// fields as NULL (`recover`).
final class TextStream: BatchStream {
    /// RFC 1952: "ID1 = 31 (0x1f), ID2 = 139 (0x8b)".
    static let gzipMagic: [UInt8] = [0x1f, 0x8b]
    /// Bytes fetched per read (compressed bytes for gzip files).
    static let chunkSize = 4 << 20
    static let gzipChunkSize = 1 << 20

    static func hasGzipExtension(_ location: FileLocation) -> Bool { location.path.lowercased().hasSuffix(".gz") }

    private let context: TextScanContext
    private let file: ScanFile
    private let reader: any RandomAccessFile
    private let name: String
    private let parser: TextReader
    /// The reader's schema, and for each table data column its position in it (or nil).
    private let readerSchema: Schema
    private let readerPosition: [Int?]
    /// Options for re-reading one rejected CSV row.
    private let recoveryCSV: CSVOptions
    private let recoveryJSON: JSONOptions
    private var position: Int64
    private let end: Int64?
    private var seekingLineStart: Bool
    private var checkedMagic = false
    private var gunzip: GzipDecompressor?
    private var inputDone = false
    private var parserFinished = false
    private var queued: [RecordBatch] = []
    private var prefetched: [UInt8]?
    private(set) var statistics = ScanStatistics()

    init(split: TextSplit) throws {
        let context = split.context
        self.context = context
        file = split.file
        name = split.file.file.location.description
        reader = try context.store.open(split.file.file.location)
        position = split.range?.lowerBound ?? 0
        end = split.range.map(\.upperBound)
        seekingLineStart = position > 0
        prefetched = position == 0 ? split.prefetched : nil
        if split.countsFile { statistics.filesRead = 1 }

        var requested = context.columns.dataIndices
        if requested.isEmpty { requested = [0] }  // count(*): parse the lightest thing there is
        var positions = [Int?](repeating: nil, count: context.dataColumns.count)
        switch context.layout {
        case .csv(var options, _):
            // Fields are positional: parse through the last needed one; the ones not needed
            // stay strings (cheap, never rejected); the rest of each line is ignored.
            let last = requested.max() ?? 0
            let wanted = Set(requested)
            let fields = (0...last).map { wanted.contains($0) ? context.dataColumns[$0] : Field(context.dataColumns[$0].name, .string) }
            for index in requested { positions[index] = index }
            readerSchema = Schema(fields)
            options.columnCountMismatch = .lenient
            options.enforceNotNull = false
            options.maxRejectTextBytes = options.maxRecordBytes
            if split.range.map({ $0.lowerBound > 0 }) ?? false {
                options.skipLines = 0
                options.hasHeader = false
            }
            var recovery = options
            recovery.skipLines = 0
            recovery.hasHeader = false
            recoveryCSV = recovery
            recoveryJSON = JSONOptions()
            parser = .csv(try CSVReader(schema: readerSchema, options: options))
        case .json(var options, _):
            readerSchema = Schema(requested.map { context.dataColumns[$0] })
            for (position, index) in requested.enumerated() { positions[index] = position }
            options.enforceNotNull = false
            options.maxRejectTextBytes = options.maxLineBytes
            recoveryCSV = CSVOptions()
            recoveryJSON = options
            parser = .json(try JSONLinesReader(schema: readerSchema, options: options))
        }
        readerPosition = positions
    }

    func next() throws -> RecordBatch? {
        while true {
            if !queued.isEmpty { return queued.removeFirst() }
            if let batch = try parser.nextBatch() {
                try take(batch)
                continue
            }
            if parserFinished { return nil }
            if inputDone {
                try gunzip?.finish()
                parser.finish()
                parserFinished = true
                continue
            }
            try feed()
        }
    }

    // MARK: input

    private func charge(_ bytes: Int) throws {
        statistics.bytesScanned += Int64(bytes)
        try context.ledger?.add(context.table, Int64(bytes))
    }

    /// Reads the next chunk and pushes what belongs to the split.
    private func feed() throws {
        let size = reader.size
        let count = Int(min(Int64(gunzip == nil ? Self.chunkSize : Self.gzipChunkSize), size - position))
        if count <= 0 {
            inputDone = true
            return
        }
        let chunkStart = position
        var chunk: [UInt8]
        if let first = prefetched, position == 0, !first.isEmpty, first.count <= size {
            chunk = first
            prefetched = nil
        } else {
            chunk = try reader.read(position..<(position + Int64(count)), name: name)
        }
        position += Int64(chunk.count)
        try charge(chunk.count)
        if !checkedMagic {
            checkedMagic = true
            if chunkStart == 0, chunk.starts(with: Self.gzipMagic) { gunzip = try GzipDecompressor() }
        }
        if let gunzip {
            var output: [UInt8] = []
            try gunzip.decompress(chunk, appendingTo: &output)
            output.withUnsafeBytes { parser.push($0) }
            return
        }
        var from = 0
        if seekingLineStart {
            // A split after the first starts after the first line end at or after its start.
            guard let newline = chunk.firstIndex(of: UInt8(ascii: "\n")) else { return }
            seekingLineStart = false
            from = newline + 1
        }
        if let end, position > end {
            // The split's last line is the one containing `end`: stop after its line end.
            let searchFrom = max(from, Int(max(0, end - chunkStart)))
            if let newline = chunk[searchFrom...].firstIndex(of: UInt8(ascii: "\n")) {
                chunk.removeSubrange((newline + 1)...)
                inputDone = true
            }
        }
        if from < chunk.count { chunk.withUnsafeBytes { parser.push(UnsafeRawBufferPointer(rebasing: $0[from...])) } }
    }

    // MARK: output

    private func take(_ result: TextBatch) throws {
        statistics.rowsRead += Int64(result.batch.rowCount)
        if result.batch.rowCount > 0 { queued.append(assemble(result.batch)) }
        if result.rejected.isEmpty { return }
        var builders = readerSchema.fields.map { ColumnBuilder($0.type) }
        for row in result.rejected {
            let values = try recover(row)
            for (index, value) in values.enumerated() { builders[index].append(value) }
        }
        let count = builders.first?.count ?? 0
        statistics.rowsRead += Int64(count)
        if count > 0 {
            queued.append(assemble(RecordBatch(schema: readerSchema, columns: builders.map { $0.build() }, rowCount: count)))
        }
    }

    private func assemble(_ batch: RecordBatch) -> RecordBatch {
        context.columns.assemble(rowCount: batch.rowCount, partitionValues: file.partitionValues) { index in
            if let position = readerPosition[index] { return batch.columns[position] }
            return ConstantColumn.make(.null, type: context.dataColumns[index].type, count: batch.rowCount)
        }
    }

    /// The values of a rejected row with the fields that do not convert as NULL — how Hive's
    /// SerDes read a value that does not fit its column. The row is parsed again with each
    /// offending column read as text, until it passes.
    private func recover(_ row: RejectedRow) throws -> [Value] {
        let isJSON: Bool
        let ignoreMalformed: Bool
        switch context.layout {
        case .csv: (isJSON, ignoreMalformed) = (false, false)
        case .json(_, let ignore): (isJSON, ignoreMalformed) = (true, ignore)
        }
        var nulled = Set<Int>()
        var current = row
        for _ in 0...readerSchema.fields.count {
            guard let column = current.columnIndex, !nulled.contains(column), row.textTruncated == false else {
                if isJSON && ignoreMalformed { return [Value](repeating: .null, count: readerSchema.fields.count) }
                throw TarnError(.invalidValue, "\(name): line \(row.lineNumber) cannot be read: \(current.reason)")
            }
            nulled.insert(column)
            let schema = Schema(readerSchema.fields.enumerated().map { nulled.contains($0.offset) ? Field($0.element.name, .string) : $0.element })
            let text = Array(row.text.utf8)
            let again = isJSON ? try JSONLinesReader.read(text, schema: schema, options: recoveryJSON) : try CSVReader.read(text, schema: schema, options: recoveryCSV)
            if again.batch.rowCount == 1 {
                return again.batch.columns.enumerated().map { nulled.contains($0.offset) ? .null : $0.element.value(at: 0) }
            }
            guard let next = again.rejected.first else { break }
            current = next
        }
        throw TarnError(.invalidValue, "\(name): line \(row.lineNumber) cannot be read: \(row.reason)")
    }
}

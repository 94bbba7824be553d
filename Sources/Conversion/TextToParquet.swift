import Codecs
import Columnar
import Parquet
import TarnCore
import TextFormats

/// What a conversion did.
public struct ConversionSummary: Sendable {
    /// The schema the output was written with.
    public var schema: Schema
    /// Rows written to Parquet.
    public var rowsWritten: Int
    /// Rows rejected (written to the rejects sink instead).
    public var rowsRejected: Int
    /// Row groups in the output.
    public var rowGroups: Int
    /// Input bytes read (as stored, i.e. compressed when gzip).
    public var bytesRead: Int64
}

/// Converts one CSV or JSON Lines stream to Parquet.
///
/// Usage: create with the format (and an explicit schema, or nil to infer one from the first
/// bytes), `push` input chunks in order, then `finish`. Rejected rows go to `onReject` as they
/// are found.
public final class TextToParquet<Sink: ByteSink> {
    /// Bytes sampled for schema inference before the first row is converted.
    public static var inferenceSampleBytes: Int { 4 << 20 }

    private let format: TextFormat
    private var schema: Schema?
    private let csvOptions: CSVOptions
    private let writeOptions: WriteOptions
    private var sink: Sink?
    private var reader: TextReader?
    private var writer: ParquetWriter<Sink>?
    private var gunzip: GzipDecompressor?
    private var gzipDecided = false
    private let gzip: Bool?
    private var pending: [UInt8] = []
    private var decompressed: [UInt8] = []
    private let onReject: (RejectedRow) throws -> Void
    private var rowsWritten = 0
    private var rowsRejected = 0
    private var bytesRead: Int64 = 0

    /// Prepares a conversion.
    /// - Parameters:
    ///   - format: the input format.
    ///   - schema: the column types, or nil to infer them from the first 4 MiB.
    ///   - gzip: whether the input is gzip-compressed; nil detects it from the magic bytes.
    ///   - csvOptions: delimiter, header and null handling for CSV.
    ///   - writeOptions: Parquet compression and layout.
    ///   - sink: where the Parquet bytes go.
    ///   - onReject: receives every row that does not fit the schema.
    public init(
        format: TextFormat, schema: Schema?, gzip: Bool? = nil, csvOptions: CSVOptions = CSVOptions(), writeOptions: WriteOptions = WriteOptions(),
        sink: Sink, onReject: @escaping (RejectedRow) throws -> Void
    ) {
        self.format = format
        self.schema = schema
        self.gzip = gzip
        self.csvOptions = csvOptions
        self.writeOptions = writeOptions
        self.sink = sink
        self.onReject = onReject
    }

    /// Feeds the next chunk of the input.
    public func push(_ bytes: [UInt8]) throws {
        bytesRead += Int64(bytes.count)
        if !gzipDecided {
            pending += bytes
            guard pending.count >= 2 else { return }
            try decideCompression()
            let first = pending
            pending = []
            try feedRaw(first)
            return
        }
        try feedRaw(bytes)
    }

    private func decideCompression() throws {
        gzipDecided = true
        if gzip ?? TextFormat.looksGzipped(pending) { gunzip = try GzipDecompressor() }
    }

    private func feedRaw(_ bytes: [UInt8]) throws {
        if let gunzip {
            decompressed.removeAll(keepingCapacity: true)
            try gunzip.decompress(bytes, appendingTo: &decompressed)
            try feedText(decompressed)
        } else {
            try feedText(bytes)
        }
    }

    private var sample: [UInt8] = []

    private func feedText(_ bytes: [UInt8]) throws {
        if reader == nil {
            if schema == nil {
                sample += bytes
                guard sample.count >= Self.inferenceSampleBytes else { return }
                try start(sampleIsWholeFile: false)
                return
            }
            try start(sampleIsWholeFile: false)
        }
        bytes.withUnsafeBytes { reader!.push($0) }
        try drain()
    }

    /// Infers the schema if needed, opens the reader and writer, and replays the sample.
    private func start(sampleIsWholeFile: Bool) throws {
        let schema: Schema
        if let given = self.schema {
            schema = given
        } else {
            switch format {
            case .csv: schema = try CSVSchemaInference.infer(sample: sample, isWholeFile: sampleIsWholeFile, options: csvOptions)
            case .jsonLines: schema = JSONSchemaInference.infer(sample: sample, isWholeFile: sampleIsWholeFile)
            }
            guard !schema.fields.isEmpty else { throw TarnError(.invalidArgument, "cannot infer a schema: the input has no columns") }
            self.schema = schema
        }
        switch format {
        case .csv: reader = .csv(try CSVReader(schema: schema, options: csvOptions))
        case .jsonLines: reader = .json(try JSONLinesReader(schema: schema))
        }
        guard let sink else { throw TarnError(.internal, "conversion sink already consumed") }
        writer = try ParquetWriter(schema: schema, sink: sink, options: writeOptions)
        self.sink = nil
        let replay = sample
        sample = []
        replay.withUnsafeBytes { reader!.push($0) }
        try drain()
    }

    private func drain() throws {
        while let result = try reader!.nextBatch() {
            for reject in result.rejected {
                rowsRejected += 1
                try onReject(reject)
            }
            if result.batch.rowCount > 0 {
                try writer!.write(result.batch)
                rowsWritten += result.batch.rowCount
            }
        }
    }

    /// Ends the input, writes the Parquet footer and returns the sink with a summary.
    /// - Throws: when the input ended inside a gzip member or a quoted field, or on write errors.
    public func finish() throws -> (summary: ConversionSummary, sink: Sink) {
        if !gzipDecided {
            try decideCompression()
            let first = pending
            pending = []
            try feedRaw(first)
        }
        try gunzip?.finish()
        if reader == nil { try start(sampleIsWholeFile: true) }
        reader!.finish()
        try drain()
        guard let writer = writer.take() else { throw TarnError(.internal, "conversion finished twice") }
        let (metadata, sink) = try writer.finish()
        let summary = ConversionSummary(
            schema: schema!, rowsWritten: rowsWritten, rowsRejected: rowsRejected, rowGroups: metadata.rowGroups.count, bytesRead: bytesRead)
        return (summary, sink)
    }
}

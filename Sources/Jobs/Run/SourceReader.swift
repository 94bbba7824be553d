import Codecs
import Foundation
import Columnar
import Storage
import TarnCore
import TextFormats

/// Streams one raw object into typed reader batches: ranged reads of 4 MiB, gzip decoding when
/// the object is compressed, then the CSV or JSON Lines reader.
///
/// CSV columns are matched to the job's source fields by header name (case-insensitive), so a
/// producer may reorder or add columns. A missing optional column reads as NULL (with a warning
/// in the manifest, e.g. while producers catch up with a new column); a missing required column
/// fails the run with both lists, since every row would be rejected for the same reason.
/// Without a header the source fields are taken by position.
struct SourceReader {
    let plan: JobPlan
    let store: ObjectStore
    /// Who reads (GetObject is authorized, SSE-KMS keys are decrypted as them).
    let access: any ObjectAccess
    static let chunkSize = 4 << 20
    /// RFC 1952 §2.3.1: "ID1 (IDentification 1) ID2 (IDentification 2) These have the fixed
    /// values ID1 = 31 (0x1f, \037), ID2 = 139 (0x8b, \213), to identify the file as being in
    /// gzip format."
    static let gzipMagic: [UInt8] = [0x1F, 0x8B]

    /// Reads `object`, calling `emit` with each reader batch and the column of each source field
    /// in it (-1: absent, NULL in every row).
    /// - Returns: bytes read, whether the object was gzip, and warnings (absent optional columns).
    /// - Throws: `TarnError(.conflict)` when the object changed since the run was planned,
    ///   `.invalidArgument` for a header without a needed column, `.corrupt` for bad gzip data.
    func read(_ object: SourceObject, emit: (TextBatch, [Int]) throws -> Void) throws -> (counts: ObjectCounts, warnings: [String]) {
        try access.authorize(.read, bucket: object.bucket, key: object.key)
        let reader = try store.open(bucket: object.bucket, key: object.key, caller: access.keyCaller)
        guard reader.info.etag == object.etag else {
            throw TarnError(.conflict, "\(object.uri) changed since the run was planned (ETag \(object.etag) → \(reader.info.etag)); run the job again")
        }
        var counts = ObjectCounts()
        counts.bytesRead = reader.info.size
        var chunks = ChunkStream(reader: reader, chunkSize: Self.chunkSize)
        let first = try chunks.next() ?? []
        let gzip: Bool
        switch plan.definition.source.compression {
        case .none: gzip = false
        case .gzip: gzip = true
        case .auto: gzip = first.starts(with: Self.gzipMagic) || object.key.hasSuffix(".gz")
        }
        counts.gzip = gzip
        var warnings: [String] = []
        var text = TextStream(chunks: chunks, pending: first, gunzip: gzip ? try GzipDecompressor() : nil, name: object.uri)

        switch plan.definition.source.format {
        case .json:
            let schema = Schema(plan.sourceFields.map { Field($0.name, $0.type) })
            let mapping = Array(plan.sourceFields.indices)
            let json = try JSONLinesReader(schema: schema, options: Self.jsonOptions)
            while let chunk = try text.next() {
                json.push(chunk)
                while let batch = try json.nextBatch() { try emit(batch, mapping) }
            }
            json.finish()
            while let batch = try json.nextBatch() { try emit(batch, mapping) }
        case .csv:
            var buffered: [[UInt8]] = []
            var header: [String]? = nil
            if plan.csvOptions.hasHeader {
                // Read just far enough to see the header line, keeping what was read for the real pass.
                let probe = try CSVReader(schema: nil, options: plan.csvOptions)
                while header == nil, let chunk = try text.next() {
                    buffered.append(chunk)
                    probe.push(chunk)
                    _ = try probe.nextBatch()
                    header = probe.header
                }
                if header == nil {
                    probe.finish()
                    _ = try probe.nextBatch()
                    header = probe.header
                }
            }
            guard let (schema, mapping, absent) = try csvLayout(header: header, object: object) else { return (counts, []) }  // empty object
            if !absent.isEmpty {
                warnings.append("\(object.uri): no column \(absent.map { "'\($0)'" }.joined(separator: ", ")) in the header; NULL in every row")
            }
            let csv = try CSVReader(schema: schema, options: plan.csvOptions)
            for chunk in buffered {
                csv.push(chunk)
                while let batch = try csv.nextBatch() { try emit(batch, mapping) }
            }
            while let chunk = try text.next() {
                csv.push(chunk)
                while let batch = try csv.nextBatch() { try emit(batch, mapping) }
            }
            csv.finish()
            while let batch = try csv.nextBatch() { try emit(batch, mapping) }
        }
        return (counts, warnings)
    }

    static let jsonOptions: JSONOptions = {
        var options = JSONOptions()
        options.batchSize = 8192
        // The Hive JSON SerDe (and so Athena) matches member names case-insensitively.
        options.caseInsensitiveKeys = true
        return options
    }()

    /// The reader schema for a CSV object, where each source field sits in it (-1: absent) and
    /// the absent optional fields; nil for an object without even a header.
    private func csvLayout(header: [String]?, object: SourceObject) throws -> (Schema, [Int], [String])? {
        guard plan.csvOptions.hasHeader else {
            return (Schema(plan.sourceFields.map { Field($0.name, $0.type) }), Array(plan.sourceFields.indices), [])
        }
        guard let header else { return nil }
        let names = header.map { $0.trimmingCharacters(in: CharacterSet(charactersIn: " \t\r\u{FEFF}")).lowercased() }
        var fields = names.enumerated().map { index, name in Field(name.isEmpty ? "column\(index)" : name, .string) }
        var mapping: [Int] = []
        var missing: [String] = []
        var absent: [String] = []
        for source in plan.sourceFields {
            let wanted = source.name.lowercased()
            let matches = names.indices.filter { names[$0] == wanted }
            guard let column = matches.first else {
                if plan.columns[source.outputIndex].rules.required { missing.append(source.name) } else { absent.append(source.name) }
                mapping.append(-1)
                continue
            }
            guard matches.count == 1 else {
                throw TarnError(.invalidArgument, "\(object.uri): the header names column '\(source.name)' \(matches.count) times")
            }
            fields[column] = Field(fields[column].name, source.type)
            mapping.append(column)
        }
        guard missing.isEmpty else {
            throw TarnError(
                .invalidArgument,
                "\(object.uri): the header has no column \(missing.map { "'\($0)'" }.joined(separator: ", ")) (header: \(header.joined(separator: ",")))")
        }
        return (Schema(fields), mapping, absent)
    }
}

/// Ranged reads of an object in fixed-size chunks.
struct ChunkStream {
    let reader: ObjectReader
    let chunkSize: Int
    var offset: Int64 = 0

    init(reader: ObjectReader, chunkSize: Int) {
        self.reader = reader
        self.chunkSize = chunkSize
    }

    /// The next chunk, or nil at the end.
    mutating func next() throws -> [UInt8]? {
        let size = reader.info.size
        guard offset < size else { return nil }
        let count = Int(min(Int64(chunkSize), size - offset))
        let chunk = try reader.read(offset..<(offset + Int64(count)))
        offset += Int64(count)
        return chunk
    }
}

/// Decompressed text of an object, chunk by chunk.
struct TextStream {
    var chunks: ChunkStream
    var pending: [UInt8]?
    let gunzip: GzipDecompressor?
    let name: String
    private var finished = false

    init(chunks: ChunkStream, pending: [UInt8], gunzip: GzipDecompressor?, name: String) {
        self.chunks = chunks
        self.pending = pending.isEmpty ? nil : pending
        self.gunzip = gunzip
        self.name = name
    }

    /// The next piece of text, or nil at the end.
    mutating func next() throws -> [UInt8]? {
        while !finished {
            let raw: [UInt8]
            if let pending {
                raw = pending
                self.pending = nil
            } else if let chunk = try chunks.next() {
                raw = chunk
            } else {
                finished = true
                if let gunzip {
                    do { try gunzip.finish() } catch let error as TarnError { throw TarnError(error.code, "\(name): \(error.message)") }
                }
                return nil
            }
            guard let gunzip else { return raw }
            var out: [UInt8] = []
            out.reserveCapacity(raw.count * 4)
            do { try gunzip.decompress(raw, appendingTo: &out) } catch let error as TarnError { throw TarnError(error.code, "\(name): \(error.message)") }
            if !out.isEmpty { return out }
        }
        return nil
    }
}

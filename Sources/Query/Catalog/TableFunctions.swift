import Catalog
import Codecs
import Columnar
import Parquet
import QueryExecution
import QueryPlanner
import SQLParser
import TarnCore
import TextFormats

/// The ad-hoc table functions, spelled as DuckDB spells them so the same SQL runs in both:
///
/// - `read_parquet(path | ARRAY[paths], hive_partitioning => bool)` — schema from the first
///   file's footer.
/// - `read_csv(path, header => true, delim => ',', quote => '"', escape => '"', nullstr => '',
///   skip => 0, columns => 'a bigint, b varchar', all_varchar => false, hive_partitioning => …)`
///   — without `columns`, types are inferred from the first 1 MiB of the first file; an empty
///   field is NULL (DuckDB's default).
/// - `read_json(path, columns => '…', ignore_errors => false, hive_partitioning => …)` — JSON
///   Lines, types inferred like `read_csv`.
///
/// Paths are `s3://bucket/prefix/` locations or (embedded only) local paths, each optionally a
/// glob. `hive_partitioning` defaults to whether any path below the location has `key=value`
/// directories; their columns are typed `bigint`, `date` or `varchar` from the values found.
enum TableFunctions {
    /// Bytes of the first file read to infer a text schema.
    static let inferenceSampleBytes: Int64 = 1 << 20

    static func readParquet(_ arguments: [Value], _ named: [String: Value], files: FileStore, ledger: ScanLedger) throws -> any TableProvider {
        let (locations, display) = try paths(arguments, function: "read_parquet")
        let listed = try list(locations, files: files, function: "read_parquet")
        let partitionColumns = try hiveColumns(listed, named)
        let first = listed[0]
        let reader = try files.open(first.location)
        let (metadata, bytes) = try ParquetFooter.read(reader, name: first.location.description)
        let partitionNames = Set(partitionColumns.map { $0.name.lowercased() })
        let columns = metadata.schema.fields.filter { !partitionNames.contains($0.name.lowercased()) }
        let tableFiles = TableFiles(store: files, layout: .discovered(locations), partitionColumns: partitionColumns, listed: listed)
        return ParquetSource(
            displayName: "read_parquet(\(display))", columns: columns, partitionColumns: partitionColumns, files: tableFiles, ledger: ledger,
            knownFooters: [first.location: metadata], footerBytes: bytes)
    }

    static func readCSV(_ arguments: [Value], _ named: [String: Value], files: FileStore, ledger: ScanLedger) throws -> any TableProvider {
        let (locations, display) = try paths(arguments, function: "read_csv")
        let listed = try list(locations, files: files, function: "read_csv")
        let partitionColumns = try hiveColumns(listed, named)
        var options = CSVOptions()
        options.hasHeader = try bool(named["header"], "header") ?? true
        if let delimiter = try string(named["delim"] ?? named["sep"] ?? named["delimiter"], "delim") {
            options.delimiter = try TextTableProperties.byte(delimiter, "delim")
        }
        if let quote = try string(named["quote"], "quote") { options.quote = quote.isEmpty ? nil : try TextTableProperties.byte(quote, "quote") }
        if let escape = try string(named["escape"], "escape") {
            let byte = escape.isEmpty ? nil : try TextTableProperties.byte(escape, "escape")
            options.escape = byte == options.quote ? nil : byte
        }
        options.skipLines = try int(named["skip"], "skip") ?? 0
        let nullString = try string(named["nullstr"], "nullstr") ?? ""
        if nullString.isEmpty {
            options.emptyStringIsNull = true
            options.nullStrings = []
        } else {
            options.nullStrings = [nullString]
        }
        var sample: (location: FileLocation, bytes: [UInt8])? = nil
        var columns: [Field]
        if let spelled = try string(named["columns"], "columns") {
            columns = try columnList(spelled)
        } else {
            let (text, whole, raw) = try sampleBytes(listed[0], files: files)
            sample = (listed[0].location, raw)
            columns = try CSVSchemaInference.infer(sample: text, isWholeFile: whole, options: options).fields
            if try bool(named["all_varchar"], "all_varchar") ?? false { columns = columns.map { Field($0.name, .string) } }
        }
        let partitionNames = Set(partitionColumns.map { $0.name.lowercased() })
        columns = columns.filter { !partitionNames.contains($0.name.lowercased()) }.map { Field($0.name, $0.type) }
        let tableFiles = TableFiles(store: files, layout: .discovered(locations), partitionColumns: partitionColumns, listed: listed)
        return TextSource(
            displayName: "read_csv(\(display))", columns: columns, partitionColumns: partitionColumns, files: tableFiles, ledger: ledger,
            layout: .csv(options, splittable: options.quote == nil), sample: sample)
    }

    static func readJSON(_ arguments: [Value], _ named: [String: Value], files: FileStore, ledger: ScanLedger) throws -> any TableProvider {
        let (locations, display) = try paths(arguments, function: "read_json")
        let listed = try list(locations, files: files, function: "read_json")
        let partitionColumns = try hiveColumns(listed, named)
        var sample: (location: FileLocation, bytes: [UInt8])? = nil
        var columns: [Field]
        if let spelled = try string(named["columns"], "columns") {
            columns = try columnList(spelled)
        } else {
            let (text, whole, raw) = try sampleBytes(listed[0], files: files)
            sample = (listed[0].location, raw)
            columns = JSONSchemaInference.infer(sample: text, isWholeFile: whole).fields
        }
        let partitionNames = Set(partitionColumns.map { $0.name.lowercased() })
        columns = columns.filter { !partitionNames.contains($0.name.lowercased()) }.map { Field($0.name, $0.type) }
        let ignore = try bool(named["ignore_errors"], "ignore_errors") ?? false
        let tableFiles = TableFiles(store: files, layout: .discovered(locations), partitionColumns: partitionColumns, listed: listed)
        return TextSource(
            displayName: "read_json(\(display))", columns: columns, partitionColumns: partitionColumns, files: tableFiles, ledger: ledger,
            layout: .json(JSONOptions(), ignoreMalformed: ignore), sample: sample)
    }

    // MARK: arguments

    /// The path argument: one string or an array of strings.
    static func paths(_ arguments: [Value], function: String) throws -> ([FileLocation], String) {
        guard arguments.count == 1 else {
            throw TarnError(.invalidArgument, "\(function) takes one path (or an array of paths) and named options, got \(arguments.count) positional arguments")
        }
        let texts: [String]
        switch arguments[0] {
        case .string(let text): texts = [text]
        case .list(let items):
            texts = try items.map { item in
                guard case .string(let text) = item else { throw TarnError(.invalidArgument, "\(function): paths must be strings") }
                return text
            }
        default:
            throw TarnError(.invalidArgument, "\(function): the path must be a string or an array of strings")
        }
        guard !texts.isEmpty else { throw TarnError(.invalidArgument, "\(function): no path given") }
        let display = texts.map { SQLPrinting.string($0) }.joined(separator: ", ")
        return (try texts.map { try FileLocation(parsing: $0) }, texts.count == 1 ? display : "[\(display)]")
    }

    static func list(_ locations: [FileLocation], files: FileStore, function: String) throws -> [DataFile] {
        let listed = try locations.flatMap { try files.list($0) }
        guard !listed.isEmpty else {
            throw TarnError(.notFound, "\(function): no files found at \(locations.map(\.description).joined(separator: ", "))")
        }
        return listed
    }

    /// Partition columns from the paths, unless `hive_partitioning => false`.
    static func hiveColumns(_ files: [DataFile], _ named: [String: Value]) throws -> [Field] {
        let explicit = try bool(named["hive_partitioning"], "hive_partitioning")
        if explicit == false { return [] }
        return TableFiles.inferPartitionColumns(files)
    }

    /// The first bytes of a file for schema inference: the text (decompressed when gzip, cut
    /// at the last line end) and the bytes as read.
    static func sampleBytes(_ file: DataFile, files: FileStore) throws -> (text: [UInt8], wholeFile: Bool, raw: [UInt8]) {
        let reader = try files.open(file.location)
        let count = min(reader.size, inferenceSampleBytes)
        let raw = try reader.read(0..<count, name: file.location.description)
        var bytes = raw
        let whole = count == reader.size
        if bytes.starts(with: TextStream.gzipMagic) {
            // Decompress piece by piece and stop at a few MiB: a small gzip sample can expand a lot.
            let gunzip = try GzipDecompressor()
            var output: [UInt8] = []
            var offset = 0
            while offset < raw.count && output.count < Int(inferenceSampleBytes) * 4 {
                let end = min(raw.count, offset + 16 * 1024)
                try raw[offset..<end].withUnsafeBytes { try gunzip.decompress($0, appendingTo: &output) }
                offset = end
            }
            bytes = output
            // Cut at the last complete line: the sample may end mid-record.
            if let last = bytes.lastIndex(of: UInt8(ascii: "\n")) { bytes.removeSubrange((last + 1)...) }
            return (bytes, false, raw)
        }
        if !whole, let last = bytes.lastIndex(of: UInt8(ascii: "\n")) { bytes.removeSubrange((last + 1)...) }
        return (bytes, whole, raw)
    }

    /// `'name type, name type'` with Hive or SQL type spellings.
    static func columnList(_ text: String) throws -> [Field] {
        var fields: [Field] = []
        var depth = 0
        var current = ""
        func flush() throws {
            let item = current.trimmingWhitespace()
            current = ""
            guard !item.isEmpty else { return }
            guard let space = item.firstIndex(where: { $0 == " " || $0 == "\t" }) else {
                throw TarnError(.invalidArgument, "columns: '\(item)' needs a name and a type")
            }
            let name = String(item[..<space]).trimming("\"`")
            fields.append(Field(name, try HiveType.parse(String(item[space...]).trimmingWhitespace())))
        }
        for character in text {
            if character == "(" || character == "<" { depth += 1 }
            if character == ")" || character == ">" { depth -= 1 }
            if character == "," && depth == 0 { try flush() } else { current.append(character) }
        }
        try flush()
        guard !fields.isEmpty else { throw TarnError(.invalidArgument, "columns: no columns in '\(text)'") }
        return fields
    }

    static func string(_ value: Value?, _ name: String) throws -> String? {
        guard let value else { return nil }
        guard case .string(let text) = value else { throw TarnError(.invalidArgument, "\(name) must be a string") }
        return text
    }

    static func bool(_ value: Value?, _ name: String) throws -> Bool? {
        guard let value else { return nil }
        switch value {
        case .bool(let b): return b
        case .string(let text) where ["true", "false"].contains(text.lowercased()): return text.lowercased() == "true"
        default: throw TarnError(.invalidArgument, "\(name) must be true or false")
        }
    }

    static func int(_ value: Value?, _ name: String) throws -> Int? {
        guard let value else { return nil }
        guard case .int(let i) = value, i >= 0 else { throw TarnError(.invalidArgument, "\(name) must be a non-negative integer") }
        return Int(i)
    }
}

extension String {
    /// The string without the given characters at either end.
    func trimming(_ set: String) -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s = s.dropFirst() }
        while let l = s.last, set.contains(l) { s = s.dropLast() }
        return String(s)
    }
}

import ArgumentParser
import Catalog
import Codecs
import Columnar
import Conversion
import Foundation
import Parquet
import TarnCore
import TextFormats

/// `tarn convert IN OUT`: CSV or JSON Lines (optionally gzip) to Parquet.
struct ConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert a CSV or JSON Lines file (optionally .gz) to Parquet.",
        discussion: """
            The schema is inferred from the first 4 MiB (bigint, double, boolean, date, timestamp, string) unless --schema \
            names a file with one column per line: NAME TYPE (Hive/Athena types, e.g. `total decimal(12,2)`). Rows that do \
            not fit the schema are not dropped: they are written to OUT.rejects.jsonl with their line number and reason.
            """)

    @Argument(help: "Input file (.csv, .tsv, .jsonl, .ndjson, .json, optionally .gz).") var input: String
    @Argument(help: "Output Parquet file.") var output: String
    @Option(help: "Compression: snappy, zstd, gzip, lz4 or none.") var compression: String = "snappy"
    @Option(help: "Schema file: one `name type` per line.") var schema: String?
    @Option(help: "Input format when the extension does not say: csv or jsonl.") var inputFormat: String?
    @Option(help: "CSV field delimiter (a single character; \\t for tab).") var delimiter: String?

    func run() throws {
        let detected = TextFormat.detect(fileName: input)
        guard let format = inputFormat.flatMap(TextFormat.init(rawValue:)) ?? detected?.format else {
            throw ValidationError("cannot tell the format of \(input); pass --input-format csv or jsonl")
        }
        var options = WriteOptions()
        switch compression.lowercased() {
        case "snappy": options.compression = .snappy
        case "zstd": options.compression = .zstd
        case "gzip": options.compression = .gzip
        case "lz4": options.compression = .lz4Raw
        case "none", "uncompressed": options.compression = .uncompressed
        default: throw ValidationError("--compression must be snappy, zstd, gzip, lz4 or none")
        }
        var csvOptions = CSVOptions()
        if input.lowercased().hasSuffix(".tsv") || input.lowercased().hasSuffix(".tsv.gz") { csvOptions.delimiter = UInt8(ascii: "\t") }
        if let delimiter {
            let text = delimiter == "\\t" ? "\t" : delimiter
            guard text.utf8.count == 1 else { throw ValidationError("--delimiter must be one byte") }
            csvOptions.delimiter = text.utf8.first!
        }
        let explicitSchema = try schema.map(Self.loadSchema)
        let rejectsPath = output + ".rejects.jsonl"
        var rejectsFile: PosixFile? = nil
        var rejectCount = 0
        do {
            let converter = TextToParquet(
                format: format, schema: explicitSchema, gzip: nil, csvOptions: csvOptions, writeOptions: options,
                sink: try FileSink(path: output + ".partial")
            ) { reject in
                if rejectsFile == nil { rejectsFile = try PosixFile(path: rejectsPath, mode: .truncate) }
                rejectCount += 1
                try rejectsFile!.write(Array((Self.rejectJSON(reject, source: input) + "\n").utf8))
            }
            let file = try PosixFile(path: input, mode: .read)
            var offset: Int64 = 0
            let size = try file.size()
            while offset < size {
                let count = Int(min(4 << 20, size - offset))
                try converter.push(try file.read(count: count, at: offset))
                offset += Int64(count)
            }
            let (summary, sink) = try converter.finish()
            try sink.sync()
            try FileSystem.rename(output + ".partial", to: output)
            FileHandle.standardError.write(
                Data(
                    "converted \(summary.rowsWritten) rows (\(summary.rowGroups) row groups) to \(output); schema: \(summary.schema.fields.map { "\($0.name) \(HiveType.render($0.type))" }.joined(separator: ", "))\n"
                        .utf8))
            if rejectCount > 0 {
                FileHandle.standardError.write(Data("\(rejectCount) rows did not fit the schema; see \(rejectsPath)\n".utf8))
            }
        } catch let error as TarnError {
            try? FileSystem.removeFile(output + ".partial")
            fail("\(input): \(error.message)")
        }
    }

    /// Reads `name type` lines (blank lines and `#` comments ignored).
    static func loadSchema(_ path: String) throws -> Columnar.Schema {
        let text = String(decoding: try FileSystem.readFile(path), as: UTF8.self)
        var fields: [Field] = []
        for (number, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let space = line.firstIndex(where: { $0 == " " || $0 == "\t" }) else {
                throw ValidationError("\(path):\(number + 1): expected `name type`, got '\(line)'")
            }
            let name = String(line[..<space])
            var typeText = line[space...].trimmingCharacters(in: .whitespaces)
            var nullable = true
            if typeText.lowercased().hasSuffix(" not null") {
                nullable = false
                typeText = String(typeText.dropLast(" not null".count)).trimmingCharacters(in: .whitespaces)
            }
            do {
                fields.append(Field(name, try HiveType.parse(typeText), nullable: nullable))
            } catch let error as TarnError {
                throw ValidationError("\(path):\(number + 1): \(error.message)")
            }
        }
        guard !fields.isEmpty else { throw ValidationError("\(path) declares no columns") }
        return Columnar.Schema(fields)
    }

    static func rejectJSON(_ reject: RejectedRow, source: String) -> String {
        func quote(_ text: String) -> String {
            var out = "\""
            for scalar in text.unicodeScalars {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case "\r": out += "\\r"
                case "\t": out += "\\t"
                default:
                    if scalar.value < 0x20 { out += String(format: "\\u%04x", scalar.value) } else { out.unicodeScalars.append(scalar) }
                }
            }
            return out + "\""
        }
        var members = ["\"source\":\(quote(source))", "\"line\":\(reject.lineNumber)", "\"reason\":\(quote(reject.reason))"]
        if let column = reject.columnName { members.append("\"column\":\(quote(column))") }
        members.append("\"text\":\(quote(reject.text))")
        return "{" + members.joined(separator: ",") + "}"
    }
}

import ArgumentParser
import Foundation
import Parquet
import TarnCore

/// `tarn parquet …`: inspect Parquet files.
struct ParquetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parquet", abstract: "Inspect Parquet files: schema, metadata, rows.",
        subcommands: [Schema.self, Meta.self, Cat.self])

    /// `tarn parquet schema FILE`.
    struct Schema: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the file's schema (Parquet and logical types).")
        @Argument(help: "A Parquet file.") var file: String

        func run() throws {
            let reader = try openReader(file)
            say(ParquetInspector.schemaReport(reader.metadata))
        }
    }

    /// `tarn parquet meta FILE`.
    struct Meta: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print row groups, sizes, encodings, codecs and statistics.")
        @Argument(help: "A Parquet file.") var file: String

        func run() throws {
            let reader = try openReader(file)
            say(ParquetInspector.metaReport(reader.metadata))
        }
    }

    /// `tarn parquet cat FILE`.
    struct Cat: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print rows as CSV (header, RFC 4180, ISO-8601 UTC timestamps, exact decimals) or JSON Lines.")
        @Argument(help: "A Parquet file.") var file: String
        @Option(help: "Only these columns, comma-separated.") var columns: String?
        @Option(help: "Output format: csv or jsonl.") var format: String = "csv"

        func run() throws {
            guard let outputFormat = ParquetCat.Format(rawValue: format) else { throw ValidationError("--format must be csv or jsonl") }
            let reader = try openReader(file)
            var sink = StandardOutputSink()
            let selected = columns.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
            do {
                try ParquetCat.write(reader, columns: selected, format: outputFormat, to: &sink)
                try sink.flush()
            } catch let error as TarnError {
                try? sink.flush()
                fail(error.message)
            }
        }
    }
}

/// Opens a Parquet file, turning open/footer errors into a clear message and exit status 1.
func openReader(_ path: String) throws -> ParquetFileReader {
    do {
        return try ParquetFileReader(path: path)
    } catch let error as TarnError {
        fail(error.message)
    }
}

/// A byte sink on standard output with a 1 MiB buffer.
struct StandardOutputSink: ByteSink {
    private var buffer: [UInt8] = []

    mutating func write(_ bytes: UnsafeRawBufferPointer) throws {
        buffer.append(contentsOf: bytes)
        if buffer.count >= 1 << 20 { try flush() }
    }

    mutating func flush() throws {
        if buffer.isEmpty { return }
        FileHandle.standardOutput.write(Data(buffer))
        buffer.removeAll(keepingCapacity: true)
    }
}

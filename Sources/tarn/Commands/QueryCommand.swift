import ArgumentParser
import Foundation
import Lake
import Query
import SQLParser
import TarnCore

extension ResultFormatter.Format: ExpressibleByArgument {}

/// `tarn query`: run SQL (Athena's dialect) against a data directory, embedded.
struct QueryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query",
        abstract: "Run SQL against the lake: queries, DDL, CTAS and INSERT (Athena's dialect).",
        discussion: """
            Prints the result on stdout and a one-line summary (rows, bytes scanned, files and row groups read/skipped,
            time) on stderr. With --file, every statement of the script runs in order; the first failure stops it.
            The data directory is opened in-process, so a running `tarn server` that owns it makes this fail.
            read_parquet / read_csv / read_json may read local paths here (the server refuses them).
            """)

    @Option(name: .long, help: "The data directory.")
    var data: String = "./tarn-data"

    @Option(name: .long, help: "Output format: table, csv or json.")
    var format: ResultFormatter.Format = .table

    @Option(name: .long, help: "Database for unqualified table names.")
    var database: String = "default"

    @Option(name: .long, help: "Workgroup the query history charges the statements to.")
    var workgroup: String = "primary"

    @Option(name: .long, help: "Read the SQL (one or more statements separated by ';') from this file.")
    var file: String?

    @Flag(name: .long, help: "Trino's parse_decimal_literals_as_double: 1.5 is a DOUBLE, not DECIMAL(2,1).")
    var decimalLiteralsAsDouble = false

    @Option(name: .long, help: "Memory one query may hold for hash tables, sorts and windows: 8GB, 512MiB, bytes (default: tarn.yaml's query.memoryLimit, else 80 % of the memory available).")
    var memoryLimit: String?

    @Flag(name: .long, help: "Print no summary line on stderr.")
    var quiet = false

    @Argument(help: "The SQL statement (or use --file).")
    var sql: String?

    func validate() throws {
        guard (sql == nil) != (file == nil) else { throw ValidationError("give the SQL as an argument or with --file, not both") }
    }

    func run() async throws {
        let text: String
        if let file {
            guard let contents = FileManager.default.contents(atPath: file) else { fail("cannot read \(file)") }
            text = String(decoding: contents, as: UTF8.self)
        } else {
            text = sql ?? ""
        }
        let statements = SQLScript.split(text)
        guard !statements.isEmpty else { fail("no SQL statement given") }
        var limit: Int? = nil
        if let memoryLimit {
            do {
                let bytes = try LakeConfiguration.byteSize(memoryLimit, source: "--memory-limit")
                guard bytes >= LakeConfiguration.minimumQueryMemoryLimit else { fail("--memory-limit: \(bytes) bytes is below the minimum of 1 MiB") }
                limit = Int(bytes)
            } catch let error as TarnError {
                fail(error.message)
            }
        }
        let lake: Lake
        do {
            lake = try Lake(path: data, queryOptions: QueryServiceOptions(allowLocalFiles: true), queryMemoryLimit: limit)
        } catch let error as TarnError where error.code == .conflict {
            fail("\(error.message)\n`tarn query` opens the data directory itself and cannot share it with a running server yet; stop the server first")
        } catch let error as TarnError {
            fail(error.message)
        }
        var context = QueryContext(database: database, workgroup: workgroup, parseDecimalLiteralsAsDouble: decimalLiteralsAsDouble)
        for statement in statements {
            do {
                let outcome = try await lake.query.execute(statement, context: &context)
                if !outcome.result.schema.fields.isEmpty {
                    FileHandle.standardOutput.write(Data(ResultFormatter.render(outcome.result, format: format).utf8))
                }
                if !quiet { FileHandle.standardError.write(Data((Self.summary(outcome) + "\n").utf8)) }
            } catch let error as TarnError {
                fail(SQLDiagnostics.render(error, sql: statement))
            }
        }
    }

    /// `rows=… bytes_scanned=… (… MB) files=… row_groups=… time=…s query_id=…`.
    static func summary(_ outcome: StatementResult) -> String {
        let s = outcome.statistics
        var line = "rows=\(s.rows) bytes_scanned=\(s.bytesScanned) (\(Self.bytes(s.bytesScanned)))"
        line += " files=\(s.filesRead) read/\(s.filesSkipped) skipped row_groups=\(s.rowGroupsRead) read/\(s.rowGroupsSkipped) skipped"
        if outcome.bytesWritten > 0 { line += " bytes_written=\(outcome.bytesWritten) (\(Self.bytes(outcome.bytesWritten)))" }
        line += " time=\(String(format: "%.3f", s.wallTime))s query_id=\(outcome.queryID)"
        return line
    }

    static func bytes(_ count: Int64) -> String {
        let units = ["B", "KB", "MB", "GB", "TB"]
        var value = Double(count)
        var unit = 0
        while value >= 1000 && unit < units.count - 1 {
            value /= 1000
            unit += 1
        }
        return unit == 0 ? "\(count) B" : String(format: "%.2f", value) + " " + units[unit]
    }
}

import Foundation
import TarnTesting

/// Runs `Peers/parquet_peers.py` (pyarrow and DuckDB from PyPI).
enum Peers {
    static let script = Fixtures.packageRoot + "/Tests/ParquetTests/Peers/parquet_peers.py"

    /// Whether python3 with pyarrow and duckdb is installed.
    static let available: Bool = {
        (try? run(["-c", "import pyarrow, duckdb"])) != nil
    }()

    /// Runs python3 with `arguments`; returns stdout.
    @discardableResult
    static func run(_ arguments: [String]) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw PeerError(message: "python3 \(arguments.prefix(2).joined(separator: " ")) failed: \(errorText)")
        }
        return data
    }

    struct PeerError: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }
}

import ArgumentParser
import Foundation
import TarnCore

/// Writes a line to standard output immediately (stdout is block-buffered when redirected, and
/// scripts wait for these lines).
func say(_ text: String) {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
}

/// Prints `error: message` to standard error and exits with status 1 — for failures that are
/// not usage mistakes, so ArgumentParser's usage text would only distract.
func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("error: \(message)\n".utf8))
    Foundation.exit(1)
}

/// Runs `body`, turning a `TarnError` into `fail(message)`.
func reportingErrors<T>(_ body: () async throws -> T) async rethrows -> T {
    do {
        return try await body()
    } catch let error as TarnError {
        fail(error.message)
    }
}

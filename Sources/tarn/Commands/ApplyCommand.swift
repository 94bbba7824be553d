import ArgumentParser
import Foundation
import Lake
import Pipeline
import TarnCore

/// Reads and checks a `lake.yaml`, printing every problem with its line and exiting 1.
func loadPipelineConfig(_ file: String) -> (PipelineConfig, String) {
    guard let bytes = try? FileSystem.readFile(file) else { fail("cannot read \(file)") }
    let text = String(decoding: bytes, as: UTF8.self)
    do {
        return (try PipelineConfigParser.parse(text, source: file), text)
    } catch let errors as ConfigErrors {
        FileHandle.standardError.write(Data((errors.description + "\n").utf8))
        Foundation.exit(1)
    } catch {
        fail("\(file): \(error)")
    }
}

/// `tarn validate lake.yaml`.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a lake.yaml and report every mistake with its line (nothing is changed).")

    @Argument(help: "The lake configuration, e.g. examples/retail/lake.yaml.")
    var file: String

    func run() throws {
        let (config, _) = loadPipelineConfig(file)
        let columns = config.tables.reduce(0) { $0 + $1.columns.count }
        say(
            "\(file) is valid: \(config.environments.count) environment(s) (\(config.environments.map(\.name).joined(separator: ", "))), "
                + "\(config.tables.count) table(s) with \(columns) columns, \(config.marts.count) mart(s), \(config.roles.count) role(s)"
                + (config.lifecycle.map { ", lifecycle rules for \($0.zones.count) zone(s)" } ?? ""))
    }
}

/// `tarn apply lake.yaml`.
struct ApplyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Create or update buckets, databases, jobs, marts, KMS keys, roles and bucket security to match a lake.yaml; prints what changed.",
        discussion: """
            Idempotent: applying the same file again changes nothing. A table or mart removed from the \
            file loses its job or mart table (cleansed data stays). Embedded mode: run it while no \
            server holds --data (the server refreshes marts and runs jobs from what was applied).
            """)

    @Argument(help: "The lake configuration, e.g. examples/retail/lake.yaml.")
    var file: String

    @Option(name: .long, help: "The data directory.")
    var data: String = "./tarn-data"

    @Flag(name: .long, help: "Only print what would change.")
    var dryRun = false

    func run() async throws {
        let (config, text) = loadPipelineConfig(file)
        let lake = try await reportingErrors { try Lake(path: data) }
        let changes = try await reportingErrors { try await lake.applyPipeline(config, text: text, dryRun: dryRun) }
        for change in changes { say("  \(change)") }
        say((dryRun && !changes.isEmpty ? "Plan: " : changes.isEmpty ? "" : "Applied: ") + changes.summary)
    }
}

/// `tarn marts refresh`.
struct MartsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "marts",
        abstract: "Refresh the marts of an applied lake.yaml.",
        subcommands: [MartsRefreshCommand.self])
}

/// `tarn marts refresh [--env dev]`.
struct MartsRefreshCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "refresh", abstract: "Rebuild every mart of an environment now.")

    @Option(name: .long, help: "The environment.")
    var env: String = "dev"

    @Option(name: .long, help: "The data directory.")
    var data: String = "./tarn-data"

    func run() async throws {
        let lake = try await reportingErrors { try Lake(path: data) }
        let refreshes = try await reportingErrors { try await lake.pipeline.refreshMarts(in: env) }
        if refreshes.isEmpty { say("no marts in environment \(env) (was a lake.yaml applied?)") }
        for refresh in refreshes {
            say("\(refresh.mart): \(refresh.rows) rows, \(refresh.bytes) bytes at \(refresh.location) (\(String(format: "%.2f", refresh.seconds)) s)")
        }
    }
}

import ArgumentParser
import Foundation
import Jobs
import Lake
import TarnCore

/// `tarn jobs`: define, run and inspect ETL jobs.
///
/// Embedded mode: the command opens the data directory itself, which works when no server holds
/// it (the server owns the directory's lock while it runs).
struct JobsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jobs",
        abstract: "Define, run and inspect ETL jobs (raw CSV/JSON → validated, deduplicated, partitioned Parquet).",
        subcommands: [JobsDefineCommand.self, JobsRunCommand.self, JobsListCommand.self, JobsHistoryCommand.self, JobsCompactCommand.self])
}

/// Options every `tarn jobs` subcommand takes.
struct JobsOptions: ParsableArguments {
    @Option(name: .long, help: "The data directory.")
    var data: String = "./tarn-data"

    @Option(name: .long, help: "Output format: table or json.")
    var format: OutputFormat = .table

    /// Opens the lake in embedded mode.
    func openLake() async throws -> Lake {
        try await reportingErrors { try Lake(path: data) }
    }
}

/// How results are printed.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json
}

/// `tarn jobs define FILE`: store job definitions from JSON.
struct JobsDefineCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "define",
        abstract: "Create or replace jobs from a JSON file (one definition or an array of them).",
        discussion: "The JSON form of JobDefinition: name, source, target (database, table, bucket, prefix, columns, partitionKeys), dedupe, quarantine, output, triggers.")

    @Argument(help: "The JSON file, or - for standard input.")
    var file: String

    @Flag(name: .long, help: "Create the buckets the jobs name when they do not exist yet.")
    var createBuckets = false

    @OptionGroup var options: JobsOptions

    func run() async throws {
        let bytes: Data
        if file == "-" {
            bytes = FileHandle.standardInput.readDataToEndOfFile()
        } else {
            bytes = try await reportingErrors { Data(try FileSystem.readFile(file)) }
        }
        let definitions: [JobDefinition]
        do {
            if let list = try? JSONDecoder().decode([JobDefinition].self, from: bytes) {
                definitions = list
            } else {
                definitions = [try JSONDecoder().decode(JobDefinition.self, from: bytes)]
            }
        } catch {
            fail("\(file) is not a job definition: \(error)")
        }
        let lake = try await options.openLake()
        for definition in definitions {
            if createBuckets {
                let buckets = Set([definition.source.bucket, definition.target.bucket, definition.quarantine.bucket, definition.manifests.bucket])
                for bucket in buckets.sorted() where (try? lake.store.bucket(bucket)) == nil {
                    try await reportingErrors { try await lake.store.createBucket(bucket) }
                }
            }
            _ = try await reportingErrors { try await lake.jobs.define(definition) }
            if options.format == .table { say("defined job \(definition.name): \(definition.source.location) → \(definition.target.database).\(definition.target.table) at \(definition.target.location)") }
        }
        if options.format == .json { say(JobsOutput.json(definitions.map(\.name))) }
    }
}

/// `tarn jobs run NAME`.
struct JobsRunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a job now: process new objects, commit, publish; prints the run's manifest summary.",
        discussion: "Interrupted runs are finished (if committed) or rolled back first. Exits 1 when the run fails.")

    @Argument(help: "The job's name.")
    var name: String

    @OptionGroup var options: JobsOptions

    func run() async throws {
        let lake = try await options.openLake()
        try await reportingErrors { try await lake.recover() }
        let faults = Self.faultsFromEnvironment()
        do {
            let run = try await lake.jobs.run(name, trigger: .manual, faults: faults)
            switch options.format {
            case .json: say(JobsOutput.json(run))
            case .table: say(JobsOutput.summary(run))
            }
        } catch let error as TarnError {
            if options.format == .json, let failed = try? lake.jobs.history(job: name, limit: 1).first, failed.status == .failed {
                say(JobsOutput.json(failed))
            }
            fail(error.message)
        }
    }

    /// Crash testing: `TARN_JOBS_KILL_AT=step[:occurrence]` makes the process SIGKILL itself at
    /// that commit-protocol step (see `JobStep`), so the interop suite can check recovery after a
    /// real `kill -9` at a precise point.
    static func faultsFromEnvironment() -> FaultInjector {
        guard let spec = ProcessInfo.processInfo.environment["TARN_JOBS_KILL_AT"], !spec.isEmpty else { return .none }
        let parts = spec.split(separator: ":")
        guard let step = JobStep(rawValue: String(parts[0])) else { fail("TARN_JOBS_KILL_AT: unknown step '\(parts[0])'") }
        let occurrence = parts.count > 1 ? Int(parts[1]) ?? 1 : 1
        return .kill(at: step, occurrence: occurrence)
    }
}

/// `tarn jobs list`.
struct JobsListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List jobs with their last run.")

    @OptionGroup var options: JobsOptions

    func run() async throws {
        let lake = try await options.openLake()
        let definitions = try await reportingErrors { try lake.jobs.definitions() }
        let last = definitions.map { (try? lake.jobs.history(job: $0.name, limit: 1).first) ?? nil }
        switch options.format {
        case .json:
            let entries = zip(definitions, last).map { JobsOutput.JobEntry(definition: $0, lastRun: $1) }
            say(JobsOutput.json(entries))
        case .table:
            say(JobsOutput.table(
                header: ["JOB", "SOURCE", "TABLE", "TRIGGERS", "LAST RUN", "STATUS", "ROWS WRITTEN"],
                rows: zip(definitions, last).map { definition, run in
                    [definition.name, definition.source.location.description, "\(definition.target.database).\(definition.target.table)",
                     JobsOutput.triggers(definition.triggers), run.map { JobsOutput.time($0.startedAt) } ?? "-", run?.status.rawValue ?? "-",
                     run?.manifest.map { String($0.totals.rowsWritten) } ?? "-"]
                }))
        }
    }
}

/// `tarn jobs history NAME`.
struct JobsHistoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history", abstract: "Show a job's runs, newest first, with source objects, manifests and errors.")

    @Argument(help: "The job's name.")
    var name: String

    @Option(name: .long, help: "At most this many runs.")
    var limit: Int = 20

    @Option(name: .long, help: "Source objects listed per run in the table format.")
    var objectLimit: Int = 10

    @OptionGroup var options: JobsOptions

    func run() async throws {
        let lake = try await options.openLake()
        let definition = try await reportingErrors { try lake.jobs.definition(name) }
        let runs = try await reportingErrors { try lake.jobs.history(job: name, limit: limit) }
        switch options.format {
        case .json: say(JobsOutput.json(runs))
        case .table:
            say(JobsOutput.table(
                header: ["#", "RUN", "KIND", "TRIGGER", "STATUS", "STARTED", "SECONDS", "OBJECTS", "READ", "WRITTEN", "QUARANTINED", "DUPLICATE"],
                rows: runs.map { run in
                    let totals = run.manifest?.totals
                    return [String(run.sequence), run.runID, run.kind.rawValue, run.trigger.rawValue, run.status.rawValue, JobsOutput.time(run.startedAt),
                            run.finishedAt.map { String(format: "%.1f", $0.timeIntervalSince(run.startedAt)) } ?? "-", String(run.sources.count),
                            totals.map { String($0.rowsRead) } ?? "-", totals.map { String($0.rowsWritten) } ?? "-",
                            totals.map { String($0.rowsQuarantined) } ?? "-", totals.map { String($0.rowsDuplicate) } ?? "-"]
                }))
            for run in runs where !run.sources.isEmpty || run.error != nil {
                say("")
                say("run \(run.sequence) (\(run.runID)), batch \(run.batchID):")
                let reports = Dictionary((run.manifest?.sources ?? []).map { ($0.object, $0.counts) }, uniquingKeysWith: { a, _ in a })
                for object in run.sources.prefix(objectLimit) {
                    let counts = reports[object].map { "  \($0.rowsRead) read, \($0.rowsWritten) written, \($0.rowsQuarantined) quarantined, \($0.rowsDuplicate) duplicate" } ?? ""
                    say("  \(object.uri) (\(object.size) bytes)\(counts)")
                }
                if run.sources.count > objectLimit { say("  … \(run.sources.count - objectLimit) more objects (--format json lists them all)") }
                if let manifest = run.manifest, !manifest.files.isEmpty {
                    let location = "s3://\(definition.manifests.bucket)/\(definition.manifests.prefix)\(run.runID).json"
                    say("  manifest: \(location), \(manifest.files.filter { $0.kind == .data }.count) data file(s) in \(manifest.partitions.count) partition(s)")
                }
                if let error = run.error { say("  error: \(error)") }
            }
        }
    }
}

/// `tarn jobs compact NAME`.
struct JobsCompactCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compact", abstract: "Merge small files of a job's table into files of the compaction target size.")

    @Argument(help: "The job's name.")
    var name: String

    @Option(name: .long, help: "Only this partition (e.g. year=2024/month=3/day=1); repeatable.")
    var partition: [String] = []

    @OptionGroup var options: JobsOptions

    func run() async throws {
        let lake = try await options.openLake()
        try await reportingErrors { try await lake.recover() }
        let run = try await reportingErrors { try await lake.jobs.compact(name, partitions: partition.isEmpty ? nil : partition) }
        switch options.format {
        case .json: say(JobsOutput.json(run))
        case .table: say(JobsOutput.summary(run))
        }
    }
}

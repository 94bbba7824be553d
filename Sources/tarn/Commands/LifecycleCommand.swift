import ArgumentParser
import Foundation
import Storage
import TarnCore

/// `tarn lifecycle run|plan`: apply bucket lifecycle rules now (or as of a day), or show what
/// they will do and when.
struct LifecycleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lifecycle", abstract: "Apply or plan S3 lifecycle rules (transitions, expirations, aborted uploads).",
        subcommands: [Run.self, Plan.self])

    /// `tarn lifecycle run`.
    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Apply every bucket's lifecycle rules once.",
            discussion: """
                The server applies the rules daily by itself; this runs them now. With --as-of the rules are applied as if that day \
                were today (objects are moved or expired by their real ages at that date) — for tests, drills and planning. Every \
                action is appended to DIR/storage/lifecycle/actions.log.
                """)
        @Option(help: "Evaluate the rules as of this day (YYYY-MM-DD, midnight UTC).") var asOf: String?
        @Flag(help: "Only show what would be done.") var dryRun = false
        @OptionGroup var options: StreamsJSONClient.Options

        func run() async throws {
            try await reportingErrors {
                var body: [String: Any] = ["DryRun": dryRun]
                if let asOf { body["AsOf"] = try validatedDay(asOf) }
                let client = try StreamsJSONClient.connect(options)
                let response = try await client.call("TarnAdmin.RunLifecycle", body)
                if options.json { return printJSON(response) }
                let report = try decode(LifecycleRunReport.self, response)
                printTable(
                    ["ACTION", "OBJECT", "FROM", "TO", "RULE"],
                    report.actions.map { ["\($0.action)", "s3://\($0.bucket)/\($0.key)", $0.fromClass ?? "-", $0.toClass ?? "-", $0.rule] })
                say("\(dryRun ? "would take" : "took") \(report.actions.count) action(s) on \(report.examined) object(s) as of \(UTCDays.format(report.asOf)); \(report.skipped) skipped, \(report.failures.count) failed")
                for failure in report.failures { say("failed: \(failure)") }
                if !report.failures.isEmpty { throw ExitCode(1) }
            }
        }
    }

    /// `tarn lifecycle plan`.
    struct Plan: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show what lifecycle rules will move or expire, and when.")
        @Option(help: "Plan from this day (YYYY-MM-DD); default today.") var asOf: String?
        @Option(help: "How many days ahead.") var days = 5 * 366
        @OptionGroup var options: StreamsJSONClient.Options

        func run() async throws {
            try await reportingErrors {
                var body: [String: Any] = ["Days": days]
                if let asOf { body["AsOf"] = try validatedDay(asOf) }
                let client = try StreamsJSONClient.connect(options)
                let response = try await client.call("TarnAdmin.PlanLifecycle", body)
                if options.json { return printJSON(response) }
                struct Plan: Decodable { var Actions: [PlannedStep] }
                struct PlannedStep: Decodable {
                    var bucket: String, key: String, size: Int64, due: Date, action: String, fromClass: String?, toClass: String?, rule: String
                }
                let plan = try decode(Plan.self, response)
                printTable(
                    ["DUE", "ACTION", "OBJECT", "SIZE", "FROM", "TO", "RULE"],
                    plan.Actions.map {
                        [UTCDays.format($0.due), $0.action, "s3://\($0.bucket)/\($0.key)", String($0.size), $0.fromClass ?? "-", $0.toClass ?? "-", $0.rule]
                    })
                say("\(plan.Actions.count) step(s) in the next \(days) days")
            }
        }
    }
}

/// Checks a `YYYY-MM-DD` option.
func validatedDay(_ text: String) throws -> String {
    guard UTCDays.parse(text) != nil else { throw ValidationError("expected a day as YYYY-MM-DD, got '\(text)'") }
    return text
}

/// Decodes a JSON response object into `T` (dates ISO 8601).
func decode<T: Decodable>(_ type: T.Type, _ object: [String: Any]) throws -> T {
    let decoder = JSONDecoder()
    decoder.dateDecodingStrategy = .iso8601
    do {
        return try decoder.decode(type, from: try JSONSerialization.data(withJSONObject: object))
    } catch {
        throw TarnError(.corrupt, "unexpected response: \(error)")
    }
}

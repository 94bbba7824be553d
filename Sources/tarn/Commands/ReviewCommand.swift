import ArgumentParser
import Cost
import Foundation
import TarnCore

/// `tarn review`: the Well-Architected lens over the live lake; exits non-zero when a finding
/// of the chosen severity exists, so it can gate CI.
struct ReviewCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review", abstract: "Review the lake against the Well-Architected data analytics lens.",
        discussion: "Findings by pillar with evidence, estimated effect and fix. Exit status 2 when a finding at or above --fail-on exists.")
    @Option(help: "Fail (exit 2) on findings of at least this severity: low, medium, high, or none.") var failOn = "medium"
    @Option(help: "Review as of this day (YYYY-MM-DD); default now.") var asOf: String?
    @OptionGroup var options: StreamsJSONClient.Options

    func validate() throws {
        guard failOn == "none" || Severity(rawValue: failOn) != nil else { throw ValidationError("--fail-on must be low, medium, high or none") }
    }

    func run() async throws {
        let report: ReviewReport = try await reportingErrors {
            var body: [String: Any] = [:]
            if let asOf { body["AsOf"] = try validatedDay(asOf) }
            let client = try StreamsJSONClient.connect(options)
            let response = try await client.call("TarnAdmin.Review", body)
            if options.json { printJSON(response) }
            return try decode(ReviewReport.self, response)
        }
        if !options.json {
            for pillar in Pillar.allCases {
                let findings = report.findings.filter { $0.pillar == pillar }
                say("\(pillar.rawValue): \(findings.isEmpty ? "no findings" : "\(findings.count) finding(s)")")
                for finding in findings {
                    say("  [\(finding.severity.rawValue)] \(finding.title) — \(finding.resource) (\(finding.check))")
                    for line in finding.evidence { say("      evidence: \(line)") }
                    say("      effect:   \(finding.effect)")
                    say("      fix:      \(finding.fix)")
                }
            }
            for (check, reason) in report.checksUnavailable.sorted(by: { $0.key < $1.key }) { say("not checked: \(check): \(reason)") }
        }
        if let threshold = Severity(rawValue: failOn), report.hasFinding(atLeast: threshold) { throw ExitCode(2) }
    }
}

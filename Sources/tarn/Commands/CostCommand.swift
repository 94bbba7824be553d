import ArgumentParser
import Cost
import Foundation
import Storage
import TarnCore

/// `tarn cost`: the lake's footprint and what it would cost on AWS, now and over 5 years under
/// its lifecycle rules.
struct CostCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cost", abstract: "Show bytes and objects per bucket, zone and class, and their cost at AWS list prices.",
        discussion: "Prices: us-east-1 list prices, overridable in the prices section of DIR/tarn.yaml. --format json prints the whole report.")
    @Option(help: "Report as of this day (YYYY-MM-DD); default now.") var asOf: String?
    @Option(help: "Years to project under the lifecycle rules.") var years = 5
    @OptionGroup var options: StreamsJSONClient.Options

    func run() async throws {
        try await reportingErrors {
            var body: [String: Any] = ["Years": years]
            if let asOf { body["AsOf"] = try validatedDay(asOf) }
            let client = try StreamsJSONClient.connect(options)
            let response = try await client.call("TarnAdmin.CostReport", body)
            if options.json { return printJSON(response) }
            let report = try decode(CostReport.self, response)
            printTable(
                ["BUCKET", "ZONE", "CLASS", "OBJECTS", "BYTES", "BILLABLE", "USD/MONTH"],
                report.footprint.map {
                    [$0.bucket, $0.zone, $0.storageClass, String($0.objects), String($0.bytes), String($0.billableBytes), usd($0.monthlyStorageUSD)]
                })
            say("")
            say(
                "This month: storage \(usd(report.monthly.storageUSD)), requests \(usd(report.monthly.requestsUSD)), retrievals \(usd(report.monthly.retrievalUSD)), "
                    + "queries \(usd(report.monthly.queriesUSD)); total \(usd(report.monthly.totalUSD))")
            printQueries(report)
            let projection = report.projection
            say("")
            say("Next \(projection.years) years, today's objects:")
            printTable(
                ["YEAR", "WITH LIFECYCLE", "  STORAGE", "  TRANSITIONS", "  EARLY DELETION", "WITHOUT LIFECYCLE"],
                projection.withLifecycle.indices.map { year in
                    let with = projection.withLifecycle[year]
                    return [String(year + 1), usd(with.totalUSD), usd(with.storageUSD), usd(with.transitionsUSD), usd(with.earlyDeletionUSD), usd(projection.withoutLifecycle[year].totalUSD)]
                })
            say("total: \(usd(projection.totalWithLifecycleUSD)) with lifecycle rules, \(usd(projection.totalWithoutLifecycleUSD)) without; \(projection.transitions) transitions, \(projection.expirations) expirations")
            for assumption in projection.assumptions { say("  assumes \(assumption)") }
            for missing in report.unavailable { say("not available: \(missing)") }
        }
    }

    /// The query section: per workgroup, then per table.
    func printQueries(_ report: CostReport) {
        let queries = report.queries
        say("")
        say(
            "Queries from \(UTCDays.format(queries.from)) to \(UTCDays.format(queries.to)) (Athena: \(String(format: "$%.2f", report.prices.athenaPerTB))/TB scanned, "
                + "each query rounded up to the MB, at least \(report.prices.athenaMinimumBytesPerQuery / 1_000_000) MB; DDL and failed queries free):")
        guard !queries.byWorkgroup.isEmpty else { return say("  no queries recorded") }
        printTable(
            ["WORKGROUP", "QUERIES", "BILLED", "FAILED", "CANCELLED", "BYTES SCANNED", "BILLED BYTES", "USD", "CUTOFF/QUERY"],
            queries.byWorkgroup.map {
                [
                    $0.workgroup, String($0.queries), String($0.billedQueries), String($0.failed), String($0.cancelled), String($0.bytesScanned),
                    String($0.billedBytes), usd4($0.usd), $0.bytesScannedCutoffPerQuery.map(String.init) ?? "-",
                ]
            })
        if !queries.byTable.isEmpty {
            say("")
            printTable(
                ["TABLE", "QUERIES", "BYTES SCANNED", "USD"],
                queries.byTable.map { row in
                    [(row.database.map { "\($0)." } ?? "") + row.table, String(row.queries), String(row.bytesScanned), usd4(row.usd)]
                })
        }
        say("total: \(queries.queries) queries, \(queries.bytesScanned) bytes scanned, \(queries.billedBytes) bytes billed, \(usd4(queries.usd))")
    }

    func usd(_ value: Double) -> String { String(format: "$%.2f", value) }

    /// Query costs are fractions of a cent: four decimals.
    func usd4(_ value: Double) -> String { String(format: "$%.4f", value) }
}

import ArgumentParser
import Foundation
import SampleData
import TarnCore

/// `tarn generate …`: sample data sets.
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate", abstract: "Generate sample data.", subcommands: [Retail.self])

    /// `tarn generate retail`.
    struct Retail: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Generate the seeded retail data set (POS sales CSV per store and night, inventory, products, stores, clickstream JSON Lines).",
            discussion: "Scale 1 ≈ 10 M sales lines and 10 M events over 91 days; the share per day is the same at any --days.")

        @Option(help: "Scale factor.") var scale: Double = 0.1
        @Option(help: "Output directory.") var out: String
        @Option(help: "Number of days.") var days: Int = 7
        @Option(help: "First day, YYYY-MM-DD.") var start: String = "2024-03-01"
        @Option(help: "Random seed.") var seed: UInt64 = 42
        @Option(help: "Share of sales lines re-sent (exact duplicates).") var duplicateRate: Double = 0.01
        @Option(help: "Share of sales lines that are dirty.") var dirtyRate: Double = 0.003

        func run() throws {
            var options = RetailOptions()
            options.scale = scale
            options.days = days
            options.startDate = start
            options.seed = seed
            options.duplicateRate = duplicateRate
            options.dirtyRate = dirtyRate
            do {
                let manifest = try RetailGenerator(options: options).generate(to: out)
                say(
                    "wrote \(manifest.files.count) files (\(manifest.bytes) bytes) to \(out): \(manifest.salesRows) sales lines (\(manifest.salesDuplicateRows) re-sent, \(manifest.salesDirtyRowsTotal) dirty; \(manifest.salesCleanDistinctRows) clean distinct), \(manifest.clickstreamRows) events, \(manifest.inventoryRows) inventory rows"
                )
            } catch let error as TarnError {
                fail(error.message)
            }
        }
    }
}

import ArgumentParser
import TarnCore

/// The `tarn` command line: every subcommand parses its options and calls into the library
/// modules; no logic lives here.
@main
struct Tarn: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tarn",
        abstract: "A self-hosted data lake: S3-compatible storage, streaming ingest, ETL and SQL in one binary.",
        version: TarnCoreModule.version,
        subcommands: [
            ServerCommand.self, DemoCommand.self, ApplyCommand.self, ValidateCommand.self, MartsCommand.self, JobsCommand.self, StreamsCommand.self, FirehoseCommand.self, ParquetCommand.self, ConvertCommand.self,
            GenerateCommand.self, QueryCommand.self, PresignCommand.self, IAMCommand.self, LifecycleCommand.self, CostCommand.self, ReviewCommand.self,
            VersionCommand.self,
        ]
    )

    /// Tunes the allocator before any command runs (column buffers are reused instead of
    /// mapped and faulted in again per row group), then parses and runs the command.
    static func main() async {
        AllocatorTuning.apply()
        await main(nil)
    }
}

/// `tarn version`.
struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "version", abstract: "Print Tarn's version.")

    func run() {
        print("tarn \(TarnCoreModule.version)")
    }
}

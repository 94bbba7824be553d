import ArgumentParser
import Foundation
import TarnCore

/// `tarn firehose`: list and describe delivery streams.
struct FirehoseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "firehose", abstract: "Inspect delivery streams (Firehose API).", subcommands: [List.self, Describe.self])

    /// `tarn firehose list`.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List delivery streams.")
        @OptionGroup var options: StreamsJSONClient.Options

        func run() async throws {
            try await reportingErrors {
                let client = try StreamsJSONClient.connect(options)
                let names = try await client.call("Firehose_20150804.ListDeliveryStreams", ["Limit": 10_000])["DeliveryStreamNames"] as? [String] ?? []
                var rows: [[String]] = []
                var json: [[String: Any]] = []
                for name in names {
                    let description = try await client.call("Firehose_20150804.DescribeDeliveryStream", ["DeliveryStreamName": name])["DeliveryStreamDescription"] as? [String: Any] ?? [:]
                    json.append(description)
                    let destination = ((description["Destinations"] as? [[String: Any]])?.first?["ExtendedS3DestinationDescription"] as? [String: Any]) ?? [:]
                    let bucket = (destination["BucketARN"] as? String ?? "").replacingOccurrences(of: "arn:aws:s3:::", with: "")
                    rows.append([name, description["DeliveryStreamType"] as? String ?? "", description["DeliveryStreamStatus"] as? String ?? "", "s3://\(bucket)/\(destination["Prefix"] as? String ?? "")"])
                }
                if options.json { printJSON(json) } else { printTable(["NAME", "SOURCE", "STATUS", "DESTINATION"], rows) }
            }
        }
    }

    /// `tarn firehose describe NAME`.
    struct Describe: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a delivery stream's source, buffering and destination.")
        @Argument(help: "The delivery stream's name.") var name: String
        @OptionGroup var options: StreamsJSONClient.Options

        func run() async throws {
            try await reportingErrors {
                let client = try StreamsJSONClient.connect(options)
                let description = try await client.call("Firehose_20150804.DescribeDeliveryStream", ["DeliveryStreamName": name])["DeliveryStreamDescription"] as? [String: Any] ?? [:]
                if options.json {
                    printJSON(description)
                    return
                }
                let destination = ((description["Destinations"] as? [[String: Any]])?.first?["ExtendedS3DestinationDescription"] as? [String: Any]) ?? [:]
                let hints = destination["BufferingHints"] as? [String: Any] ?? [:]
                say("Delivery stream:  \(name)")
                say("ARN:              \(description["DeliveryStreamARN"] ?? "")")
                say("Status:           \(description["DeliveryStreamStatus"] ?? "")")
                say("Source:           \(description["DeliveryStreamType"] ?? "")")
                if let source = (description["Source"] as? [String: Any])?["KinesisStreamSourceDescription"] as? [String: Any] {
                    say("Source stream:    \(source["KinesisStreamARN"] ?? "")")
                    say("Source role:      \(source["RoleARN"] ?? "(Tarn itself)")")
                }
                say("Role:             \(destination["RoleARN"] ?? "(Tarn itself)")")
                say("Bucket:           \(destination["BucketARN"] ?? "")")
                say("Prefix:           \(destination["Prefix"] ?? "")")
                say("Error prefix:     \(destination["ErrorOutputPrefix"] ?? "(default)")")
                say("Buffering:        \(hints["SizeInMBs"] ?? "") MiB or \(hints["IntervalInSeconds"] ?? "") s")
                say("Compression:      \(destination["CompressionFormat"] ?? "")")
                if let partitioning = destination["DynamicPartitioningConfiguration"] as? [String: Any], partitioning["Enabled"] as? Bool == true {
                    say("Partitioning:     dynamic")
                }
                if let failure = description["FailureDescription"] as? [String: Any] { say("Last failure:     \(failure["Details"] ?? "")") }
            }
        }
    }
}

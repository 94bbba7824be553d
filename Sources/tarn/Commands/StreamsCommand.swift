import ArgumentParser
import Foundation
import TarnCore

/// `tarn streams`: list, describe and tail Kinesis-style data streams.
struct StreamsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "streams",
        abstract: "Inspect data streams (Kinesis API) and follow their records.",
        subcommands: [List.self, Describe.self, Tail.self])

    /// `tarn streams list`.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List data streams.")
        @OptionGroup var options: StreamsJSONClient.Options

        func run() async throws {
            try await reportingErrors {
                let client = try StreamsJSONClient.connect(options)
                let summaries = (try await client.call("Kinesis_20131202.ListStreams", ["Limit": 10_000])["StreamSummaries"] as? [[String: Any]]) ?? []
                var rows: [[String]] = []
                var json: [[String: Any]] = []
                for summary in summaries {
                    let name = summary["StreamName"] as? String ?? ""
                    let detail = try await client.call("Kinesis_20131202.DescribeStreamSummary", ["StreamName": name])["StreamDescriptionSummary"] as? [String: Any] ?? [:]
                    json.append(detail)
                    rows.append([
                        name, detail["StreamStatus"] as? String ?? "", (detail["StreamModeDetails"] as? [String: Any])?["StreamMode"] as? String ?? "",
                        "\(detail["OpenShardCount"] ?? "")", "\(detail["RetentionPeriodHours"] ?? "")h",
                    ])
                }
                if options.json { printJSON(json) } else { printTable(["NAME", "STATUS", "MODE", "OPEN SHARDS", "RETENTION"], rows) }
            }
        }
    }

    /// `tarn streams describe NAME`.
    struct Describe: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a data stream and its shards.")
        @Argument(help: "The stream's name.") var name: String
        @OptionGroup var options: StreamsJSONClient.Options

        func run() async throws {
            try await reportingErrors {
                let client = try StreamsJSONClient.connect(options)
                let summary = try await client.call("Kinesis_20131202.DescribeStreamSummary", ["StreamName": name])["StreamDescriptionSummary"] as? [String: Any] ?? [:]
                let shards = try await client.call("Kinesis_20131202.ListShards", ["StreamName": name, "MaxResults": 10_000])["Shards"] as? [[String: Any]] ?? []
                let tags = try await client.call("Kinesis_20131202.ListTagsForStream", ["StreamName": name])["Tags"] as? [[String: Any]] ?? []
                if options.json {
                    printJSON(["Stream": summary, "Shards": shards, "Tags": tags])
                    return
                }
                say("Stream:     \(name)")
                say("ARN:        \(summary["StreamARN"] ?? "")")
                say("Status:     \(summary["StreamStatus"] ?? "")")
                say("Mode:       \((summary["StreamModeDetails"] as? [String: Any])?["StreamMode"] ?? "")")
                say("Retention:  \(summary["RetentionPeriodHours"] ?? "") hours")
                if !tags.isEmpty { say("Tags:       " + tags.map { "\($0["Key"] ?? "")=\($0["Value"] ?? "")" }.joined(separator: ", ")) }
                say("")
                printTable(
                    ["SHARD", "STATE", "PARENTS", "STARTING HASH KEY", "ENDING HASH KEY"],
                    shards.map { shard in
                        let range = shard["HashKeyRange"] as? [String: Any] ?? [:]
                        let sequence = shard["SequenceNumberRange"] as? [String: Any] ?? [:]
                        let parents = [shard["ParentShardId"], shard["AdjacentParentShardId"]].compactMap { $0 as? String }.joined(separator: "+")
                        return [
                            shard["ShardId"] as? String ?? "", sequence["EndingSequenceNumber"] == nil ? "open" : "closed", parents.isEmpty ? "-" : parents,
                            range["StartingHashKey"] as? String ?? "", range["EndingHashKey"] as? String ?? "",
                        ]
                    })
            }
        }
    }

    /// `tarn streams tail NAME`: prints records as they arrive, across every shard, following
    /// reshards into child shards.
    struct Tail: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a stream's records as they arrive (like tail -f).",
            discussion: "Each line: shard, sequence number, partition key, data (UTF-8 text, or base64 when binary). --format json prints one JSON object per record.")
        @Argument(help: "The stream's name.") var name: String
        @Option(name: .long, help: "Where to start: latest (new records only) or trim-horizon (everything retained).")
        var from: String = "latest"
        @Flag(name: .long, inversion: .prefixedNo, help: "Keep waiting for new records.")
        var follow = true
        @Option(name: .long, help: "Stop after this many records.")
        var limit: Int?
        @OptionGroup var options: StreamsJSONClient.Options

        func validate() throws {
            guard ["latest", "trim-horizon"].contains(from) else { throw ValidationError("--from must be latest or trim-horizon") }
        }

        func run() async throws {
            try await reportingErrors {
                let client = try StreamsJSONClient.connect(options)
                let start = from == "latest" ? "LATEST" : "TRIM_HORIZON"
                let shards = try await client.call("Kinesis_20131202.ListShards", ["StreamName": name, "MaxResults": 10_000])["Shards"] as? [[String: Any]] ?? []
                var iterators: [String: String] = [:]
                for shard in shards {
                    let id = shard["ShardId"] as? String ?? ""
                    let open = (shard["SequenceNumberRange"] as? [String: Any])?["EndingSequenceNumber"] == nil
                    // LATEST only makes sense on open shards; closed ones are read whole from TRIM_HORIZON.
                    if start == "LATEST" && !open { continue }
                    let response = try await client.call(
                        "Kinesis_20131202.GetShardIterator", ["StreamName": name, "ShardId": id, "ShardIteratorType": start])
                    iterators[id] = response["ShardIterator"] as? String
                }
                var printed = 0
                while !iterators.isEmpty {
                    var caughtUp = true
                    for (shard, iterator) in iterators.sorted(by: { $0.key < $1.key }) {
                        let page = try await client.call("Kinesis_20131202.GetRecords", ["ShardIterator": iterator, "Limit": 1000])
                        for record in page["Records"] as? [[String: Any]] ?? [] {
                            emit(shard: shard, record)
                            printed += 1
                            if let limit, printed >= limit { return }
                        }
                        if (page["MillisBehindLatest"] as? Int ?? 0) > 0 { caughtUp = false }
                        if let next = page["NextShardIterator"] as? String {
                            iterators[shard] = next
                        } else {
                            iterators[shard] = nil
                            for child in page["ChildShards"] as? [[String: Any]] ?? [] {
                                guard let id = child["ShardId"] as? String, iterators[id] == nil else { continue }
                                let response = try await client.call(
                                    "Kinesis_20131202.GetShardIterator", ["StreamName": name, "ShardId": id, "ShardIteratorType": "TRIM_HORIZON"])
                                iterators[id] = response["ShardIterator"] as? String
                            }
                        }
                    }
                    if caughtUp {
                        if !follow { return }
                        try await Task.sleep(nanoseconds: 200_000_000)
                    }
                }
            }
        }

        func emit(shard: String, _ record: [String: Any]) {
            let data = (record["Data"] as? String).flatMap { Data(base64Encoded: $0) } ?? Data()
            let text = String(data: data, encoding: .utf8).map { $0.trimmingCharacters(in: .newlines) }
            if options.json {
                var object: [String: Any] = [
                    "ShardId": shard, "SequenceNumber": record["SequenceNumber"] ?? "", "PartitionKey": record["PartitionKey"] ?? "",
                    "ApproximateArrivalTimestamp": record["ApproximateArrivalTimestamp"] ?? 0,
                ]
                if let text { object["Data"] = text } else { object["DataBase64"] = record["Data"] ?? "" }
                printJSON(object)
            } else {
                say("\(shard)  \(record["SequenceNumber"] ?? "")  \(record["PartitionKey"] ?? "")  \(text ?? "base64:" + ((record["Data"] as? String) ?? ""))")
            }
        }
    }
}

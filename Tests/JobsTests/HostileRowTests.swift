import Foundation
import Storage
import TarnCore
import Testing

@testable import Jobs

/// Validation and quarantine with hostile input: every bad row lands in quarantine with its
/// source object, line and a reason naming the problem; good rows around it are untouched.
@Suite struct HostileRowTests {
    /// The synthetic events job against one object; returns the run and the quarantine records by line.
    static func run(_ text: [UInt8], key: String = "raw/events/hostile.csv", job: JobDefinition = SyntheticEvents.job()) async throws
        -> (run: RunRecord, rejects: [Int: [String: Any]], lake: LakeFixture)
    {
        let lake = try await LakeFixture(prefix: "tarn-jobs-hostile")
        try await lake.runner.define(job)
        try await lake.put(key, text)
        let run = try await lake.runner.run(job.name)
        var rejects: [Int: [String: Any]] = [:]
        for line in try lake.quarantineLines("quarantine/\(job.name)/") {
            let record = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            rejects[record["line"] as? Int ?? -1] = record
        }
        return (run, rejects, lake)
    }

    static let header = "id,seq,amount,kind,at\n"

    @Test func wrongColumnCountsEmbeddedNewlinesAndQuotes() async throws {
        let text = Self.header + #"""
            E000001,1,1.00,a,2024-03-01T10:00:00
            E000002,2,1.00,a
            E000003,3,1.00,a,2024-03-01T10:00:00,extra
            E000004,4,1.00,"a",2024-03-01T10:00:00
            "E000005",5,"2.50","
            b",2024-03-01T10:00:00
            E000006,6,1.00,"c""",2024-03-01T10:00:00
            E000007,7,1.00,"a,b",2024-03-01T10:00:00
            E000008,8,"1.00,a,2024-03-01T10:00:00

            """#
        let (run, rejects, lake) = try await Self.run(Array(text.utf8))
        defer { lake.remove() }
        let counts = try #require(run.manifest?.totals)
        #expect(counts.balanced)
        // Good: 1, 4 and 5 (a quoted newline in a field; trimmed to "b").
        #expect(counts.rowsWritten == 3)
        #expect(rejects[3]?["reason"] as? String == "expected 5 fields, found 4")
        #expect(rejects[4]?["reason"] as? String == "expected 5 fields, found 6")
        #expect((rejects[8]?["reason"] as? String)?.contains("not one of the allowed values") == true, "c\" is not an allowed kind")
        #expect((rejects[9]?["reason"] as? String)?.contains("'a,b'") == true)
        // The unbalanced quote swallows the rest of the object: one record, rejected, at its line.
        #expect(rejects[10] != nil)
        #expect(rejects.count == Int(counts.rowsQuarantined))
        let rows = try lake.rows(under: "cleansed/events/")
        #expect(rows.contains { $0.contains("|E000005|5|2.50|b|") })
        #expect(rejects.values.allSatisfy { ($0["source"] as? String) == "s3://retail/raw/events/hostile.csv" })
    }

    @Test func invalidUTF8AndHugeFields() async throws {
        var bytes = Array(Self.header.utf8)
        bytes += Array("E000001,1,1.00,a,2024-03-01T10:00:00\n".utf8)
        bytes += Array("E000002,2,1.00,".utf8) + [0xC3, 0x28] + Array(",2024-03-01T10:00:00\n".utf8)  // invalid UTF-8 in kind
        bytes += Array("E000003,3,1.00,a,".utf8) + [0xFF, 0xFE] + Array("\n".utf8)  // invalid UTF-8 in a timestamp
        bytes += Array("E000004,4,1.00,".utf8) + Array(repeating: UInt8(ascii: "a"), count: 9 << 20) + Array(",2024-03-01T10:00:00\n".utf8)
        bytes += Array("E000005,5,1.00,b,2024-03-01T10:00:00\n".utf8)
        bytes += Array("\(String(repeating: "E", count: 300)),6,1.00,b,2024-03-01T10:00:00\n".utf8)
        let (run, rejects, lake) = try await Self.run(bytes)
        defer { lake.remove() }
        let counts = try #require(run.manifest?.totals)
        #expect(counts.balanced)
        #expect(counts.rowsWritten == 2)
        #expect((rejects[3]?["reason"] as? String)?.contains("invalid UTF-8") == true)
        #expect(rejects[3]?["column"] as? String == "kind")
        #expect(rejects[4]?["column"] as? String == "at")
        #expect((rejects[5]?["reason"] as? String)?.contains("exceeds the") == true)
        #expect((rejects[5]?["text"] as? String ?? "").utf8.count <= 4096 + 8, "quarantine keeps a bounded copy of a huge row")
        #expect((rejects[7]?["reason"] as? String)?.contains("does not match the pattern") == true)
        // Quarantine files are valid UTF-8 JSON even for invalid input (bad bytes become U+FFFD).
        #expect(rejects.count == 4)
    }

    @Test func rulesTransformsAndTimeZones() async throws {
        let text = Self.header + """
            E000001,1,1.00,  A  ,2024-03-01T23:30:00-02:00
            E000002,2,-0.01,a,2024-03-01T10:00:00
            E000003,3,10000.01,a,2024-03-01T10:00:00
            E000004,-1,1.00,a,2024-03-01T10:00:00
            E000005,5,1.001,a,2024-03-01T10:00:00
            ,6,1.00,a,2024-03-01T10:00:00
            E000007,7,,b,2024-03-01T10:00:00Z
            E000008,8,1.00,a,2024-02-30T10:00:00
            E000009,9,1.00,a,1709287200
            E000010,10,1.00,a,2024-03-01 10:00:00.123456+05:30
            e000011,11,1.00,a,2024-03-01T10:00:00

            """
        let (run, rejects, lake) = try await Self.run(Array(text.utf8))
        defer { lake.remove() }
        let counts = try #require(run.manifest?.totals)
        #expect(counts.balanced)
        #expect(counts.rowsWritten == 3)
        #expect(rejects[3]?["reason"] as? String == "amount -0.01 is below the minimum 0")
        #expect(rejects[4]?["reason"] as? String == "amount 10000.01 is above the maximum 10000")
        #expect(rejects[5]?["reason"] as? String == "seq -1 is below the minimum 0")
        #expect((rejects[6]?["reason"] as? String)?.contains("decimal places") == true)
        #expect(rejects[7]?["reason"] as? String == "id is required but NULL")
        #expect(rejects[9]?["column"] as? String == "at")
        #expect(rejects[10]?["column"] as? String == "at", "epoch seconds are not a timestamp")
        #expect(rejects[12]?["reason"] as? String == "id 'e000011' does not match the pattern 'E[0-9]{6}'")
        // Rule rejects carry the standardized record.
        let record = try #require(rejects[3]?["record"] as? [String: Any])
        #expect(record["id"] as? String == "E000002")
        #expect((record["amount"] as? NSNumber)?.doubleValue == -0.01)

        let rows = try lake.rows(under: "cleansed/events/")
        // -02:00 moves 23:30 on March 1 to 01:30 UTC on March 2, and into the day=2 partition.
        #expect(rows.contains("year=2024/month=3/day=2|E000001|1|1.00|a|2024-03-02T01:30:00Z"))
        #expect(rows.contains("year=2024/month=3/day=1|E000007|7|∅|b|2024-03-01T10:00:00Z"))
        #expect(rows.contains("year=2024/month=3/day=1|E000010|10|1.00|a|2024-03-01T04:30:00.123456Z"))
    }

    @Test func jsonLinesHostileInput() async throws {
        var job = SyntheticEvents.job(name: "jsonevents")
        job.source.format = .json
        var bytes = Array("""
            {"id":"E000001","seq":1,"amount":"1.00","kind":"a","at":"2024-03-01T10:00:00Z"}
            {"ID":"E000002","Seq":2,"AMOUNT":2.5,"Kind":"B","AT":"2024-03-01T10:00:00Z"}
            {"id":"E000003","seq":"three","kind":"a","at":"2024-03-01T10:00:00Z"}
            {"id":"E000004","seq":4,"kind":"a","at":"2024-03-01T10:00:00Z"
            not json at all
            {"id":"E000006","seq":6,"kind":"a"}
            ["E000007",7]
            {"id":"E000008","seq":8,"kind":{"nested":true},"at":"2024-03-01T10:00:00Z"}

            """.utf8)
        bytes += Array(#"{"id":"E000009","seq":9,"kind":"a","at":"2024-03-01T10:00:00Z","note":""#.utf8) + [0xED, 0xA0, 0x80] + Array("\"}\n".utf8)
        let (run, rejects, lake) = try await Self.run(bytes, key: "raw/jsonevents/a.jsonl", job: job)
        defer { lake.remove() }
        let counts = try #require(run.manifest?.totals)
        #expect(counts.balanced)
        #expect(counts.rowsRead == 9)
        // 1 and 2 (keys matched case-insensitively); line 9 is not JSON at all (RFC 8259 §8.1:
        // JSON text is UTF-8), even though the bad bytes are in a member the job ignores.
        #expect(counts.rowsWritten == 2)
        #expect((rejects[9]?["reason"] as? String)?.contains("invalid UTF-8") == true)
        #expect(rejects[3]?["column"] as? String == "seq")
        #expect(rejects[4] != nil && rejects[5] != nil && rejects[7] != nil)
        #expect(rejects[6]?["reason"] as? String == "at is required but NULL")
        #expect((rejects[8]?["reason"] as? String)?.contains("is not one of the allowed values") == true)
    }

    @Test func emptyAndHeaderOnlyObjectsCountNothing() async throws {
        let lake = try await LakeFixture(prefix: "tarn-jobs-empty")
        defer { lake.remove() }
        try await lake.runner.define(SyntheticEvents.job())
        try await lake.put("raw/events/empty.csv", [])
        try await lake.put("raw/events/header.csv", Array(Self.header.utf8))
        try await lake.put("raw/events/blank-lines.csv", Array((Self.header + "\n\n\r\n").utf8))
        let run = try await lake.runner.run("events")
        #expect(run.status == .succeeded)
        #expect(run.manifest?.sources.count == 3)
        #expect(run.manifest?.totals.rowsRead == 0)
        #expect(try lake.listing("cleansed/").isEmpty)
        #expect(try await lake.runner.run("events").sources.isEmpty, "empty objects are bookmarked too")
    }

    @Test func corruptGzipFailsTheRunAndNamesTheObject() async throws {
        let lake = try await LakeFixture(prefix: "tarn-jobs-gzip")
        defer { lake.remove() }
        try await lake.runner.define(SyntheticEvents.job())
        try await lake.put("raw/events/ok.csv", SyntheticEvents.object(0, rows: 100))
        try await lake.put("raw/events/bad.csv.gz", [0x1F, 0x8B, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0xFF, 0xFF, 0xFF])
        await #expect { try await lake.runner.run("events") } throws: { error in
            let message = (error as? TarnError)?.message ?? ""
            return message.contains("s3://retail/raw/events/bad.csv.gz") && message.contains("gzip")
        }
        #expect(try lake.listing("cleansed/").isEmpty)
        #expect(try lake.pendingUploads().isEmpty)
    }
}

import Foundation
import TarnCore
import TarnTesting
import Testing

@testable import Jobs

/// Job definitions: the retail fixture's JSON form, defaults when decoding, and the checks that
/// reject a definition before it can run.
@Suite struct DefinitionTests {
    static let fixture = Fixtures.path("JobsTests", "retail-jobs.json")

    static func encoded(_ definitions: [JobDefinition]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(definitions), as: UTF8.self) + "\n"
    }

    /// `Fixtures/retail-jobs.json` is exactly the JSON form of `RetailJobs.all()` (the CLI, the
    /// benchmark and the interop tests load it). `TARN_REGENERATE_FIXTURES=1` rewrites it.
    @Test func retailFixtureMatchesTheSwiftValues() throws {
        let text = try Self.encoded(RetailJobs.all())
        if ProcessInfo.processInfo.environment["TARN_REGENERATE_FIXTURES"] != nil {
            try FileSystem.writeAtomically(Array(text.utf8), to: Self.fixture)
        }
        let stored = String(decoding: try FileSystem.readFile(Self.fixture), as: UTF8.self)
        #expect(stored == text, "regenerate with TARN_REGENERATE_FIXTURES=1")
        let decoded = try JSONDecoder().decode([JobDefinition].self, from: Data(stored.utf8))
        #expect(decoded == RetailJobs.all())
        for definition in decoded { _ = try JobPlan(definition) }
    }

    @Test func minimalJSONGetsTheDefaults() throws {
        let json = """
            {"name": "mini", "source": {"bucket": "raw", "format": "csv"},
             "target": {"database": "db", "table": "t", "bucket": "lake", "prefix": "t/",
                        "columns": [{"name": "a", "type": "string"}]},
             "quarantine": {"bucket": "lake", "prefix": "quarantine/mini/"}}
            """
        let definition = try JSONDecoder().decode(JobDefinition.self, from: Data(json.utf8))
        #expect(definition.source.prefix == "")
        #expect(definition.source.compression == .auto)
        #expect(definition.source.csv == CSVSourceOptions())
        #expect(definition.manifests == ObjectLocation(bucket: "lake", prefix: "manifests/mini/"))
        #expect(definition.output == OutputOptions())
        #expect(definition.output.fileTargetBytes == 128 << 20)
        #expect(definition.triggers == TriggerSpec())
        #expect(definition.target.columns[0].rules == ColumnRules())
        let plan = try JobPlan(definition)
        #expect(plan.fileSchema.fields.map(\.name) == ["a"])
        #expect(plan.tableDefinition().location == "s3://lake/t/")
    }

    static func base() -> JobDefinition { SyntheticEvents.job() }

    @Test(arguments: [
        ("bad name", { @Sendable (d: inout JobDefinition) in d.name = "no spaces" }, "a job name is"),
        ("unknown type", { @Sendable (d: inout JobDefinition) in d.target.columns[1].type = "integr" }, "column 'seq'"),
        ("nested type", { @Sendable (d: inout JobDefinition) in d.target.columns[1].type = "array<int>" }, "scalar columns"),
        ("duplicate column", { @Sendable (d: inout JobDefinition) in d.target.columns[1].name = "ID" }, "defined twice"),
        ("derive from later", { @Sendable (d: inout JobDefinition) in d.target.columns[5].derived = .year(of: "nope") }, "not an earlier column"),
        ("derive from string", { @Sendable (d: inout JobDefinition) in d.target.columns[5].derived = .year(of: "id") }, "needs a timestamp or date column"),
        ("derived type", { @Sendable (d: inout JobDefinition) in d.target.columns[5].type = "string" }, "yields int"),
        ("partition key", { @Sendable (d: inout JobDefinition) in d.target.partitionKeys = ["year", "nope"] }, "partition key 'nope'"),
        ("partition by decimal", { @Sendable (d: inout JobDefinition) in d.target.partitionKeys = ["amount"] }, "partition by string"),
        ("dedupe key", { @Sendable (d: inout JobDefinition) in d.dedupe = DedupeSpec(keys: ["nope"]) }, "dedupe key 'nope'"),
        ("bad bound", { @Sendable (d: inout JobDefinition) in d.target.columns[2].rules.minimum = "0.001" }, "'0.001' is not a valid decimal(8,2)"),
        ("bound on string", { @Sendable (d: inout JobDefinition) in d.target.columns[0].rules.maximum = "z" }, "apply to numbers"),
        ("min above max", { @Sendable (d: inout JobDefinition) in d.target.columns[1].rules.maximum = "-1" }, "greater than maximum"),
        ("bad regex", { @Sendable (d: inout JobDefinition) in d.target.columns[0].rules.pattern = "E[0-9" }, "not a valid regular expression"),
        ("pattern on int", { @Sendable (d: inout JobDefinition) in d.target.columns[1].rules.pattern = "1" }, "apply to string columns"),
        ("empty allowed", { @Sendable (d: inout JobDefinition) in d.target.columns[3].rules.allowedValues = [] }, "no row could pass"),
        ("transform on int", { @Sendable (d: inout JobDefinition) in d.target.columns[1].transforms = [.trim] }, "transforms apply to string"),
        ("output under source", { @Sendable (d: inout JobDefinition) in d.target.prefix = "raw/events/cleansed/" }, "overlaps the source"),
        ("quarantine in table", { @Sendable (d: inout JobDefinition) in d.quarantine.prefix = "cleansed/events/q/" }, "outside the table location"),
        ("delimiter", { @Sendable (d: inout JobDefinition) in d.source.csv.delimiter = ";;" }, "one ASCII character"),
        ("compression", { @Sendable (d: inout JobDefinition) in d.output.compression = "brotli" }, "output compression"),
        ("tiny files", { @Sendable (d: inout JobDefinition) in d.output.fileTargetBytes = 1000 }, "at least 1 MiB"),
        ("bad cron", { @Sendable (d: inout JobDefinition) in d.triggers.schedule = "61 * * * *" }, "minute field"),
        ("debounce", { @Sendable (d: inout JobDefinition) in d.triggers.debounceSeconds = 100 }, "at most maxDelaySeconds"),
    ] as [(String, @Sendable (inout JobDefinition) -> Void, String)])
    func invalidDefinitionsAreRejected(label: String, change: @Sendable (inout JobDefinition) -> Void, message: String) {
        var definition = Self.base()
        change(&definition)
        #expect(label.isEmpty == false)
        #expect { try JobPlan(definition) } throws: { error in
            guard let error = error as? TarnError, error.code == .invalidArgument else { return false }
            return error.message.contains(message) && error.message.hasPrefix("job '")
        }
    }

    @Test func definingNeedsTheBuckets() async throws {
        let lake = try await LakeFixture(prefix: "tarn-jobs-define")
        defer { lake.remove() }
        var definition = Self.base()
        definition.quarantine.bucket = "missing-bucket"
        await #expect { try await lake.runner.define(definition) } throws: { ($0 as? TarnError)?.code == .noSuchBucket }
        try await lake.runner.define(Self.base())
        let table = try #require(try lake.catalog.table(database: "test", name: "events"))
        #expect(table.columns.map(\.name) == ["id", "seq", "amount", "kind", "at"])
        #expect(table.columns.map(\.type) == ["string", "bigint", "decimal(8,2)", "string", "timestamp"])
        #expect(table.partitionKeys.map(\.name) == ["year", "month", "day"])
        #expect(table.format == .parquet)
        #expect(try lake.runner.definitions().map(\.name) == ["events"])
        await #expect { try await lake.runner.run("nope") } throws: { ($0 as? TarnError)?.code == .notFound }
    }

    @Test func redefiningEvolvesTheCatalogTableButNeverOrphansPartitions() async throws {
        let lake = try await LakeFixture(prefix: "tarn-jobs-evolve")
        defer { lake.remove() }
        var job = Self.base()
        try await lake.runner.define(job)
        try await lake.put("raw/events/a.csv", SyntheticEvents.object(0, rows: 100))
        _ = try await lake.runner.run("events")
        // A new optional column: the table gains it, its partitions stay.
        job.target.columns.insert(JobColumn("note", "string"), at: 5)
        try await lake.runner.define(job)
        let table = try #require(try lake.catalog.table(database: "test", name: "events"))
        #expect(table.columns.map(\.name) == ["id", "seq", "amount", "kind", "at", "note"])
        #expect(!(try lake.catalog.partitions(database: "test", table: "events")).isEmpty)
        // Raw objects without the new column still load, with NULLs and a warning.
        try await lake.put("raw/events/b.csv", SyntheticEvents.object(1, rows: 100))
        let run = try await lake.runner.run("events")
        #expect(run.manifest?.totals.rowsWritten ?? 0 > 0)
        #expect(run.manifest?.warnings == ["s3://retail/raw/events/b.csv: no column 'note' in the header; NULL in every row"])
        // Other partition keys under existing partitions would orphan them.
        job.target.partitionKeys = ["year"]
        await #expect { try await lake.runner.define(job) } throws: { ($0 as? TarnError)?.code == .conflict }
        #expect(try lake.runner.definition("events").target.partitionKeys == ["year", "month", "day"])
    }
}

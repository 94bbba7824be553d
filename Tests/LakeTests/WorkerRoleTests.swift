import Access
import Foundation
import Jobs
import Keys
import Pipeline
import Storage
import TarnCore
import TarnTesting
import Testing

@testable import Lake

/// ETL jobs and mart refreshes of an environment with `etl`/`marts` roles act as sessions of
/// those roles: S3 authorization and KMS key policies apply to them as to any S3 client.
@Suite struct WorkerRoleTests {
    static let yaml = """
        version: 1
        environments:
          dev:
            bucket: shop-dev
            database: shop_dev
            encryption: { kmsKey: alias/shop-dev, bucketKey: false, keyPolicy: environment }
          prod:
            bucket: shop-prod
            database: shop_prod
            encryption: { kmsKey: alias/shop-prod, bucketKey: false, keyPolicy: environment }
        roles:
          etl: { read: [raw, cleansed], write: [cleansed, quarantine, manifests], delete: [cleansed] }
          marts: { read: [cleansed, analytics], write: [analytics], delete: [analytics] }
          analyst: { read: [cleansed, analytics] }
        tables:
          orders:
            format: csv
            columns:
              - { name: order_id, type: string, rules: { required: true } }
              - { name: amount, type: "decimal(10,2)", rules: { minimum: "0" } }
            dedupe: { keys: [order_id] }
        marts:
          order_count:
            dependsOn: [orders]
            sql: SELECT count(*) AS orders, sum(amount) AS revenue FROM orders
        """
    static let csv = Array("order_id,amount\nO1,10.50\nO2,-1\nO3,4.00\n".utf8)

    func applied() async throws -> (TemporaryDirectory, Lake, PipelineConfig) {
        let directory = try TemporaryDirectory(prefix: "tarn-roles")
        let lake = try Lake(path: directory.path, environment: [:])
        let config = try PipelineConfigParser.parse(Self.yaml, source: "roles.yaml")
        try await lake.applyPipeline(config, text: Self.yaml)
        return (directory, lake, config)
    }

    /// Every object under `prefix`, plus in-progress uploads: what a failed run must not leave.
    func leftovers(_ lake: Lake, bucket: String, prefixes: [String]) throws -> [String] {
        var found: [String] = []
        for prefix in prefixes {
            found += try lake.store.list(bucket: bucket, prefix: prefix).objects.map(\.key)
            found += try lake.store.index.uploads(bucket: bucket, prefix: prefix, keyMarker: nil, uploadIDMarker: nil, limit: .max).map { "upload:" + $0.key }
        }
        return found
    }

    @Test func pipelineJobsRunAsTheEnvironmentsETLRole() async throws {
        let (directory, lake, _) = try await applied()
        defer { directory.remove() }
        #expect(try lake.jobs.definition("dev.orders").role == "dev-etl")
        #expect(try lake.jobs.definition("prod.orders").role == "prod-etl")
    }

    @Test func aRoleWithoutWriteOnCleansedFailsTheRunAndLeavesNothingThenSucceedsWhenAllowed() async throws {
        let (directory, lake, config) = try await applied()
        defer { directory.remove() }
        try await lake.store.put(bucket: "shop-dev", key: "raw/orders/a.csv", bytes: Self.csv)

        // dev-etl loses PutObject on cleansed/ (everything else as declared).
        let devKey = try lake.kms.resolve("alias/shop-dev").arn
        var role = try #require(config.roles.first { $0.name == "etl" })
        role.write = ["quarantine", "manifests"]
        let narrowed = EnvironmentPolicies.json(EnvironmentPolicies.rolePolicy(role, bucket: "shop-dev", zones: config.zones, keyARN: devKey))
        try lake.identities.putInlinePolicy(EnvironmentPolicies.rolePolicyName, document: narrowed, on: .role("dev-etl"))

        let outputs = ["cleansed/", "quarantine/", "manifests/"]
        await #expect {
            try await lake.jobs.run("dev.orders")
        } throws: { error in
            guard let error = error as? TarnError, error.code == .accessDenied else { return false }
            return error.message.contains("s3:PutObject") && error.message.contains("arn:aws:s3:::shop-dev/cleansed/orders/")
                && error.message.contains("assumed-role/dev-etl/")
        }
        #expect(try leftovers(lake, bucket: "shop-dev", prefixes: outputs).isEmpty)
        let failed = try #require(try lake.jobs.history(job: "dev.orders").first)
        #expect(failed.status == .failed && (failed.error ?? "").contains("s3:PutObject"))
        #expect(try lake.catalog.partitions(database: "shop_dev", table: "orders").isEmpty)

        // Applying the file again repairs the role's policy; the run then succeeds as dev-etl.
        try await lake.applyPipeline(config, text: Self.yaml)
        let run = try await lake.jobs.run("dev.orders")
        #expect(run.status == .succeeded)
        #expect(run.manifest?.totals.rowsWritten == 2 && run.manifest?.totals.rowsQuarantined == 1)
        let written = try lake.store.list(bucket: "shop-dev", prefix: "cleansed/orders/").objects
        #expect(written.count == 1)
        // Written with the environment's key, the data key generated for the role session.
        #expect(try lake.store.object(bucket: "shop-dev", key: written[0].key).attributes.encryption?.kmsKeyARN == devKey)
        let audit = try String(contentsOfFile: directory.path + "/keys/audit/kms.jsonl", encoding: .utf8)
        #expect(audit.split(separator: "\n").contains { $0.contains("GenerateDataKey") && $0.contains("assumed-role/dev-etl/dev.orders@") })

        // The mart refresh runs as dev-marts and succeeds; as dev-analyst (read-only) it cannot write.
        let refreshes = try await lake.pipeline.refreshMarts(in: "dev")
        #expect(refreshes.count == 1 && refreshes[0].rows == 1)
        let mart = try #require(config.marts.first)
        let dev = try #require(config.environment("dev"))
        await #expect {
            try await lake.pipeline.refresh(mart, in: dev, zones: config.zones, role: "dev-analyst")
        } throws: { error in
            (error as? TarnError)?.code == .accessDenied && "\(error)".contains("s3:PutObject") && "\(error)".contains("analytics/order_count/")
        }
    }

    @Test func aDevRoleJobCannotReadProdKeyEncryptedObjects() async throws {
        let (directory, lake, config) = try await applied()
        defer { directory.remove() }
        try await lake.store.put(bucket: "shop-prod", key: "raw/orders/p.csv", bytes: Self.csv)
        let prodKey = try lake.kms.resolve("alias/shop-prod").arn

        // A mis-configured dev job reading the prod bucket, as dev-etl, even with an IAM policy
        // allowing every S3 and KMS action: the prod key policy stops it.
        try lake.identities.putInlinePolicy(
            "too-broad", document: #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:*","kms:*"],"Resource":"*"}]}"#, on: .role("dev-etl"))
        var job = config.job(try #require(config.tables.first), in: try #require(config.environment("prod")))
        job.name = "dev.misconfigured"
        job.role = "dev-etl"
        job.target.table = "misconfigured"
        job.target.prefix = "cleansed/misconfigured/"
        job.quarantine.prefix = "quarantine/misconfigured/"
        job.manifests.prefix = "manifests/misconfigured/"
        try await lake.jobs.define(job)
        await #expect {
            try await lake.jobs.run("dev.misconfigured")
        } throws: { error in
            "\(error)".contains(prodKey) && "\(error)".contains("dev-etl")
        }
        #expect(try leftovers(lake, bucket: "shop-prod", prefixes: ["cleansed/", "quarantine/", "manifests/"]).isEmpty)

        // The same job as prod-etl reads it.
        try lake.identities.deleteInlinePolicy("too-broad", from: .role("dev-etl"))
        job.role = "prod-etl"
        try await lake.jobs.define(job)
        #expect(try await lake.jobs.run("dev.misconfigured").status == .succeeded)
    }

    @Test func jobsWithoutARoleActAsTarnAndARoleWithoutIAMFailsClosed() async throws {
        let directory = try TemporaryDirectory(prefix: "tarn-roles-plain")
        defer { directory.remove() }
        let lake = try Lake(path: directory.path, environment: [:])
        let config = try PipelineConfigParser.parse(Self.yaml, source: "roles.yaml")
        var job = config.job(try #require(config.tables.first), in: try #require(config.environment("dev")))
        job.role = nil
        try await lake.store.createBucket("shop-dev")
        try await lake.store.put(bucket: "shop-dev", key: "raw/orders/a.csv", bytes: Self.csv)
        try await lake.jobs.define(job)
        #expect(try await lake.jobs.run(job.name).status == .succeeded)

        // A role that does not exist: the run fails (recorded) instead of running unchecked.
        job.role = "dev-etl"
        try await lake.jobs.define(job)
        try await lake.store.put(bucket: "shop-dev", key: "raw/orders/b.csv", bytes: Self.csv)
        await #expect(throws: TarnError.self) { try await lake.jobs.run(job.name) }
        #expect(try lake.jobs.history(job: job.name).first?.status == .failed)
    }
}

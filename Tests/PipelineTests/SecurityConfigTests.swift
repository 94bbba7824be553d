import Foundation
import Pipeline
import Storage
import TarnCore
import TarnTesting
import Testing

/// The security settings of `lake.yaml`: environments' encryption, TLS-only and Block Public
/// Access, roles, lifecycle rules per zone.
@Suite struct SecurityConfigTests {
    @Test func retailExampleDeclaresEachEnvironmentsSecurity() throws {
        let config = try PipelineConfigParser.parse(RetailLakeExample.yaml, source: RetailLakeExample.path)
        let dev = try #require(config.environment("dev")), prod = try #require(config.environment("prod"))
        #expect(dev.security.encryption == KMSEncryptionConfig(kmsKey: "alias/retail-dev", bucketKey: true, keyPolicy: .environment, line: dev.security.encryption?.line ?? -1))
        #expect(prod.security.encryption?.kmsKey == "alias/retail-prod")
        #expect(prod.security.encryption?.keyPolicy == .environment)
        for environment in [dev, prod] {
            #expect(environment.security.tlsOnly == true)
            #expect(environment.security.blockPublicAccess == true)
        }
        #expect(config.roles.map(\.name) == ["etl", "marts", "ingest", "analyst"])
        let etl = try #require(config.roles.first { $0.name == "etl" })
        #expect(etl.read == ["raw", "cleansed"] && etl.write == ["cleansed", "quarantine", "manifests"] && etl.delete == ["cleansed"])
        let marts = try #require(config.roles.first { $0.name == "marts" })
        #expect(marts.read == ["cleansed", "analytics"] && marts.write == ["analytics"] && marts.delete == ["analytics"])
        #expect(config.roles.first { $0.name == "ingest" }?.write == ["raw"])
        #expect(config.roles.first { $0.name == "ingest" }?.read == [])
        #expect(config.roles.first { $0.name == "analyst" }?.read == ["cleansed", "analytics"])
        #expect(PipelineConfig.roleName(role: "etl", environment: "prod") == "prod-etl")

        // The raw zone's rules of the AWS retail design, and the abort rule, as S3 stores them.
        let lifecycle = try #require(config.lifecycle).configuration(zones: config.zones)
        try lifecycle.validate()
        let raw = try #require(lifecycle.rules.first { $0.id == "zone-raw" })
        #expect(raw.filter.prefix == "raw/")
        #expect(raw.transitions == [LifecycleTransition(timing: .days(180), storageClass: .standardIA), LifecycleTransition(timing: .days(730), storageClass: .glacier)])
        #expect(raw.expiration == LifecycleExpiration(timing: .days(1825)))
        let abort = try #require(lifecycle.rules.first { $0.id == "abort-incomplete-uploads" })
        #expect(abort.abortIncompleteMultipartUploadDays == 7 && abort.filter.prefix == "")
    }

    @Test func settingsLeftOutAreNil() throws {
        let config = try PipelineConfigParser.parse(
            """
            environments:
              dev: { bucket: shop-dev, database: shop_dev }
            tables:
              sales: { columns: [{ name: id, type: string }] }
            """, source: "plain.yaml")
        #expect(config.environments[0].security == EnvironmentSecurity())
        #expect(config.roles.isEmpty && config.lifecycle == nil)
    }

    @Test func everySecurityMistakeIsReportedWithItsLine() throws {
        let path = Fixtures.path("PipelineTests", "broken-security.yaml")
        let text = String(decoding: try FileSystem.readFile(path), as: UTF8.self)
        var issues: [ConfigIssue] = []
        do {
            _ = try PipelineConfigParser.parse(text, source: "broken-security.yaml")
            Issue.record("a broken file parsed")
        } catch let error as ConfigErrors {
            issues = error.issues
        }
        func has(line: Int, _ fragment: String) -> Bool { issues.contains { $0.line == line && $0.description.contains(fragment) } }
        #expect(has(line: 6, "'retail-dev' is not a KMS alias"), "\(issues)")
        #expect(has(line: 6, "'everyone' is not one of account, environment"))
        #expect(has(line: 7, "tlsOnly: expected true or false"))
        #expect(has(line: 8, "unknown setting 'blockPublicAcess' (did you mean 'blockPublicAccess'?)"))
        #expect(has(line: 16, "alias/shop is already the key of environment prod"))
        #expect(has(line: 18, "'landing' is not a zone"))
        #expect(has(line: 19, "a role needs at least one of read, write or delete"))
        #expect(has(line: 20, "role names are up to 40 lower-case letters"))
        #expect(has(line: 22, "S3 would refuse this rule: 'DaysAfterInitiation'"))
        // The object store's own validation: STANDARD_IA needs 30 days in STANDARD first.
        #expect(issues.contains { $0.line == 24 && $0.path == "lifecycle.zones.raw" && $0.message.hasPrefix("S3 would refuse this rule:") })
        #expect(has(line: 27, "'COLD' is not a class to move to"))
        #expect(has(line: 28, "'attic' is not a zone"))
        #expect(issues.map(\.line) == issues.map(\.line).sorted())
    }
}

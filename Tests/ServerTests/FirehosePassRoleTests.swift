import Access
import Foundation
import Ingest
import Lake
import TarnCore
import TarnTesting
import Testing

@testable import Server

/// CreateDeliveryStream hands Firehose roles to act as (the destination's `RoleARN` and the
/// Kinesis source's): the caller needs `iam:PassRole` on each, with `iam:PassedToService` =
/// `firehose.amazonaws.com`, as IAM requires of every service that acts as a role a caller names.
@Suite struct FirehosePassRoleTests {
    static let account = "000000000000"
    static func roleARN(_ name: String) -> String { "arn:aws:iam::\(account):role/\(name)" }
    static let creator = Principal(kind: .user, accountID: account, name: "creator")
    static let root = Principal.root(accountID: account)

    struct World {
        let directory: TemporaryDirectory
        let lake: Lake
        let firehose: FirehoseService

        /// Roles `deliver` and `admin`; `creator` may create delivery streams and pass `deliver`
        /// (and only to Firehose), and may pass `glue-only` to Glue only.
        init() async throws {
            directory = try TemporaryDirectory(prefix: "tarn-passrole")
            lake = try Lake(path: directory.path, environment: [:])
            firehose = FirehoseService(delivery: lake.firehose, streams: lake.streams, authorizer: lake.authorizer)
            try await lake.store.createBucket("lake")
            _ = try lake.streams.createStream(name: "clicks", shardCount: 1, mode: .provisioned)
            for role in ["deliver", "admin", "glue-only"] { try lake.identities.createRole(role) }
            _ = try lake.identities.createUser("creator")
            try lake.identities.putInlinePolicy(
                "create",
                document: """
                    {"Version":"2012-10-17","Statement":[
                      {"Effect":"Allow","Action":"firehose:CreateDeliveryStream","Resource":"*"},
                      {"Effect":"Allow","Action":"iam:PassRole","Resource":"\(FirehosePassRoleTests.roleARN("deliver"))",
                       "Condition":{"StringEquals":{"iam:PassedToService":"firehose.amazonaws.com"}}},
                      {"Effect":"Allow","Action":"iam:PassRole","Resource":"\(FirehosePassRoleTests.roleARN("glue-only"))",
                       "Condition":{"StringEquals":{"iam:PassedToService":"glue.amazonaws.com"}}}]}
                    """, on: .user("creator"))
        }

        /// CreateDeliveryStream as `principal`: the error type and message, nil when it succeeds.
        func create(_ name: String, destinationRole: String, sourceRole: String? = nil, as principal: Principal) async -> (type: String, message: String)? {
            var json = #"{"DeliveryStreamName":"\#(name)","ExtendedS3DestinationConfiguration":{"RoleARN":"\#(destinationRole)","BucketARN":"arn:aws:s3:::lake"}"#
            if let sourceRole {
                json += #","DeliveryStreamType":"KinesisStreamAsSource","KinesisStreamSourceConfiguration":{"KinesisStreamARN":"arn:aws:kinesis:us-east-1:000000000000:stream/clicks","RoleARN":"\#(sourceRole)"}"#
            }
            json += "}"
            return await awsJSONFailure {
                guard case .object(let members) = try AWSJSONValue.parse(Array(json.utf8)) else { throw TarnError(.internal, "not an object: \(json)") }
                _ = try await firehose.handle(operation: "CreateDeliveryStream", request: AWSJSONRequest(body: members, caller: AWSJSONCaller(principal: principal, requestID: "t")))
            }
        }
    }

    static func denial(_ role: String) -> String {
        "User: arn:aws:iam::\(account):user/creator is not authorized to perform: iam:PassRole on resource: \(roleARN(role)) because no identity-based policy allows the iam:PassRole action"
    }

    @Test func aCallerPassesOnlyTheRolesItMayPassToFirehose() async throws {
        let world = try await World()
        defer { world.directory.remove() }
        #expect(await world.create("allowed", destinationRole: Self.roleARN("deliver"), as: Self.creator) == nil)
        #expect(try world.lake.firehose.describe("allowed").configuration.roleARN == Self.roleARN("deliver"))

        let other = await world.create("escalate", destinationRole: Self.roleARN("admin"), as: Self.creator)
        #expect(other?.type == "AccessDeniedException")
        #expect(other?.message == Self.denial("admin"))
        // Allowed to pass glue-only, but to Glue: iam:PassedToService says Firehose.
        let glue = await world.create("glue", destinationRole: Self.roleARN("glue-only"), as: Self.creator)
        #expect(glue?.type == "AccessDeniedException" && glue?.message == Self.denial("glue-only"))
        #expect(world.lake.firehose.list().map(\.name) == ["allowed"])
        await world.lake.firehose.stopAll()
    }

    @Test func theKinesisSourceRoleNeedsPassRoleToo() async throws {
        let world = try await World()
        defer { world.directory.remove() }
        let denied = await world.create("k", destinationRole: Self.roleARN("deliver"), sourceRole: Self.roleARN("admin"), as: Self.creator)
        #expect(denied?.type == "AccessDeniedException" && denied?.message == Self.denial("admin"))
        #expect(await world.create("k", destinationRole: Self.roleARN("deliver"), sourceRole: Self.roleARN("deliver"), as: Self.creator) == nil)
        #expect(try world.lake.firehose.describe("k").configuration.sourceRoleARN == Self.roleARN("deliver"))
        await world.lake.firehose.stopAll()
    }

    @Test func aDeniedCallerCannotProbeForRoleNamesAndRootPassesAnyRole() async throws {
        let world = try await World()
        defer { world.directory.remove() }
        // A role that does not exist: AccessDenied for a caller who may not pass it…
        let probe = await world.create("p", destinationRole: Self.roleARN("missing"), as: Self.creator)
        #expect(probe?.type == "AccessDeniedException" && probe?.message == Self.denial("missing"))
        // …InvalidArgumentException for one who may (here root, allowed unless explicitly denied).
        #expect(await world.create("p", destinationRole: Self.roleARN("missing"), as: Self.root)?.type == "InvalidArgumentException")
        #expect(await world.create("p", destinationRole: Self.roleARN("admin"), as: Self.root) == nil)
        // A malformed RoleARN is a validation error before any authorization.
        #expect(await world.create("q", destinationRole: "admin", as: Self.creator)?.type == "InvalidArgumentException")
        await world.lake.firehose.stopAll()
    }

    @Test func aKinesisSourceWithoutRoleARNIsRefused() async throws {
        let world = try await World()
        defer { world.directory.remove() }
        let json = #"{"DeliveryStreamName":"k","DeliveryStreamType":"KinesisStreamAsSource","KinesisStreamSourceConfiguration":{"KinesisStreamARN":"arn:aws:kinesis:us-east-1:000000000000:stream/clicks"},"ExtendedS3DestinationConfiguration":{"BucketARN":"arn:aws:s3:::lake"}}"#
        guard case .object(let members) = try AWSJSONValue.parse(Array(json.utf8)) else { return }
        await #expect(throws: AWSJSONError.self) {
            _ = try await world.firehose.handle(operation: "CreateDeliveryStream", request: AWSJSONRequest(body: members, caller: AWSJSONCaller(principal: Self.root, requestID: "t")))
        }
        #expect(world.lake.firehose.list().isEmpty)
    }
}

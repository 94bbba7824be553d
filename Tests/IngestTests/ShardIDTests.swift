import Testing
@testable import Ingest
@Test func placeholderCompiles() { #expect(ShardID.format(3) == "shardId-000000000003") }

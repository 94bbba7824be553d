import TarnCore
import Testing

@testable import Pipeline

/// A job manifest's partition paths are read as the query engine reads the same directories
/// (`HivePartitionPath`), so a changed partition names the mart partition the engine sees.
@Suite struct TableChangeTests {
    @Test func valuesAreUnescapedAsTheEngineReadsThem() throws {
        // A valid escape next to a malformed one: Foundation's `removingPercentEncoding` gives up
        // on the whole value ("a%2Fb%zz"), Hive and the engine decode what they can.
        let pairs = try #require(TableChange.pairs("store=a%2Fb%zz/year=2024"))
        #expect(pairs["store"] == "a/b%zz")
        #expect(pairs["year"] == "2024")
        for path in ["store=a%2Fb%zz", "store=caf%C3%A9", "store=100%", "store=a+b%2B", "store=%3D%3a", "store=\(HivePartitionPath.nullMarker)"] {
            let engine = HivePartitionPath.values(in: path + "/part-0.parquet").first
            #expect(TableChange.pairs(path)?["store"] == engine?.value ?? HivePartitionPath.nullMarker, "\(path)")
        }
    }

    @Test func aSegmentThatIsNotKeyValueIsNoPartitionPath() {
        #expect(TableChange.pairs("year=2024/loose") == nil)
        #expect(TableChange.pairs("=2024") == nil)
        #expect(TableChange.pairs("YEAR=2024")?["year"] == "2024")
    }
}

import Foundation
import Testing

@testable import Ingest

@Suite struct HashKeyTests {
    /// Kinesis lays out N new shards at multiples of (2^128 - 1) / N + 1; these are the ranges
    /// DescribeStream shows for 2 and 10 shards on AWS.
    @Test func uniformRangesMatchKinesisLayout() {
        let two = HashKey.uniformRanges(count: 2)
        #expect(two[0] == 0...(UInt128(1) << 127 - 1))
        #expect(two[1].lowerBound == UInt128(1) << 127 && two[1].upperBound == .max)
        let ten = HashKey.uniformRanges(count: 10)
        #expect(ten[1].lowerBound == UInt128("34028236692093846346337460743176821146")!)
        #expect(ten[0].upperBound == UInt128("34028236692093846346337460743176821145")!)
        #expect(HashKey.uniformRanges(count: 1) == [0...UInt128.max])
    }

    @Test(arguments: [1, 2, 3, 7, 64, 1000])
    func uniformRangesCoverTheKeySpace(count: Int) {
        let ranges = HashKey.uniformRanges(count: count)
        #expect(ranges.count == count)
        #expect(ranges.first?.lowerBound == 0 && ranges.last?.upperBound == .max)
        for (left, right) in zip(ranges, ranges.dropFirst()) { #expect(left.upperBound + 1 == right.lowerBound) }
    }

    @Test func md5OfPartitionKeyIsBigEndian() {
        // RFC 1321 test suite: MD5("abc") = 900150983cd24fb0d6963f7d28e17f72.
        let value = HashKey.of(partitionKey: "abc")
        #expect(String(value, radix: 16) == "900150983cd24fb0d6963f7d28e17f72")
    }

    @Test func explicitHashKeyParsing() throws {
        #expect(try HashKey.parse("0") == 0)
        #expect(try HashKey.parse("340282366920938463463374607431768211455") == .max)
        for bad in ["", "-1", "340282366920938463463374607431768211456", "12a", " 1"] {
            #expect(throws: (any Error).self) { try HashKey.parse(bad) }
        }
    }
}

@Suite struct SequenceNumberTests {
    @Test func roundTripsAndOrders() throws {
        let number = SequenceNumber(shard: 7, ordinal: 123_456_789)
        let text = number.description
        #expect(text.count == 31 && text.first == "4")
        #expect(try SequenceNumber(parsing: text) == number)
        let later = SequenceNumber(shard: 7, ordinal: 123_456_790).description
        #expect(text < later)
        // A child shard's numbers are above its parent's.
        #expect(SequenceNumber(shard: 8, ordinal: 0).description > SequenceNumber(shard: 7, ordinal: UInt64.max).description)
        #expect(try SequenceNumber(parsing: SequenceNumber(shard: 0, ordinal: .max).description).ordinal == .max)
    }

    @Test func rejectsForeignNumbers() {
        for bad in ["", "0", "49590338271490256608559692538361571095921575989136588898", "5" + String(repeating: "0", count: 30),
                    "4000000000199999999999999999999"] {
            #expect(throws: (any Error).self) { try SequenceNumber(parsing: bad) }
        }
    }

    @Test func shardIDs() throws {
        #expect(ShardID.format(3) == "shardId-000000000003")
        #expect(try ShardID.parse("shardId-000000000012") == 12)
        #expect(try ShardID.parse("5") == 5)
        #expect(throws: (any Error).self) { try ShardID.parse("shard-1") }
    }

    @Test func iteratorTokensAreAuthenticated() throws {
        let iterator = ShardIterator(streamID: 3, shard: 2, ordinal: 99, issuedAt: 1_700_000_000_000)
        let token = iterator.token(secret: 42)
        #expect(try ShardIterator(token: token, secret: 42) == iterator)
        #expect(throws: (any Error).self) { try ShardIterator(token: token, secret: 43) }
        var bytes = Array(Data(base64Encoded: token)!)
        bytes[20] ^= 1
        #expect(throws: (any Error).self) { try ShardIterator(token: Data(bytes).base64EncodedString(), secret: 42) }
        #expect(!iterator.isExpired(now: iterator.issuedAt + 300_000))
        #expect(iterator.isExpired(now: iterator.issuedAt + 300_001))
    }
}

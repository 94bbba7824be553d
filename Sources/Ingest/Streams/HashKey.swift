import Crypto
import Foundation
import TarnCore

/// Kinesis maps each record to a shard through a 128-bit hash key: the MD5 digest of the
/// partition key read as a big-endian unsigned integer, unless the producer sends an
/// `ExplicitHashKey`. Each open shard owns a contiguous, inclusive range of the key space and
/// together the open shards cover `0 ... 2^128 - 1`.
/// (docs.aws.amazon.com/kinesis/latest/APIReference/API_PutRecord.html: "Kinesis Data Streams
/// uses the partition key as input to a hash function that maps the partition key and associated
/// data to a specific shard. Specifically, an MD5 hash function is used to map partition keys to
/// 128-bit integer values".)
public enum HashKey {
    /// The largest hash key, `2^128 - 1`.
    public static let max = UInt128.max

    /// The hash key of a partition key's UTF-8 bytes.
    @inlinable
    public static func of(partitionKey bytes: UnsafeRawBufferPointer) -> UInt128 {
        let digest = Insecure.MD5.hash(data: bytes)
        return digest.withUnsafeBytes { raw in
            var value: UInt128 = 0
            for index in 0..<16 { value = value << 8 | UInt128(raw[index]) }
            return value
        }
    }

    /// The hash key of a partition key.
    public static func of(partitionKey: String) -> UInt128 {
        var key = partitionKey
        return key.withUTF8 { of(partitionKey: UnsafeRawBufferPointer($0)) }
    }

    /// Parses an `ExplicitHashKey` (a decimal string in `0 ... 2^128 - 1`).
    /// - Throws: `InvalidArgumentException` naming the value.
    public static func parse(_ text: some StringProtocol) throws -> UInt128 {
        guard !text.isEmpty, text.utf8.count <= 39, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let value = UInt128(String(text)) else {
            throw TarnError(.invalidArgumentException, "Invalid hash key \(text): must be a decimal integer between 0 and \(max)")
        }
        return value
    }

    /// `count` contiguous ranges of equal width that cover the key space, as Kinesis lays out the
    /// shards of a new stream (the last range absorbs the remainder).
    public static func uniformRanges(count: Int) -> [ClosedRange<UInt128>] {
        precondition(count >= 1, "uniformRanges needs at least one range")
        return uniformRanges(count: count, over: 0...max)
    }

    /// `count` contiguous ranges of (nearly) equal width covering `range`.
    public static func uniformRanges(count: Int, over range: ClosedRange<UInt128>) -> [ClosedRange<UInt128>] {
        precondition(count >= 1, "uniformRanges needs at least one range")
        let width = range.upperBound - range.lowerBound  // keys in the range minus one; never overflows
        precondition(width >= UInt128(count - 1), "cannot cut \(range) into \(count) ranges")
        // AWS's layout: every range holds width / count + 1 keys, the last one the rest
        // (2 shards start at 0 and 2^127; 10 shards at multiples of 34028236692093846346337460743176821146).
        let span = width / UInt128(count)  // keys per range minus one
        var ranges: [ClosedRange<UInt128>] = []
        var start = range.lowerBound
        for index in 0..<count {
            let end = index == count - 1 ? range.upperBound : start + span
            ranges.append(start...end)
            if index < count - 1 { start = end + 1 }
        }
        return ranges
    }
}

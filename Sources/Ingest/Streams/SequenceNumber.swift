import TarnCore

/// A record's sequence number: where it sits in its shard, as the decimal string Kinesis shows.
///
/// Kinesis sequence numbers are opaque decimal strings matching `0|([1-9]\d{0,128})`
/// (docs.aws.amazon.com/kinesis/latest/APIReference/API_PutRecord.html) that increase per shard.
/// Tarn's are 31 digits wide and fixed-width, so they also compare as strings:
///
/// ```
///  4 SSSSSSSSSS OOOOOOOOOOOOOOOOOOOO
///  │ │          └ ordinal: the record's position in its shard (20 digits, from 0)
///  │ └ shard index: the number in `shardId-000000000007` (10 digits)
///  └ format version (never 0, so the string has no leading zero)
/// ```
///
/// Shards created later (children after a reshard) have higher indexes, so a child's numbers are
/// larger than its parents', as in Kinesis.
public struct SequenceNumber: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The shard's index (the number in its shard id).
    public var shard: Int
    /// The record's position in the shard.
    public var ordinal: UInt64

    /// Creates a sequence number.
    public init(shard: Int, ordinal: UInt64) {
        self.shard = shard
        self.ordinal = ordinal
    }

    static let digits = 31

    /// Parses the decimal form.
    /// - Throws: `InvalidArgumentException` when `text` is not a Tarn sequence number.
    public init(parsing text: some StringProtocol) throws {
        let bytes = Array(text.utf8)
        guard bytes.count == Self.digits, bytes[0] == UInt8(ascii: "4"), bytes.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
            throw TarnError(.invalidArgumentException, "Invalid StartingSequenceNumber. It encodes a shard that does not exist or is malformed: \(text)")
        }
        var shard = 0
        for byte in bytes[1..<11] { shard = shard * 10 + Int(byte - 0x30) }
        var ordinal: UInt64 = 0
        for byte in bytes[11...] {
            let (times, overflow1) = ordinal.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times.addingReportingOverflow(UInt64(byte - 0x30))
            guard !overflow1, !overflow2 else {
                throw TarnError(.invalidArgumentException, "Invalid sequence number \(text): position out of range")
            }
            ordinal = sum
        }
        self.shard = shard
        self.ordinal = ordinal
    }

    /// The 31-digit decimal form.
    public var description: String {
        var bytes = [UInt8](repeating: 0x30, count: Self.digits)
        bytes[0] = UInt8(ascii: "4")
        var shard = self.shard, ordinal = self.ordinal
        for index in stride(from: 10, through: 1, by: -1) {
            bytes[index] = UInt8(0x30 + shard % 10)
            shard /= 10
        }
        for index in stride(from: Self.digits - 1, through: 11, by: -1) {
            bytes[index] = UInt8(0x30 + ordinal % 10)
            ordinal /= 10
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Orders by shard, then by position.
    public static func < (lhs: Self, rhs: Self) -> Bool { (lhs.shard, lhs.ordinal) < (rhs.shard, rhs.ordinal) }
}

/// Kinesis shard ids: `shardId-` followed by a 12-digit zero-padded index.
public enum ShardID {
    /// The id of the shard with `index`.
    public static func format(_ index: Int) -> String {
        let digits = String(index)
        return "shardId-" + String(repeating: "0", count: max(0, 12 - digits.count)) + digits
    }

    /// The index in a shard id; accepts the full form or the bare number, as Kinesis does.
    /// - Throws: `InvalidArgumentException` for anything else.
    public static func parse(_ text: String) throws -> Int {
        let digits = text.hasPrefix("shardId-") ? text.dropFirst(8) : Substring(text)
        guard !digits.isEmpty, digits.count <= 12, let index = Int(digits), index >= 0 else {
            throw TarnError(.invalidArgumentException, "Invalid ShardId: \(text)")
        }
        return index
    }
}

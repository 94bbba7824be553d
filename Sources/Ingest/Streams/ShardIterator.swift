import Foundation
import TarnCore

/// A shard iterator: an opaque token naming a position in one shard, valid for five minutes.
/// (docs.aws.amazon.com/kinesis/latest/APIReference/API_GetShardIterator.html: "A shard
/// iterator expires 5 minutes after it is returned to the requester.")
///
/// The token is the base64 of 36 bytes — format version, stream id, shard index, position,
/// issue time, then a CRC-32C of those and a per-lake secret — so garbage, truncation and
/// tokens from another lake or a deleted-and-recreated stream are rejected instead of being
/// trusted as positions.
public struct ShardIterator: Sendable, Equatable {
    /// The stream's internal id (not its name: a recreated stream gets a new id).
    public var streamID: Int64
    /// The shard's index.
    public var shard: Int
    /// The next record to return.
    public var ordinal: UInt64
    /// When the token was issued, in epoch milliseconds.
    public var issuedAt: Int64

    /// How long a token is valid.
    public static let lifetimeMilliseconds: Int64 = 5 * 60 * 1000
    static let version: UInt32 = 1

    /// Creates an iterator position.
    public init(streamID: Int64, shard: Int, ordinal: UInt64, issuedAt: Int64) {
        self.streamID = streamID
        self.shard = shard
        self.ordinal = ordinal
        self.issuedAt = issuedAt
    }

    /// The opaque token, authenticated with `secret`.
    public func token(secret: UInt64) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(40)
        Self.append(UInt64(Self.version) << 32 | UInt64(UInt32(truncatingIfNeeded: shard)), to: &bytes)
        Self.append(UInt64(bitPattern: streamID), to: &bytes)
        Self.append(ordinal, to: &bytes)
        Self.append(UInt64(bitPattern: issuedAt), to: &bytes)
        Self.append(UInt64(Self.checksum(bytes, secret: secret)), to: &bytes)
        return Data(bytes).base64EncodedString()
    }

    /// Decodes a token.
    /// - Throws: `InvalidArgumentException` when it is not one this lake issued.
    public init(token: String, secret: UInt64) throws {
        guard token.utf8.count <= 512, let data = Data(base64Encoded: token), data.count == 40 else {
            throw TarnError(.invalidArgumentException, "Invalid ShardIterator: \(token.prefix(64))")
        }
        let bytes = Array(data)
        func word(_ index: Int) -> UInt64 {
            var value: UInt64 = 0
            for byte in bytes[index * 8..<index * 8 + 8] { value = value << 8 | UInt64(byte) }
            return value
        }
        guard word(4) == UInt64(Self.checksum(Array(bytes[0..<32]), secret: secret)), word(0) >> 32 == UInt64(Self.version) else {
            throw TarnError(.invalidArgumentException, "Invalid ShardIterator: the token was not issued by this server or has been altered")
        }
        shard = Int(UInt32(truncatingIfNeeded: word(0)))
        streamID = Int64(bitPattern: word(1))
        ordinal = word(2)
        issuedAt = Int64(bitPattern: word(3))
    }

    /// Whether the token has outlived its five minutes at `now` (epoch milliseconds).
    public func isExpired(now: Int64) -> Bool { now - issuedAt > Self.lifetimeMilliseconds }

    private static func append(_ value: UInt64, to bytes: inout [UInt8]) {
        for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
    }

    private static func checksum(_ bytes: [UInt8], secret: UInt64) -> UInt32 {
        var crc = CRC32C()
        withUnsafeBytes(of: secret.littleEndian) { crc.update($0) }
        crc.update(bytes)
        return crc.value
    }
}

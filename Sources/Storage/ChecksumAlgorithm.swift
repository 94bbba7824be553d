import Crypto
import Foundation
import TarnCore

/// The additional checksum algorithms S3 supports (`x-amz-checksum-*`,
/// docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html).
public enum ChecksumAlgorithm: String, Sendable, Codable, CaseIterable {
    case crc32 = "CRC32"
    case crc32c = "CRC32C"
    case crc64nvme = "CRC64NVME"
    case sha1 = "SHA1"
    case sha256 = "SHA256"

    /// The request/response header carrying this checksum, e.g. `x-amz-checksum-crc32`.
    public var headerName: String { "x-amz-checksum-\(rawValue.lowercased())" }

    /// Parses `CRC32`, `crc32`, … as sent in `x-amz-checksum-algorithm` / `x-amz-sdk-checksum-algorithm`.
    public init?(name: String) { self.init(rawValue: name.uppercased()) }

    /// The algorithm whose header is `header` (lowercase), if any.
    public init?(header: String) {
        guard header.hasPrefix("x-amz-checksum-") else { return nil }
        self.init(name: String(header.dropFirst("x-amz-checksum-".count)))
    }

    /// Raw digest length in bytes.
    public var digestLength: Int {
        switch self {
        case .crc32, .crc32c: 4
        case .crc64nvme: 8
        case .sha1: 20
        case .sha256: 32
        }
    }
}

/// How a stored checksum covers the object: the whole byte stream, or (multipart) a checksum of
/// the parts' checksums with a `-N` suffix.
public enum ChecksumType: String, Sendable, Codable {
    case fullObject = "FULL_OBJECT"
    case composite = "COMPOSITE"
}

/// A checksum as S3 stores and returns it: algorithm, base64 value (with `-N` for composite).
public struct ObjectChecksum: Sendable, Codable, Equatable {
    /// The algorithm.
    public var algorithm: ChecksumAlgorithm
    /// Base64 of the big-endian digest, plus `-N` when composite.
    public var value: String
    /// Full-object or composite.
    public var type: ChecksumType

    /// Creates a checksum description.
    public init(algorithm: ChecksumAlgorithm, value: String, type: ChecksumType) {
        self.algorithm = algorithm
        self.value = value
        self.type = type
    }
}

/// Computes, in one pass over a streamed body, the MD5 (for the ETag), the byte count and at
/// most one additional checksum algorithm.
public struct ObjectDigester: Sendable {
    private var md5 = Insecure.MD5()
    /// Set for uploads, whose MD5 moves to another core once the body is large.
    private let offloadedMD5: OffloadedMD5?
    private var checksum: RunningChecksum?
    /// Bytes seen so far.
    public private(set) var byteCount: Int64 = 0

    /// Starts a digester that also computes `algorithm`, when given.
    /// - Parameter offloadingMD5: hash large bodies' MD5 on another thread (see `OffloadedMD5`);
    ///   for request bodies, whose writer is busy encrypting and writing at the same time.
    public init(algorithm: ChecksumAlgorithm?, offloadingMD5: Bool = false) {
        checksum = algorithm.map(RunningChecksum.init)
        offloadedMD5 = offloadingMD5 ? OffloadedMD5() : nil
    }

    /// The additional algorithm being computed.
    public var algorithm: ChecksumAlgorithm? { checksum?.algorithm }

    /// Feeds the next bytes of the body.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        if let offloadedMD5 { offloadedMD5.update(bytes) } else { md5.update(bufferPointer: bytes) }
        checksum?.update(bytes)
        byteCount += Int64(bytes.count)
    }

    /// Final MD5 digest bytes and the additional checksum (raw bytes), if any. Call once.
    public func finalize() -> (md5: [UInt8], checksum: [UInt8]?) {
        (offloadedMD5?.finalize() ?? Array(md5.finalize()), checksum?.finalize())
    }
}

/// One running checksum of any supported algorithm.
public struct RunningChecksum: Sendable {
    /// The algorithm.
    public let algorithm: ChecksumAlgorithm
    private var crc32 = CRC32()
    private var crc32c = CRC32C()
    private var crc64 = CRC64NVME()
    private var sha1 = Insecure.SHA1()
    private var sha256 = SHA256()

    /// Starts a checksum of `algorithm`.
    public init(_ algorithm: ChecksumAlgorithm) { self.algorithm = algorithm }

    /// Feeds bytes.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        switch algorithm {
        case .crc32: crc32.update(bytes)
        case .crc32c: crc32c.update(bytes)
        case .crc64nvme: crc64.update(bytes)
        case .sha1: sha1.update(bufferPointer: bytes)
        case .sha256: sha256.update(bufferPointer: bytes)
        }
    }

    /// Feeds bytes.
    public mutating func update(_ bytes: [UInt8]) { bytes.withUnsafeBytes { update($0) } }

    /// The raw digest, big-endian for CRCs.
    public func finalize() -> [UInt8] {
        switch algorithm {
        case .crc32: crc32.bigEndianBytes
        case .crc32c: crc32c.bigEndianBytes
        case .crc64nvme: crc64.bigEndianBytes
        case .sha1: Array(sha1.finalize())
        case .sha256: Array(sha256.finalize())
        }
    }
}

extension Array where Element == UInt8 {
    /// Base64 text of these bytes.
    public var base64: String { Data(self).base64EncodedString() }
}

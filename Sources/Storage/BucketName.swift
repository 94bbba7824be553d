import TarnCore

/// S3's general-purpose bucket naming rules
/// (docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html):
/// 3–63 characters; lowercase letters, digits, dots and hyphens; begins and ends with a letter
/// or digit; no two adjacent dots; not formatted as an IPv4 address; none of the reserved
/// prefixes (`xn--`, `sthree-`, `amzn-s3-demo-`) or suffixes (`-s3alias`, `--ol-s3`, `.mrap`,
/// `--x-s3`, `--table-s3`).
public enum BucketName {
    static let reservedPrefixes = ["xn--", "sthree-", "amzn-s3-demo-"]
    static let reservedSuffixes = ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"]

    /// Throws `InvalidBucketName` naming the rule `name` breaks.
    public static func validate(_ name: String) throws {
        func reject(_ why: String) -> TarnError { TarnError(.invalidBucketName, "The specified bucket is not valid: \(why).") }
        let bytes = Array(name.utf8)
        guard (3...63).contains(bytes.count) else { throw reject("\(bytes.count) characters, must be 3 to 63") }
        for byte in bytes {
            let allowed = (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39) || byte == 0x2E || byte == 0x2D
            guard allowed else { throw reject("only lowercase letters, digits, '.' and '-' are allowed") }
        }
        func isAlnum(_ byte: UInt8) -> Bool { (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39) }
        guard isAlnum(bytes.first!), isAlnum(bytes.last!) else { throw reject("must begin and end with a letter or digit") }
        guard !name.contains("..") else { throw reject("must not contain two adjacent periods") }
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        if parts.count == 4 && parts.allSatisfy({ UInt8($0) != nil }) { throw reject("must not be formatted as an IP address") }
        for prefix in reservedPrefixes where name.hasPrefix(prefix) { throw reject("the prefix '\(prefix)' is reserved") }
        for suffix in reservedSuffixes where name.hasSuffix(suffix) { throw reject("the suffix '\(suffix)' is reserved") }
    }
}

/// S3's object key rules: 1 to 1,024 bytes of UTF-8.
public enum ObjectKey {
    /// The longest key S3 accepts, in UTF-8 bytes.
    public static let maxBytes = 1024

    /// Throws `KeyTooLongError` or `InvalidArgument` for keys S3 rejects.
    public static func validate(_ key: String) throws {
        let count = key.utf8.count
        guard count > 0 else { throw TarnError(.invalidArgument, "Object key must not be empty.") }
        guard count <= maxBytes else {
            throw TarnError(.keyTooLong, "Your key is too long: \(count) bytes, the maximum is \(maxBytes).")
        }
    }
}

import TarnCore

/// Which bucket and key an S3 request addresses: from the path (`/bucket/key`, always
/// accepted) or, when the server has a `--domain`, from a virtual host (`bucket.domain/key`),
/// as S3 and MinIO resolve them.
struct S3Address: Sendable, Equatable {
    /// The bucket, or nil for service-level requests (ListBuckets).
    var bucket: String?
    /// The object key (percent-decoded), or nil for bucket-level requests.
    var key: String?
    /// Whether the bucket came from the Host header.
    var virtualHosted: Bool

    /// Resolves a request.
    /// - Parameters:
    ///   - rawPath: the path as sent, percent-encoded.
    ///   - host: the Host header.
    ///   - domain: the server's `--domain`, if configured.
    /// - Throws: `InvalidURI` when the path's percent-encoding is not valid UTF-8.
    init(rawPath: String, host: String?, domain: String?) throws {
        var hostBucket: String? = nil
        if let domain, let host {
            let hostName = host.split(separator: ":").first.map { String($0).lowercased() } ?? ""
            let suffix = "." + domain.lowercased()
            if hostName.hasSuffix(suffix), hostName.count > suffix.count {
                hostBucket = String(hostName.dropLast(suffix.count))
            }
        }
        let path = rawPath.hasPrefix("/") ? String(rawPath.dropFirst()) : rawPath
        if let hostBucket {
            bucket = hostBucket
            key = path.isEmpty ? nil : try Self.decode(path)
            virtualHosted = true
            return
        }
        virtualHosted = false
        if path.isEmpty {
            bucket = nil
            key = nil
            return
        }
        if let slash = path.firstIndex(of: "/") {
            bucket = try Self.decode(String(path[..<slash]))
            let rest = path[path.index(after: slash)...]
            key = rest.isEmpty ? nil : try Self.decode(String(rest))
        } else {
            bucket = try Self.decode(path)
            key = nil
        }
    }

    /// Percent-decodes a path component ("+" is a literal plus in paths).
    /// - Throws: `InvalidURI` for a `%` not followed by two hex digits or bytes that are not UTF-8.
    static func decode(_ text: String) throws -> String {
        let utf8 = text.utf8
        guard utf8.contains(UInt8(ascii: "%")) else { return text }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count)
        var index = utf8.startIndex
        while index != utf8.endIndex {
            let byte = utf8[index]
            index = utf8.index(after: index)
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard index != utf8.endIndex, let high = hexValue(utf8[index]) else { throw invalidURI() }
            index = utf8.index(after: index)
            guard index != utf8.endIndex, let low = hexValue(utf8[index]) else { throw invalidURI() }
            index = utf8.index(after: index)
            bytes.append(high << 4 | low)
        }
        guard let decoded = String(validating: bytes, as: UTF8.self) else { throw invalidURI() }
        return decoded
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    private static func invalidURI() -> TarnError { TarnError(.init("InvalidURI"), "Couldn't parse the specified URI.") }
}

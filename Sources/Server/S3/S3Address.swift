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
    static func decode(_ text: String) throws -> String {
        guard text.utf8.contains(UInt8(ascii: "%")) else { return text }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = Array(text.utf8)[...]
        while let byte = iterator.popFirst() {
            if byte == UInt8(ascii: "%") {
                guard iterator.count >= 2, let value = Hex.decode(String(decoding: iterator.prefix(2), as: UTF8.self))?.first else {
                    throw TarnError(.init("InvalidURI"), "Couldn't parse the specified URI.")
                }
                bytes.append(value)
                iterator = iterator.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        guard let decoded = String(validating: bytes, as: UTF8.self) else {
            throw TarnError(.init("InvalidURI"), "Couldn't parse the specified URI.")
        }
        return decoded
    }
}

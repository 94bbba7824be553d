/// How a service turns the request path into the canonical URI.
///
/// The SigV4 spec: "Normalize URI paths according to RFC 3986. Remove redundant and relative path
/// components. Each path segment must be URI-encoded twice (except for Amazon S3 which only gets
/// URI-encoded once)." and, in the test suite's note, "you do not normalize URI paths for
/// requests to Amazon S3" (a key may contain `//` or `..`).
public enum PathCanonicalization: Sendable, Equatable {
    /// S3: the path is decoded and URI-encoded once, never normalised. `%2F` stays encoded, so a
    /// key containing an encoded slash keeps it.
    case s3
    /// Every other service: the path as sent is URI-encoded again (a `%` becomes `%25`), after
    /// removing `.`/`..` segments and repeated slashes when `normalize` is set.
    case doubleEncoded(normalize: Bool)

    /// The rule a service uses: `.s3` for `s3`, normalised double encoding otherwise.
    public static func forService(_ service: String) -> Self {
        service == "s3" ? .s3 : .doubleEncoded(normalize: true)
    }
}

/// Builds the SigV4 canonical request.
///
/// From the SigV4 spec ("Create a canonical request"):
/// ```
/// CanonicalRequest =
///   HTTPRequestMethod + '\n' +
///   CanonicalURI + '\n' +
///   CanonicalQueryString + '\n' +
///   CanonicalHeaders + '\n' +
///   SignedHeaders + '\n' +
///   HexEncode(Hash(RequestPayload))
/// ```
/// - CanonicalQueryString: each name and value URI-encoded, sorted by name then value, joined as
///   `name=value` with `&`; a parameter without value gets `name=`.
/// - CanonicalHeaders: for each signed header, `lowercase(name) + ':' + Trimall(value) + '\n'`,
///   where repeated headers' values are joined with `,` in the order sent and `Trimall` removes
///   leading and trailing whitespace and collapses inner runs of spaces to one.
///
/// Writes into one byte buffer: this runs for every request.
enum CanonicalRequest {
    /// The canonical request's bytes.
    /// - Parameters:
    ///   - request: the request; its path, query and headers are read.
    ///   - path: the service's path rule.
    ///   - skipping: query parameters left out (`X-Amz-Signature` in presigned URLs).
    ///   - signedHeaders: the `SignedHeaders` list, `;`-separated lowercase names.
    ///   - payloadHash: the last line.
    static func build(
        _ request: AWSRequest, path: PathCanonicalization, skipping: [String], signedHeaders: Substring,
        payloadHash: String
    ) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(384 + request.rawPath.utf8.count + request.rawQuery.utf8.count)
        out.append(contentsOf: request.method.utf8)
        out.append(UInt8(ascii: "\n"))
        switch path {
        case .s3: appendS3Path(request.rawPath, into: &out)
        case .doubleEncoded(let normalize):
            let normalized = normalize ? normalizePath(request.rawPath) : request.rawPath
            PercentEncoding.appendEncoded(normalized.utf8, keepSlash: true, into: &out)
        }
        out.append(UInt8(ascii: "\n"))
        appendQuery(request.query, skipping: skipping, into: &out)
        out.append(UInt8(ascii: "\n"))
        signedHeaders.forEachPiece(byte: UInt8(ascii: ";"), omittingEmpty: true) { name in
            out.append(contentsOf: name.utf8)
            out.append(UInt8(ascii: ":"))
            var first = true
            for field in request.headers.fields where HTTPHeaders.equalsIgnoringCase(field.name, name) {
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                appendTrimmed(field.value, into: &out)
            }
            out.append(UInt8(ascii: "\n"))
        }
        out.append(UInt8(ascii: "\n"))
        out.append(contentsOf: signedHeaders.utf8)
        out.append(UInt8(ascii: "\n"))
        out.append(contentsOf: payloadHash.utf8)
        return out
    }

    /// S3's canonical URI: decode each `%XX`, then URI-encode every byte once, keeping only the
    /// slashes that were literal (an encoded `%2F` inside a key stays `%2F`).
    static func appendS3Path(_ rawPath: String, into out: inout [UInt8]) {
        let bytes = rawPath.utf8
        var index = bytes.startIndex
        while index != bytes.endIndex {
            let byte = bytes[index]
            if byte == UInt8(ascii: "%") {
                let first = bytes.index(after: index)
                if first != bytes.endIndex {
                    let second = bytes.index(after: first)
                    if second != bytes.endIndex, let high = PercentEncoding.hexValue(bytes[first]),
                        let low = PercentEncoding.hexValue(bytes[second])
                    {
                        PercentEncoding.appendEncoded(high << 4 | low, keepSlash: false, into: &out)
                        index = bytes.index(after: second)
                        continue
                    }
                }
            }
            PercentEncoding.appendEncoded(byte, keepSlash: true, into: &out)
            index = bytes.index(after: index)
        }
    }

    /// RFC 3986 dot-segment removal plus collapsing of repeated slashes, keeping a trailing slash;
    /// `//example//` → `/example/`, `/a/b/../..` → `/`.
    static func normalizePath(_ path: String) -> String {
        var segments: [Substring] = []
        for segment in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch segment {
            case ".": continue
            case "..": if !segments.isEmpty { segments.removeLast() }
            default: segments.append(segment)
            }
        }
        if segments.isEmpty { return "/" }
        var result = "/" + segments.joined(separator: "/")
        if path.hasSuffix("/") { result += "/" }
        return result
    }

    /// The canonical query string (see the type's comment).
    static func appendQuery(_ query: QueryParameters, skipping: [String], into out: inout [UInt8]) {
        guard query.count > 0 else { return }
        // A struct, not a tuple: sorting tuples goes through runtime type metadata.
        struct Pair {
            var name: [UInt8] = []
            var value: [UInt8] = []
        }
        var pairs: [Pair] = []
        pairs.reserveCapacity(query.count)
        for parameter in query where !skipping.contains(parameter.name) {
            var pair = Pair()
            PercentEncoding.appendEncoded(parameter.name.utf8, keepSlash: false, into: &pair.name)
            PercentEncoding.appendEncoded(parameter.value.utf8, keepSlash: false, into: &pair.value)
            pairs.append(pair)
        }
        pairs.sort { $0.name == $1.name ? $0.value.lexicographicallyPrecedes($1.value) : $0.name.lexicographicallyPrecedes($1.name) }
        for (index, pair) in pairs.enumerated() {
            if index > 0 { out.append(UInt8(ascii: "&")) }
            out.append(contentsOf: pair.name)
            out.append(UInt8(ascii: "="))
            out.append(contentsOf: pair.value)
        }
    }

    /// `Trimall(value)`: trims and collapses runs of whitespace (including folded line breaks).
    static func appendTrimmed(_ value: String, into out: inout [UInt8]) {
        var pendingSpace = false
        var wroteAny = false
        for byte in value.utf8 {
            if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r") || byte == UInt8(ascii: "\n") {
                pendingSpace = wroteAny
            } else {
                if pendingSpace { out.append(UInt8(ascii: " ")) }
                pendingSpace = false
                wroteAny = true
                out.append(byte)
            }
        }
    }

    /// The string to sign: algorithm, request time, scope, hex SHA-256 of the canonical request.
    static func stringToSign(canonicalRequest: [UInt8], amzDate: String, scope: CredentialScope) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(160)
        out.append(contentsOf: SigV4.algorithm.utf8)
        out.append(UInt8(ascii: "\n"))
        out.append(contentsOf: amzDate.utf8)
        out.append(UInt8(ascii: "\n"))
        out.append(contentsOf: scope.date.utf8)
        out.append(UInt8(ascii: "/"))
        out.append(contentsOf: scope.region.utf8)
        out.append(UInt8(ascii: "/"))
        out.append(contentsOf: scope.service.utf8)
        out.append(UInt8(ascii: "/"))
        out.append(contentsOf: scope.terminator.utf8)
        out.append(UInt8(ascii: "\n"))
        SigningKey.appendSHA256Hex(of: canonicalRequest, into: &out)
        return out
    }
}

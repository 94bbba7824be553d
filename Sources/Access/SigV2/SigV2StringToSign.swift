/// The string S3 signs with HMAC-SHA1 under Signature Version 2.
///
/// From "Signing and Authenticating REST Requests" (Amazon S3 Developer Guide, SigV2):
/// ```
/// StringToSign = HTTP-Verb + "\n" +
///     Content-MD5 + "\n" +
///     Content-Type + "\n" +
///     Date + "\n" +                     (the Expires value for query-string authentication)
///     CanonicalizedAmzHeaders +
///     CanonicalizedResource;
/// ```
/// - CanonicalizedAmzHeaders: every `x-amz-*` header, name lowercased, sorted by name, values of
///   repeated headers joined with `,`, whitespace around values removed (inner spaces kept), each
///   as `name:value\n`.
///   When `x-amz-date` is present the Date line is empty.
/// - CanonicalizedResource: `/bucket` for virtual-hosted requests, then the path as sent (a bare
///   `/bucket` becomes `/bucket/`, as the S3 guide writes bucket resources), then
///   the sub-resources and response overrides present in the query, sorted by name, as
///   `?name[=decoded value]` joined by `&`.
public enum SigV2StringToSign {
    /// The query parameters S3 signs in the canonicalized resource; the list botocore signs
    /// (`HmacV1Auth.QSAOfInterest`), which covers the sub-resources in the S3 documentation.
    public static let subResources: Set<String> = [
        "accelerate", "acl", "analytics", "cors", "defaultObjectAcl", "delete", "encryption", "intelligent-tiering",
        "inventory", "legal-hold", "lifecycle", "location", "logging", "metrics", "notification", "object-lock",
        "ownershipControls", "partNumber", "policy", "publicAccessBlock", "replication", "requestPayment",
        "response-cache-control", "response-content-disposition", "response-content-encoding",
        "response-content-language", "response-content-type", "response-expires", "restore", "retention", "select",
        "select-type", "storageClass", "tagging", "torrent", "uploadId", "uploads", "versionId", "versioning", "versions",
        "website",
    ]

    /// Builds the string to sign.
    /// - Parameters:
    ///   - request: the request.
    ///   - dateOrExpires: the Date line (the `Date` header, `""` when `x-amz-date` is present, or
    ///     the `Expires` value for presigned URLs).
    ///   - amzHeadersFromQuery: whether `x-amz-*` query parameters count as amz headers (presigned
    ///     URLs carry them there, as botocore's `HmacV1QueryAuth` puts them).
    public static func build(_ request: AWSRequest, dateOrExpires: String, amzHeadersFromQuery: Bool) -> String {
        var out = request.method + "\n"
        out += standardHeader("content-md5", request, fromQuery: amzHeadersFromQuery) + "\n"
        out += standardHeader("content-type", request, fromQuery: amzHeadersFromQuery) + "\n"
        out += dateOrExpires + "\n"
        var amz: [String: [String]] = [:]
        for field in request.headers.fields where field.name.hasPrefix("x-amz-") {
            amz[field.name, default: []].append(trimmed(field.value))
        }
        if amzHeadersFromQuery {
            for parameter in request.query {
                let name = HTTPHeaders.lowercase(parameter.name)
                if name.hasPrefix("x-amz-") && amz[name] == nil { amz[name] = [trimmed(parameter.value)] }
            }
        }
        for name in amz.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
            out += name + ":" + amz[name]!.joined(separator: ",") + "\n"
        }
        out += canonicalizedResource(request)
        return out
    }

    /// `/bucket` + path + signed sub-resources.
    public static func canonicalizedResource(_ request: AWSRequest) -> String {
        var resource = ""
        if let bucket = request.virtualHostedBucket { resource += "/" + bucket }
        resource += request.rawPath
        // A request addressing a bucket signs "/bucket/" even when the path is "/bucket"
        // (path-style bucket operations as botocore sends them).
        if request.virtualHostedBucket == nil, resource.utf8.count > 1, !resource.dropFirst().contains("/") { resource += "/" }
        let signed = request.query.parameters.enumerated()
            .filter { subResources.contains(String($0.element.rawName)) }
            .sorted { $0.element.rawName == $1.element.rawName ? $0.offset < $1.offset : $0.element.rawName < $1.element.rawName }
            .map { $0.element.rawValue == nil ? String($0.element.rawName) : "\($0.element.rawName)=\($0.element.value)" }
        if !signed.isEmpty { resource += "?" + signed.joined(separator: "&") }
        return resource
    }

    private static func standardHeader(_ name: String, _ request: AWSRequest, fromQuery: Bool) -> String {
        if let value = request.headers[name] { return trimmed(value) }
        if fromQuery {
            for parameter in request.query where HTTPHeaders.lowercase(parameter.name) == name { return trimmed(parameter.value) }
        }
        return ""
    }

    /// Strips surrounding whitespace only: SigV2 keeps inner runs of spaces (botocore `strip()`).
    private static func trimmed(_ value: String) -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" }
        var text = Substring(value)
        while let first = text.first, isSpace(first) { text.removeFirst() }
        while let last = text.last, isSpace(last) { text.removeLast() }
        return String(text)
    }
}

/// A transport-neutral description of one HTTP request, as the server received it (to verify)
/// or as a client is about to send it (to sign).
///
/// The path and query are kept exactly as on the wire, percent-encoding included, because the
/// signature covers the encoded form and S3 and the other services canonicalise it differently.
/// The server fills this from its HTTP framework's request head; it must pass every header it
/// received (including `Host`, `Content-Length` and `Expect`), since clients sign them.
public struct AWSRequest: Sendable {
    /// The HTTP method in uppercase, e.g. `GET`.
    public var method: String
    /// The path as sent, percent-encoded, without the query: `/bucket/my%20key`.
    public var rawPath: String
    /// The query string as sent, without the leading `?`; `""` when none.
    public var rawQuery: String {
        didSet { query = QueryParameters(rawQuery: rawQuery) }
    }
    /// The parsed query parameters of `rawQuery`.
    public private(set) var query: QueryParameters
    /// The request headers.
    public var headers: HTTPHeaders
    /// The lowercase hex SHA-256 of the whole body, when the caller holds the body in memory.
    ///
    /// Needed for services other than S3 (Kinesis, Glue…), whose SDKs sign the body hash without
    /// sending it in `x-amz-content-sha256`; the JSON APIs buffer their small bodies anyway.
    public var bodySHA256: String?
    /// The bucket named by the `Host` header in a virtual-hosted-style S3 request
    /// (`bucket.s3.example.com`), which SigV2 puts in front of the path it signs.
    public var virtualHostedBucket: String?

    /// Creates a request description.
    /// - Parameters:
    ///   - method: the HTTP method.
    ///   - rawPath: the path as sent (percent-encoded), without query.
    ///   - rawQuery: the query as sent, without `?`.
    ///   - headers: the headers.
    ///   - bodySHA256: hex SHA-256 of the body, when known.
    ///   - virtualHostedBucket: the bucket taken from the host name, for virtual-hosted S3 requests.
    public init(
        method: String, rawPath: String, rawQuery: String = "", headers: HTTPHeaders = HTTPHeaders(),
        bodySHA256: String? = nil, virtualHostedBucket: String? = nil
    ) {
        self.method = method
        self.rawPath = rawPath.isEmpty ? "/" : rawPath
        self.rawQuery = rawQuery
        self.query = QueryParameters(rawQuery: rawQuery)
        self.headers = headers
        self.bodySHA256 = bodySHA256
        self.virtualHostedBucket = virtualHostedBucket
    }

    /// Creates a request description from a request target as in the HTTP request line
    /// (`/path?query`); a `#fragment` is dropped.
    /// - Parameters:
    ///   - method: the HTTP method.
    ///   - target: the request target, e.g. `/bucket/key?uploads`.
    ///   - headers: the headers.
    public init(method: String, target: String, headers: HTTPHeaders = HTTPHeaders()) {
        let withoutFragment = target.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        if let question = withoutFragment.firstIndex(of: "?") {
            self.init(
                method: method, rawPath: String(withoutFragment[..<question]),
                rawQuery: String(withoutFragment[withoutFragment.index(after: question)...]), headers: headers)
        } else {
            self.init(method: method, rawPath: String(withoutFragment), headers: headers)
        }
    }

    /// The `x-amz-content-sha256` header: a hex SHA-256, `UNSIGNED-PAYLOAD` or a `STREAMING-…` mode.
    public var payloadHashHeader: String? { headers["x-amz-content-sha256"] }
}

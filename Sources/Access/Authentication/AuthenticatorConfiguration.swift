import TarnCore

/// The server-wide settings of request authentication.
///
/// Region, accepted services and the clock belong to the server, not to each request, so they
/// live here rather than in `AWSRequest`.
public struct AuthenticatorConfiguration: Sendable {
    /// The region this endpoint serves; credential scopes must name it.
    public var region: String
    /// The services this endpoint answers for; credential scopes must name one of them.
    public var services: Set<String>
    /// The server's clock, for skew and expiry checks.
    public var clock: any WallClock
    /// The largest accepted difference between request time and server time, in seconds.
    public var maxClockSkew: Int64
    /// Per-service exceptions to `PathCanonicalization.forService` (S3 encodes once, others twice
    /// and normalise); empty for AWS behaviour.
    public var pathCanonicalization: [String: PathCanonicalization] = [:]
    /// Services whose presigned URLs add `X-Amz-Security-Token` after signing, so it is left out
    /// of the canonical query (the SigV4 test suite's `post-sts-header-after`). S3 and the APIs
    /// Tarn serves sign it, so this is empty by default.
    public var unsignedSessionTokenServices: Set<String> = []

    /// The AWS APIs Tarn serves.
    public static let defaultServices: Set<String> = ["s3", "kinesis", "firehose", "kms", "glue", "athena", "iam", "sts"]

    /// Creates a configuration.
    /// - Parameters:
    ///   - region: the served region, `us-east-1` by default.
    ///   - services: the accepted service names.
    ///   - clock: the server clock; the system clock by default.
    ///   - maxClockSkew: seconds of tolerated skew, 15 minutes as in S3.
    public init(
        region: String = "us-east-1", services: Set<String> = Self.defaultServices, clock: any WallClock = SystemClock(),
        maxClockSkew: Int64 = SigV4.maxClockSkewSeconds
    ) {
        self.region = region
        self.services = services
        self.clock = clock
        self.maxClockSkew = maxClockSkew
    }
}

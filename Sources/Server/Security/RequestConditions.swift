import Access
import Foundation
import Hummingbird
import Keys
import NIOCore

/// The global condition keys of an HTTP request (IAM User Guide, "AWS global condition context
/// keys"): what policies can test about the transport, the network and the time.
enum RequestConditions {
    /// Builds the context for a request.
    /// - Parameters:
    ///   - secure: whether it arrived over TLS (`aws:SecureTransport`).
    ///   - remote: the peer (`aws:SourceIp`).
    ///   - region: the served region (`aws:RequestedRegion`).
    static func context(request: Request, secure: Bool, remote: SocketAddress?, region: String, now: Date = Date()) -> ConditionContext {
        var keys: [String: [String]] = [
            "aws:SecureTransport": [secure ? "true" : "false"],
            "aws:CurrentTime": [AuditLog.timestamp(now)],
            "aws:EpochTime": [String(Int64(now.timeIntervalSince1970))],
            "aws:RequestedRegion": [region],
        ]
        if let ip = remote?.ipAddress { keys["aws:SourceIp"] = [ip] }
        if let agent = request.headers[.userAgent] { keys["aws:UserAgent"] = [agent] }
        if let referer = request.headers[.referer] { keys["aws:Referer"] = [referer] }
        return ConditionContext(keys)
    }
}

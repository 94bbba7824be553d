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
        // Lowercase already: ConditionContext looks keys up lowercased.
        var keys: [String: [String]] = [
            "aws:securetransport": [secure ? "true" : "false"],
            "aws:currenttime": [AuditLog.timestamp(now)],
            "aws:epochtime": [String(Int64(now.timeIntervalSince1970))],
            "aws:requestedregion": [region],
        ]
        keys.reserveCapacity(7)
        if let ip = remote?.ipAddress { keys["aws:sourceip"] = [ip] }
        if let agent = request.headers[.userAgent] { keys["aws:useragent"] = [agent] }
        if let referer = request.headers[.referer] { keys["aws:referer"] = [referer] }
        return ConditionContext(lowercasedKeys: keys)
    }
}

import Hummingbird
import NIOCore

/// Per-request context: Hummingbird's core storage plus the peer address, which policies
/// (`aws:SourceIp`) and logs need.
public struct TarnRequestContext: RequestContext {
    /// Hummingbird's per-request storage.
    public var coreContext: CoreRequestContextStorage
    /// The client's address, when known.
    public let remoteAddress: SocketAddress?
    /// The event loop of the request's connection (streamed bodies pace themselves on it).
    public let eventLoop: any EventLoop

    /// Creates the context for a request on `source.channel`.
    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
        eventLoop = source.channel.eventLoop
    }
}

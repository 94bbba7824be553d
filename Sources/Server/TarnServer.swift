import Foundation
import Hummingbird
import Lake
import Logging
import NIOCore
import ServiceLifecycle
import TarnCore

/// Runs Tarn's HTTP endpoint for a lake until SIGINT/SIGTERM, then shuts down gracefully
/// (in-flight requests finish; swift-service-lifecycle drives the shutdown).
public struct TarnServer: Sendable {
    /// Where and how to listen.
    public struct Configuration: Sendable {
        /// Host to bind (default loopback).
        public var host: String
        /// Port to bind.
        public var port: Int
        /// Base domain for virtual-hosted-style requests (`bucket.domain`), if any.
        public var domain: String?

        /// Creates a configuration.
        public init(host: String = "127.0.0.1", port: Int = 9000, domain: String? = nil) {
            self.host = host
            self.port = port
            self.domain = domain
        }

        /// Parses `HOST:PORT`, `:PORT` or `PORT`.
        public static func parseListen(_ text: String) throws -> (String, Int) {
            let parts = text.split(separator: ":", omittingEmptySubsequences: false)
            if parts.count == 1, let port = Int(parts[0]) { return ("127.0.0.1", port) }
            guard parts.count == 2, let port = Int(parts[1]), (0...65535).contains(port) else {
                throw TarnError(.invalidArgument, "--listen expects HOST:PORT, got '\(text)'")
            }
            return (parts[0].isEmpty ? "127.0.0.1" : String(parts[0]), port)
        }
    }

    let lake: Lake
    let configuration: Configuration
    let services: [any AWSJSONService]
    let logger: Logger

    /// Creates a server for `lake`.
    /// - Parameter services: the AWS JSON-protocol services to serve beside S3.
    public init(lake: Lake, configuration: Configuration, services: [any AWSJSONService] = [], logger: Logger = Logger(label: "tarn.server")) {
        self.lake = lake
        self.configuration = configuration
        self.services = services
        self.logger = logger
    }

    /// Serves until a shutdown signal arrives.
    /// - Parameter onListening: called with the bound port once the server accepts connections.
    public func run(onListening: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let responder = TarnResponder(lake: lake, services: services, domain: configuration.domain, logger: logger)
        let lake = self.lake, logger = self.logger
        var application = Application(
            responder: responder,
            server: .http1(configuration: .init(additionalChannelHandlers: [ExpectContinueHandler()])),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: nil),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? 0) },
            logger: logger)
        application.beforeServerStarts {
            // Recovery runs in the background: the store is consistent without it, it only
            // reclaims space from writes a crash interrupted.
            Task.detached {
                do { try await lake.recover() } catch { logger.warning("start-up recovery failed: \(error)") }
                // Lifecycle rules are applied daily (configurable in tarn.yaml) once recovery is done.
                if lake.configuration.lifecycleEnabled { await lake.runLifecycleWorker() }
            }
        }
        try await application.runService()
    }
}

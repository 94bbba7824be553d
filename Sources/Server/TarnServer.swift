import Foundation
import Hummingbird
import HummingbirdTLS
import Jobs
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
        /// Whether the plain HTTP listener runs.
        public var http: Bool
        /// The HTTPS listener's address, if any.
        public var tlsHost: String?
        /// The HTTPS listener's port.
        public var tlsPort: Int
        /// The certificate the HTTPS listener serves.
        public var certificate: ServerCertificate?

        /// Creates a configuration.
        public init(
            host: String = "127.0.0.1", port: Int = 9000, domain: String? = nil, http: Bool = true, tlsHost: String? = nil, tlsPort: Int = 9443,
            certificate: ServerCertificate? = nil
        ) {
            self.host = host
            self.port = port
            self.domain = domain
            self.http = http
            self.tlsHost = tlsHost
            self.tlsPort = tlsPort
            self.certificate = certificate
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

    /// Serves until a shutdown signal arrives: the HTTP listener, the HTTPS listener, or both
    /// side by side (each request knows which one it came through: `aws:SecureTransport`).
    /// - Parameter onListening: called with the bound port and whether it is the TLS listener,
    ///   once each listener accepts connections.
    public func run(onListening: @escaping @Sendable (Int, Bool) async -> Void = { _, _ in }) async throws {
        let lake = self.lake, logger = self.logger
        var applications: [any Service] = []
        var first = true
        let triggers = TriggerService(runner: lake.jobs, logger: logger)
        func recoverOnce(_ application: inout Application<TarnResponder>) {
            guard first else { return }
            first = false
            application.beforeServerStarts {
                // Recovery runs in the background: the store is consistent without it, it only
                // reclaims space from writes a crash interrupted. Job triggers (upload events,
                // schedules) start once interrupted runs have been finished or rolled back.
                Task.detached(executorPreference: BackgroundExecutor.shared) {
                    do { try await lake.recover() } catch { logger.warning("start-up recovery failed: \(error)") }
                    await triggers.start()
                    await lake.marts.start()
                    // Lifecycle rules are applied daily (configurable in tarn.yaml) once recovery is done.
                    if lake.configuration.lifecycleEnabled { await lake.runLifecycleWorker() }
                }
            }
        }
        if configuration.http {
            var application = Application(
                responder: TarnResponder(lake: lake, services: services, domain: configuration.domain, logger: logger, secure: false),
                server: .http1(configuration: .init(additionalChannelHandlers: [ExpectContinueHandler()])),
                configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: nil),
                onServerRunning: { channel in await onListening(channel.localAddress?.port ?? 0, false) },
                logger: logger)
            recoverOnce(&application)
            applications.append(application)
        }
        if let tlsHost = configuration.tlsHost, let certificate = configuration.certificate {
            var application = Application(
                responder: TarnResponder(lake: lake, services: services, domain: configuration.domain, logger: logger, secure: true),
                server: try .tls(.http1(configuration: .init(additionalChannelHandlers: [ExpectContinueHandler()])), tlsConfiguration: certificate.tlsConfiguration()),
                configuration: .init(address: .hostname(tlsHost, port: configuration.tlsPort), serverName: nil),
                onServerRunning: { channel in await onListening(channel.localAddress?.port ?? 0, true) },
                logger: logger)
            recoverOnce(&application)
            applications.append(application)
        }
        guard !applications.isEmpty else { throw TarnError(.invalidArgument, "no listener: enable HTTP or give a TLS listener") }
        let group = ServiceGroup(configuration: .init(services: applications, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}

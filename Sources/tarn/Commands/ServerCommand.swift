import ArgumentParser
import Foundation
import Lake
import Logging
import Server
import Storage
import TarnCore

/// `tarn server`: serve every API for one data directory.
struct ServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "server",
        abstract: "Run the Tarn server (S3 and the AWS JSON APIs) for a data directory.",
        discussion: """
            Root credentials come from TARN_ROOT_ACCESS_KEY_ID / TARN_ROOT_SECRET_ACCESS_KEY; when unset on first start,
            random ones are generated, stored in DIR/root-credentials.json (mode 0600) and printed once.
            The root key (32 random bytes in base64) wraps every KMS key; give it with --root-key-file or
            TARN_ROOT_KEY_FILE and keep it outside DIR in production. Without one, DIR/root.key is generated.
            HTTPS: --tls-listen HOST:PORT (with --tls-cert/--tls-key, or a self-signed certificate kept in DIR/tls/);
            --no-http leaves only the HTTPS listener. Stops gracefully on SIGINT or SIGTERM.
            """)

    @Option(name: .long, help: "The data directory (created if missing).")
    var data: String = "./tarn-data"

    @Option(name: .long, help: "Address to listen on, HOST:PORT.")
    var listen: String = "127.0.0.1:9000"

    @Option(name: .long, help: "Base domain for virtual-hosted-style requests (BUCKET.DOMAIN).")
    var domain: String?

    @Option(name: .long, help: "The AWS region to report.")
    var region: String = "us-east-1"

    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    @Option(name: .long, help: "File holding the root key (base64 of 32 random bytes); default $TARN_ROOT_KEY_FILE, else DIR/root.key.")
    var rootKeyFile: String?

    @Option(name: .long, help: "Address of the HTTPS listener, HOST:PORT (default 127.0.0.1:9443 when --tls-cert is given).")
    var tlsListen: String?

    @Option(name: .long, help: "PEM certificate chain for HTTPS (default: a self-signed certificate in DIR/tls/).")
    var tlsCert: String?

    @Option(name: .long, help: "PEM private key for --tls-cert.")
    var tlsKey: String?

    @Flag(name: .long, help: "Serve only HTTPS (needs --tls-listen or --tls-cert).")
    var noHTTP = false

    @Option(name: .long, help: "Encryption of objects in buckets without an encryption configuration: AES256 (SSE-S3, as S3 does) or none (only to measure its cost).")
    var defaultEncryption: String = "AES256"

    func run() async throws {
        TarnLogging.bootstrap(level: Logger.Level(rawValue: logLevel) ?? .info)
        TarnServer.runTasksOnEventLoops()
        let (host, port) = try TarnServer.Configuration.parseListen(listen)
        guard ["AES256", "none"].contains(defaultEncryption) else { fail("--default-encryption must be AES256 or none, not \(defaultEncryption)") }
        let lake = try await reportingErrors {
            try Lake(path: data, region: region, rootKeyFile: rootKeyFile, defaultEncryption: defaultEncryption == "none" ? .none : .s3)
        }
        if let generated = lake.generatedRootKeyPath {
            say("""
                Generated a root key in \(generated) (mode 0600). It encrypts every KMS key and so every encrypted object:
                  back it up, and in production keep it outside the data directory (--root-key-file or TARN_ROOT_KEY_FILE).
                """)
        }
        var tlsHost: String? = nil, tlsPort = 9443
        var certificate: ServerCertificate? = nil
        if tlsListen != nil || tlsCert != nil {
            (tlsHost, tlsPort) = try TarnServer.Configuration.parseListen(tlsListen ?? "127.0.0.1:9443")
            certificate = try await reportingErrors {
                if let tlsCert {
                    guard let tlsKey else { throw TarnError(.invalidArgument, "--tls-cert needs --tls-key") }
                    return try ServerCertificate.load(certificatePath: tlsCert, keyPath: tlsKey)
                }
                return try ServerCertificate.selfSigned(directory: lake.directory.path + "/tls", hosts: [tlsHost ?? ""])
            }
            if let certificate {
                say("""
                    TLS certificate \(certificate.certificatePath)\(certificate.generated ? " (self-signed, generated now)" : "")
                      SHA-256 fingerprint \(certificate.fingerprint)
                    """)
            }
        } else if noHTTP {
            fail("--no-http needs an HTTPS listener (--tls-listen or --tls-cert)")
        }
        if lake.rootCredentials.generated {
            say("""
                Generated root credentials (stored in \(lake.directory.path)/root-credentials.json, shown only now):
                  AWS_ACCESS_KEY_ID=\(lake.rootCredentials.accessKeyID)
                  AWS_SECRET_ACCESS_KEY=\(lake.rootCredentials.secretAccessKey)
                """)
        }
        let server = TarnServer(
            lake: lake,
            configuration: .init(host: host, port: port, domain: domain, http: !noHTTP, tlsHost: tlsHost, tlsPort: tlsPort, certificate: certificate),
            services: TarnServer.jsonServices(for: lake))
        let dataPath = lake.directory.path
        let secureHost = tlsHost ?? host
        try await server.run { boundPort, secure in
            say("tarn \(TarnCoreModule.version) serving \(dataPath) on \(secure ? "https" : "http")://\(secure ? secureHost : host):\(boundPort)")
        }
    }
}

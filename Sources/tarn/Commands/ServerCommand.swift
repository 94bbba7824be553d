import ArgumentParser
import Foundation
import Lake
import Logging
import Server
import TarnCore

/// `tarn server`: serve every API for one data directory.
struct ServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "server",
        abstract: "Run the Tarn server (S3 and the AWS JSON APIs) for a data directory.",
        discussion: """
            Root credentials come from TARN_ROOT_ACCESS_KEY_ID / TARN_ROOT_SECRET_ACCESS_KEY; when unset on first start,
            random ones are generated, stored in DIR/root-credentials.json (mode 0600) and printed once.
            Stops gracefully on SIGINT or SIGTERM.
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

    func run() async throws {
        TarnLogging.bootstrap(level: Logger.Level(rawValue: logLevel) ?? .info)
        let (host, port) = try TarnServer.Configuration.parseListen(listen)
        let lake = try await reportingErrors { try Lake(path: data, region: region) }
        if lake.rootCredentials.generated {
            say("""
                Generated root credentials (stored in \(lake.directory.path)/root-credentials.json, shown only now):
                  AWS_ACCESS_KEY_ID=\(lake.rootCredentials.accessKeyID)
                  AWS_SECRET_ACCESS_KEY=\(lake.rootCredentials.secretAccessKey)
                """)
        }
        let server = TarnServer(lake: lake, configuration: .init(host: host, port: port, domain: domain), services: [KinesisService(streams: lake.streams), FirehoseService(delivery: lake.firehose, streams: lake.streams), TarnAdminService(lake: lake)])
        let dataPath = lake.directory.path
        try await server.run { boundPort in
            say("tarn \(TarnCoreModule.version) serving \(dataPath) on http://\(host):\(boundPort)")
        }
    }
}

import Access
import ArgumentParser
import Foundation
import TarnCore

/// `tarn presign`: a pre-signed URL (SigV4 query authentication) for uploading or downloading one
/// object with plain HTTP — how batch uploads reach the raw zone without AWS credentials.
struct PresignCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "presign",
        abstract: "Make a pre-signed GET or PUT URL for an object.",
        discussion: """
            Credentials: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, else TARN_ROOT_ACCESS_KEY_ID/TARN_ROOT_SECRET_ACCESS_KEY, \
            else the root credentials stored in --data.
            Example: curl -T sales.csv "$(tarn presign --method PUT s3://retail-dev-data/raw/sales/2024-03-01.csv)"
            """)

    @Argument(help: "The object, s3://BUCKET/KEY.")
    var object: String

    @Option(name: .long, help: "HTTP method the URL allows: GET or PUT.")
    var method: String = "GET"

    @Option(name: .long, help: "Seconds until the URL expires (1–604800).")
    var expires: Int64 = 3600

    @Option(name: .long, help: "The server's endpoint.")
    var endpoint: String = "http://127.0.0.1:9000"

    @Option(name: .long, help: "Data directory whose root credentials to use when none are in the environment.")
    var data: String = "./tarn-data"

    @Option(name: .long, help: "Region to sign for.")
    var region: String = "us-east-1"

    func validate() throws {
        guard ["GET", "PUT", "HEAD", "DELETE"].contains(method.uppercased()) else { throw ValidationError("--method must be GET, PUT, HEAD or DELETE") }
        guard (1...604_800).contains(expires) else { throw ValidationError("--expires must be between 1 and 604800 seconds") }
    }

    func run() throws {
        guard object.hasPrefix("s3://"), case let rest = object.dropFirst(5), let slash = rest.firstIndex(of: "/"), rest.index(after: slash) != rest.endIndex else {
            throw ValidationError("expected s3://BUCKET/KEY, got '\(object)'")
        }
        let bucket = rest[..<slash], key = rest[rest.index(after: slash)...]
        guard let url = URL(string: endpoint), let scheme = url.scheme, let host = url.host else {
            throw ValidationError("--endpoint must be a URL like http://127.0.0.1:9000")
        }
        let hostHeader = url.port.map { "\(host):\($0)" } ?? host
        let signer = SigV4Signer(credentials: try credentials(), region: region, service: "s3")
        let path = "/" + PercentEncoding.encodePath(bucket) + "/" + PercentEncoding.encodePath(key)
        say(signer.presignedURL(method: method.uppercased(), scheme: scheme, host: hostHeader, path: path, expires: expires, at: Int64(Date().timeIntervalSince1970)))
    }

    func credentials() throws -> SigningCredentials {
        let environment = ProcessInfo.processInfo.environment
        for (id, secret) in [("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"), ("TARN_ROOT_ACCESS_KEY_ID", "TARN_ROOT_SECRET_ACCESS_KEY")] {
            if let id = environment[id], let secret = environment[secret], !id.isEmpty, !secret.isEmpty {
                return SigningCredentials(accessKeyID: id, secretAccessKey: secret)
            }
        }
        let path = data + "/root-credentials.json"
        guard let bytes = try? FileSystem.readFile(path),
            let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: String],
            let id = object["accessKeyId"], let secret = object["secretAccessKey"]
        else {
            throw ValidationError("no credentials: set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or point --data at a data directory")
        }
        return SigningCredentials(accessKeyID: id, secretAccessKey: secret)
    }
}

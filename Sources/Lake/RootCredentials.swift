import Foundation
import TarnCore

/// The root access key: full rights, like an AWS account's root user. Taken from
/// `TARN_ROOT_ACCESS_KEY_ID` / `TARN_ROOT_SECRET_ACCESS_KEY` when set; otherwise generated on
/// first start and kept in `root-credentials.json` (mode 0600) in the data directory.
public struct RootCredentials: Sendable, Equatable {
    /// The access key id.
    public var accessKeyID: String
    /// The secret access key. Never logged.
    public var secretAccessKey: String
    /// Whether they were generated just now (the caller prints them once).
    public var generated: Bool

    static let fileName = "root-credentials.json"

    /// Loads or creates the root credentials for `directory`.
    public static func load(directory: DataDirectory, environment: [String: String]) throws -> RootCredentials {
        if let id = environment["TARN_ROOT_ACCESS_KEY_ID"], let secret = environment["TARN_ROOT_SECRET_ACCESS_KEY"], !id.isEmpty, !secret.isEmpty {
            return RootCredentials(accessKeyID: id, secretAccessKey: secret, generated: false)
        }
        let path = directory.path + "/" + fileName
        if FileSystem.exists(path) {
            let data = Data(try FileSystem.readFile(path))
            guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: String],
                let id = object["accessKeyId"], let secret = object["secretAccessKey"]
            else { throw TarnError(.corrupt, "\(path) is not a valid credentials file; delete it to generate new root credentials") }
            return RootCredentials(accessKeyID: id, secretAccessKey: secret, generated: false)
        }
        // AWS-shaped: 20-character uppercase key id, 40-character secret.
        let id = "TK" + Identifiers.randomToken(length: 18).uppercased()
        let secret = Identifiers.randomToken(length: 40)
        let json = try JSONSerialization.data(withJSONObject: ["accessKeyId": id, "secretAccessKey": secret], options: [.sortedKeys, .prettyPrinted])
        try FileSystem.writeAtomically(Array(json), to: path, permissions: 0o600)
        return RootCredentials(accessKeyID: id, secretAccessKey: secret, generated: true)
    }
}

import Access
import ArgumentParser
import Foundation
import Lake
import Server
import TarnCore

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// How `tarn streams` and `tarn firehose` reach the data: in-process when no server owns the
/// data directory, otherwise over HTTP to the server (SigV4-signed JSON 1.1 calls). Both paths
/// run the same `KinesisService`/`FirehoseService` code, so output is identical.
struct StreamsJSONClient: Sendable {
    enum Mode: Sendable {
        case embedded(Lake, [String: any AWSJSONService])
        case remote(endpoint: URL, signer: SigV4Signer)
    }

    let mode: Mode

    /// Options shared by the streaming commands.
    struct Options: ParsableArguments {
        @Option(name: .long, help: "The data directory (opened directly when no server owns it).")
        var data: String = "./tarn-data"

        @Option(name: .long, help: "The server to call when one owns --data.")
        var endpoint: String = ProcessInfo.processInfo.environment["TARN_ENDPOINT"] ?? "http://127.0.0.1:9000"

        @Option(name: .long, help: "Output: text or json.")
        var format: String = "text"

        @Option(name: .long, help: "The AWS region the server reports.")
        var region: String = "us-east-1"

        var json: Bool { format == "json" }
    }

    /// Opens the lake in-process, or falls back to the server that holds its lock.
    static func connect(_ options: Options) throws -> StreamsJSONClient {
        guard FileSystem.isDirectory(options.data) else {
            throw ValidationError("no data directory at \(options.data); pass --data")
        }
        do {
            let lake = try Lake(path: options.data, region: options.region)
            let services = TarnServer.jsonServices(for: lake)
            return StreamsJSONClient(mode: .embedded(lake, Dictionary(uniqueKeysWithValues: services.map { ($0.targetPrefix, $0) })))
        } catch let error as TarnError where error.code == .conflict {
            guard let url = URL(string: options.endpoint), url.host != nil else { throw ValidationError("--endpoint must be a URL like http://127.0.0.1:9000") }
            return StreamsJSONClient(mode: .remote(endpoint: url, signer: SigV4Signer(credentials: try credentials(data: options.data), region: options.region, service: "kinesis")))
        }
    }

    static func credentials(data: String) throws -> SigningCredentials {
        let environment = ProcessInfo.processInfo.environment
        for (id, secret) in [("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"), ("TARN_ROOT_ACCESS_KEY_ID", "TARN_ROOT_SECRET_ACCESS_KEY")] {
            if let id = environment[id], let secret = environment[secret], !id.isEmpty, !secret.isEmpty {
                return SigningCredentials(accessKeyID: id, secretAccessKey: secret)
            }
        }
        guard let bytes = try? FileSystem.readFile(data + "/root-credentials.json"),
            let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: String],
            let id = object["accessKeyId"], let secret = object["secretAccessKey"]
        else { throw ValidationError("no credentials to call the server: set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY") }
        return SigningCredentials(accessKeyID: id, secretAccessKey: secret)
    }

    /// Calls `Prefix.Operation` with a JSON body; returns the response object.
    /// - Throws: `TarnError` with the AWS error code and message.
    func call(_ target: String, _ body: [String: Any]) async throws -> [String: Any] {
        let data = try JSONSerialization.data(withJSONObject: body)
        let bytes: [UInt8]
        switch mode {
        case .embedded(_, let services):
            let dot = target.lastIndex(of: ".")!
            guard let service = services[String(target[..<dot])] else { throw TarnError(.internal, "no service for \(target)") }
            let operation = String(target[target.index(after: dot)...])
            // In process, the operator acts as the account's root user (as with the root credentials).
            let caller = AWSJSONCaller(principal: .root(accountID: Lake.accountID), requestID: "cli")
            do {
                if let raw = try await service.handleRaw(operation: operation, body: Array(data), caller: caller) {
                    bytes = raw
                } else {
                    guard case .object(let members) = try AWSJSONValue.parse(Array(data)) else { throw TarnError(.internal, "request is not an object") }
                    bytes = try await service.handle(operation: operation, request: AWSJSONRequest(body: members, caller: caller)).serialized()
                }
            } catch let error as AWSJSONError {
                throw TarnError(.init(error.type), error.message)
            }
        case .remote(let endpoint, var signer):
            signer.service = target.hasPrefix("Firehose") ? "firehose" : target.hasPrefix("TarnAdmin") ? "tarn" : "kinesis"
            let host = endpoint.port.map { "\(endpoint.host!):\($0)" } ?? endpoint.host!
            var request = AWSRequest(
                method: "POST", target: "/",
                headers: ["host": host, "content-type": "application/x-amz-json-1.1", "x-amz-target": target])
            signer.sign(&request, payload: .bytes(Array(data)), at: Int64(Date().timeIntervalSince1970))
            var urlRequest = URLRequest(url: endpoint)
            urlRequest.httpMethod = "POST"
            for field in request.headers where field.name.lowercased() != "host" { urlRequest.setValue(field.value, forHTTPHeaderField: field.name) }
            urlRequest.httpBody = data
            let (body, response) = try await URLSession.shared.data(for: urlRequest)
            bytes = Array(body)
            if let http = response as? HTTPURLResponse, http.statusCode >= 300 {
                let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any]
                let type = (object?["__type"] as? String).map { String($0.split(separator: "#").last ?? Substring($0)) } ?? "HTTP\(http.statusCode)"
                throw TarnError(.init(type), object?["message"] as? String ?? object?["Message"] as? String ?? "HTTP \(http.statusCode)")
            }
        }
        guard let object = try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else {
            throw TarnError(.corrupt, "\(target): response is not a JSON object")
        }
        return object
    }
}

/// Prints rows as aligned columns.
func printTable(_ header: [String], _ rows: [[String]]) {
    var widths = header.map(\.count)
    for row in rows { for (index, cell) in row.enumerated() where index < widths.count { widths[index] = max(widths[index], cell.count) } }
    func line(_ cells: [String]) -> String {
        cells.enumerated().map { index, cell in index == cells.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0) }
            .joined(separator: "  ")
    }
    say(line(header))
    for row in rows { say(line(row)) }
}

/// Prints a JSON value on one line.
func printJSON(_ value: Any) {
    if let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed, .withoutEscapingSlashes]) {
        say(String(decoding: data, as: UTF8.self))
    }
}

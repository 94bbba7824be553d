import Access
import Foundation
import TarnCore
import TarnTesting

/// A clock stuck at one instant, for skew and expiry tests.
struct FixedClock: WallClock {
    var seconds: Int64
    func now() -> Date { Date(timeIntervalSince1970: TimeInterval(seconds)) }
}

/// Fixture files under `Tests/AccessTests/Fixtures/`.
enum AccessFixtures {
    static func path(_ relative: String) -> String { Fixtures.path("AccessTests", relative) }

    static func bytes(_ relative: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: path(relative))))
    }

    static func text(_ relative: String) throws -> String { String(decoding: try bytes(relative), as: UTF8.self) }

    static func json(_ relative: String) throws -> Any { try JSONSerialization.jsonObject(with: Data(try bytes(relative))) }

    /// Names of the sub-directories of a fixture directory, sorted.
    static func directories(_ relative: String) -> [String] {
        let root = path(relative)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        return names.filter { name in
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: root + "/" + name, isDirectory: &isDirectory) && isDirectory.boolValue
        }.sorted()
    }
}

/// A raw HTTP request from the SigV4 test suites (`.req` / `request.txt` files): request line,
/// headers (continuation lines folded into the previous header with a space), blank line, body.
struct RawHTTPRequest {
    var request: AWSRequest
    var body: [UInt8]

    init(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        // The body starts after the first blank line, if any.
        let parts = text.components(separatedBy: "\n\n")
        let head = parts[0]
        body = parts.count > 1 ? Array(parts.dropFirst().joined(separator: "\n\n").utf8) : []
        var lines = head.components(separatedBy: "\n")
        if lines.last == "" { lines.removeLast() }
        let requestLine = lines.removeFirst()
        let firstSpace = requestLine.firstIndex(of: " ")!
        let lastSpace = requestLine.lastIndex(of: " ")!
        let method = String(requestLine[..<firstSpace])
        let target = String(requestLine[requestLine.index(after: firstSpace)..<lastSpace])
        var pairs: [(String, String)] = []
        for line in lines {
            if line.first == " " || line.first == "\t", !pairs.isEmpty {
                pairs[pairs.count - 1].1 += " " + line
                continue
            }
            guard let colon = line.firstIndex(of: ":") else { continue }
            pairs.append((String(line[..<colon]), String(line[line.index(after: colon)...])))
        }
        request = AWSRequest(method: method, target: target, headers: HTTPHeaders(pairs))
        if !body.isEmpty { request.bodySHA256 = ChunkSignatureChain.sha256Hex(body) } else { request.bodySHA256 = SigV4.emptySHA256 }
    }
}

/// The two worked-example key pairs.
enum TestKeys {
    /// The SigV4 test suites' credentials.
    static let suite = SigningCredentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
    /// The S3 documentation's credentials.
    static let s3Docs = SigningCredentials(accessKeyID: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
    /// The test suites' signing time, 2015-08-30T12:36:00Z.
    static let suiteTime = AMZDate.parseISO8601Basic("20150830T123600Z")!
    /// The S3 examples' signing time, 2013-05-24T00:00:00Z.
    static let s3DocsTime = AMZDate.parseISO8601Basic("20130524T000000Z")!

    static func store(_ credentials: SigningCredentials...) -> StaticCredentialStore {
        StaticCredentialStore(credentials.map { StoredCredential(credentials: $0, principal: .root(accountID: "000000000000")) })
    }
}

/// Runs `body` and returns the `TarnError` it threw, or `nil`.
func tarnError(_ body: () throws -> Void) -> TarnError? {
    do {
        try body()
        return nil
    } catch let error as TarnError {
        return error
    } catch {
        return TarnError(.internal, "unexpected error type: \(error)")
    }
}

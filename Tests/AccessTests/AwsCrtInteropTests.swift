import Access
import Foundation
import TarnCore
import Testing

/// S3 requests signed by aws-c-auth through `awscrt` (`Fixtures/awscrt/generate.py`), an
/// implementation independent of botocore: header-signed (with a multi-space amz header) and
/// presigned, tricky keys and sub-resources. Each must verify, and our signer must reproduce
/// the header signatures.
@Suite struct AwsCrtInteropTests {
    struct Case: Sendable {
        var name: String
        var method: String
        var target: String
        var headers: [[String]]
    }

    static let document: (cases: [Case], credentials: SigningCredentials, time: Int64) = {
        let json = try! AccessFixtures.json("awscrt/awscrt.json") as! [String: Any]
        let cases = (json["cases"] as! [[String: Any]]).map {
            Case(name: $0["name"] as! String, method: $0["method"] as! String, target: $0["target"] as! String, headers: $0["headers"] as! [[String]])
        }
        return (
            cases, SigningCredentials(accessKeyID: json["access_key_id"] as! String, secretAccessKey: json["secret_access_key"] as! String),
            Int64(json["signed_at"] as! Int)
        )
    }()
    static let names = document.cases.map(\.name)

    static func request(_ name: String) -> AWSRequest {
        let testCase = document.cases.first { $0.name == name }!
        return AWSRequest(method: testCase.method, target: testCase.target, headers: HTTPHeaders(testCase.headers.map { ($0[0], $0[1]) }))
    }

    @Test func fixtureIsComplete() { #expect(Self.names.count == 16) }

    @Test(arguments: names)
    func verifies(_ name: String) throws {
        let authenticator = RequestAuthenticator(
            credentials: TestKeys.store(Self.document.credentials),
            configuration: AuthenticatorConfiguration(clock: FixedClock(seconds: Self.document.time + 60)))
        let auth = try authenticator.authenticate(Self.request(name), service: "s3")
        #expect(auth.scheme == (name.hasPrefix("header") ? .sigV4Header : .sigV4Query))
    }

    @Test(arguments: names.filter { $0.hasPrefix("header") })
    func signerReproducesHeaderSignature(_ name: String) throws {
        let crt = Self.request(name)
        var ours = crt
        for header in ["authorization", "x-amz-date", "x-amz-content-sha256"] { ours.headers.remove(header) }
        SigV4Signer(credentials: Self.document.credentials, service: "s3").sign(&ours, payload: .empty, at: Self.document.time)
        let theirs = try SigV4Authorization(headerValue: crt.headers["authorization"]!)
        #expect(try SigV4Authorization(headerValue: ours.headers["authorization"]!) == theirs)
    }
}

import Access
import Foundation
import TarnCore
import Testing

/// The aws-c-auth SigV4 suite: each request signed with the header and with the query
/// (presigned) method, including `normalize: false` (S3-like) paths, signed bodies and session
/// tokens; both signed forms must then verify.
@Suite struct AwsCAuthSuiteTests {
    static let root = "sigv4/aws-signing-test-suite-v4-aws-c-auth"
    static let cases = AccessFixtures.directories(root)

    struct Case {
        var raw: RawHTTPRequest
        var credentials: SigningCredentials
        var normalize: Bool
        var signBody: Bool
        var omitSessionToken: Bool
        var expires: Int64
        var directory: String

        init(_ name: String) throws {
            directory = "\(AwsCAuthSuiteTests.root)/\(name)"
            raw = RawHTTPRequest(try AccessFixtures.bytes(directory + "/request.txt"))
            let context = try AccessFixtures.json(directory + "/context.json") as! [String: Any]
            let credentials = context["credentials"] as! [String: String]
            self.credentials = SigningCredentials(
                accessKeyID: credentials["access_key_id"]!, secretAccessKey: credentials["secret_access_key"]!,
                sessionToken: credentials["token"])
            normalize = context["normalize"] as! Bool
            signBody = context["sign_body"] as! Bool
            omitSessionToken = context["omit_session_token"] as? Bool ?? false
            expires = Int64(context["expiration_in_seconds"] as! Int)
            #expect(context["timestamp"] as? String == "2015-08-30T12:36:00Z")
        }

        func file(_ name: String) throws -> String { try AccessFixtures.text(directory + "/" + name) }

        var signer: SigV4Signer {
            var signer = SigV4Signer(credentials: credentials, region: "us-east-1", service: "service")
            signer.path = .doubleEncoded(normalize: normalize)
            signer.sendsContentSHA256 = signBody
            signer.signsSessionToken = !omitSessionToken
            return signer
        }

        var payload: SigV4Signer.Payload { signBody ? .bytes(raw.body) : .empty }

        var authenticator: RequestAuthenticator {
            var configuration = AuthenticatorConfiguration(services: ["service"], clock: FixedClock(seconds: TestKeys.suiteTime))
            configuration.pathCanonicalization["service"] = .doubleEncoded(normalize: normalize)
            if omitSessionToken { configuration.unsignedSessionTokenServices = ["service"] }
            return RequestAuthenticator(credentials: TestKeys.store(credentials), configuration: configuration)
        }
    }

    @Test func suiteIsComplete() { #expect(Self.cases.count == 38) }

    @Test(arguments: cases)
    func headerSigningReproducesTheSuite(_ name: String) throws {
        let testCase = try Case(name)
        var request = testCase.raw.request
        let result = testCase.signer.sign(&request, payload: testCase.payload, at: TestKeys.suiteTime)
        #expect(result.canonicalRequest == (try testCase.file("header-canonical-request.txt")))
        #expect(result.stringToSign == (try testCase.file("header-string-to-sign.txt")))
        #expect(result.signature == (try testCase.file("header-signature.txt")))
    }

    @Test(arguments: cases)
    func querySigningReproducesTheSuite(_ name: String) throws {
        let testCase = try Case(name)
        var request = testCase.raw.request
        let result = testCase.signer.presign(&request, expires: testCase.expires, payload: testCase.payload, at: TestKeys.suiteTime)
        #expect(result.canonicalRequest == (try testCase.file("query-canonical-request.txt")))
        #expect(result.stringToSign == (try testCase.file("query-string-to-sign.txt")))
        #expect(result.signature == (try testCase.file("query-signature.txt")))
    }

    @Test(arguments: cases)
    func headerSignedRequestVerifies(_ name: String) throws {
        let testCase = try Case(name)
        let signed = RawHTTPRequest(try AccessFixtures.bytes(testCase.directory + "/header-signed-request.txt"))
        let auth = try testCase.authenticator.authenticate(signed.request)
        #expect(auth.scheme == .sigV4Header)
        #expect(auth.accessKeyID == "AKIDEXAMPLE")
    }

    @Test(arguments: cases)
    func presignedRequestVerifies(_ name: String) throws {
        let testCase = try Case(name)
        let signed = RawHTTPRequest(try AccessFixtures.bytes(testCase.directory + "/query-signed-request.txt"))
        let auth = try testCase.authenticator.authenticate(signed.request)
        #expect(auth.scheme == .sigV4Query)
        #expect(auth.expiresAt == TestKeys.suiteTime + testCase.expires)
    }
}

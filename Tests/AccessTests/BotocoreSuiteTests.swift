import Access
import Foundation
import TarnCore
import Testing

/// The classic AWS SigV4 test suite (botocore copy): every case is signed and the expected
/// canonical request, string to sign and Authorization header must come out; then the signed
/// request must verify.
@Suite struct BotocoreSuiteTests {
    static let root = "sigv4/aws4_testsuite-botocore"

    /// `<group>/<case>` paths of every case directory holding a `.req` file.
    static let cases: [String] = {
        var found: [String] = []
        func walk(_ relative: String) {
            for name in AccessFixtures.directories(relative) {
                let child = relative + "/" + name
                if FileManager.default.fileExists(atPath: AccessFixtures.path("\(child)/\(name).req")) {
                    found.append(String(child.dropFirst(root.count + 1)))
                } else {
                    walk(child)
                }
            }
        }
        walk(root)
        return found
    }()

    struct Case {
        var name: String
        var raw: RawHTTPRequest
        var signedRaw: RawHTTPRequest
        var creq: String
        var sts: String
        var authz: String

        init(_ path: String) throws {
            name = String(path.split(separator: "/").last!)
            let base = "\(BotocoreSuiteTests.root)/\(path)/\(name)"
            raw = RawHTTPRequest(try AccessFixtures.bytes(base + ".req"))
            signedRaw = RawHTTPRequest(try AccessFixtures.bytes(base + ".sreq"))
            creq = try AccessFixtures.text(base + ".creq")
            sts = try AccessFixtures.text(base + ".sts")
            authz = try AccessFixtures.text(base + ".authz")
        }

        /// The session token a case signs with: one in the canonical request that the raw request
        /// does not carry yet.
        var signingToken: String? {
            guard !raw.request.headers.contains("x-amz-security-token") else { return nil }
            return creq.split(separator: "\n").first { $0.hasPrefix("x-amz-security-token:") }
                .map { String($0.dropFirst("x-amz-security-token:".count)) }
        }
    }

    @Test func suiteIsComplete() {
        // 34 cases: 24 at the top level, 8 path-normalisation and 2 session-token cases.
        #expect(Self.cases.count == 34)
    }

    @Test(arguments: cases)
    func signingReproducesTheSuite(_ path: String) throws {
        let testCase = try Case(path)
        var credentials = TestKeys.suite
        credentials.sessionToken = testCase.signingToken
        var signer = SigV4Signer(credentials: credentials, region: "us-east-1", service: "service")
        signer.sendsContentSHA256 = false
        var request = testCase.raw.request
        let result = signer.sign(&request, payload: .bytes(testCase.raw.body), at: TestKeys.suiteTime)
        #expect(result.canonicalRequest == testCase.creq)
        #expect(result.stringToSign == testCase.sts)
        #expect(request.headers["authorization"] == testCase.authz)
    }

    @Test(arguments: cases)
    func signedRequestVerifies(_ path: String) throws {
        let testCase = try Case(path)
        var request = testCase.signedRaw.request
        // get-vanilla-with-session-token.sreq upstream carries a corrupted signature; the .authz
        // file has the right one, so verify the .sreq's headers with the .authz value.
        request.headers.set("authorization", testCase.authz)
        var credentials = TestKeys.suite
        credentials.sessionToken = request.headers["x-amz-security-token"]
        let authenticator = RequestAuthenticator(
            credentials: TestKeys.store(credentials),
            configuration: AuthenticatorConfiguration(services: ["service"], clock: FixedClock(seconds: TestKeys.suiteTime)))
        let auth = try authenticator.authenticate(request)
        #expect(auth.scheme == .sigV4Header)
        #expect(auth.principal.kind == .root)
        #expect(auth.service == "service")
        #expect(auth.requestTime == TestKeys.suiteTime)
    }

    /// The one upstream `.sreq` whose signature was corrupted must be rejected, with the details
    /// S3 gives.
    @Test func corruptedUpstreamSignatureIsRejected() throws {
        let testCase = try Case("get-vanilla-with-session-token")
        var credentials = TestKeys.suite
        credentials.sessionToken = testCase.signedRaw.request.headers["x-amz-security-token"]
        let authenticator = RequestAuthenticator(
            credentials: TestKeys.store(credentials),
            configuration: AuthenticatorConfiguration(services: ["service"], clock: FixedClock(seconds: TestKeys.suiteTime)))
        let error = tarnError { _ = try authenticator.authenticate(testCase.signedRaw.request) }
        #expect(error?.code == .signatureDoesNotMatch)
        #expect(error?.code.awsHTTPStatus == 403)
        #expect(error?.detail("CanonicalRequest") == testCase.creq)
        #expect(error?.detail("StringToSign") == testCase.sts)
        #expect(error?.detail("SignatureProvided") == "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31")
        #expect(error?.detail("AWSAccessKeyId") == "AKIDEXAMPLE")
        #expect(error?.detail("StringToSignBytes")?.hasPrefix("41 57 53 34 2d") == true)
        #expect(!(error?.details.contains { $0.value.contains(TestKeys.suite.secretAccessKey) } ?? true))
    }
}

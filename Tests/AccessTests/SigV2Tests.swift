import Access
import Foundation
import TarnCore
import Testing

/// SigV2 string to sign, signer and verifier failures (the boto3 fixtures cover success).
@Suite struct SigV2Tests {
    static let keys = VerificationErrorTests.keys
    static let time = VerificationErrorTests.time

    /// The example of the S3 Developer Guide's SigV2 section ("Object GET"), with its documented
    /// string to sign, signed with the guide's key.
    @Test func developerGuideObjectGet() {
        var request = AWSRequest(
            method: "GET", rawPath: "/photos/puppy.jpg",
            headers: ["Host": "awsexamplebucket1.us-west-1.s3.amazonaws.com", "Date": "Tue, 27 Mar 2007 19:36:42 +0000"])
        request.virtualHostedBucket = "awsexamplebucket1"
        let stringToSign = SigV2StringToSign.build(request, dateOrExpires: request.headers["date"]!, amzHeadersFromQuery: false)
        #expect(stringToSign == "GET\n\n\nTue, 27 Mar 2007 19:36:42 +0000\n/awsexamplebucket1/photos/puppy.jpg")
        let signer = SigV2Signer(credentials: SigningCredentials(accessKeyID: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"))
        #expect(signer.signature(stringToSign) == "qgk2+6Sv9/oM7G3qLEjTH1a1l1g=")
    }

    @Test func amzHeadersAndSubResources() {
        let request = AWSRequest(
            method: "PUT", rawPath: "/bucket/key", rawQuery: "uploadId=abc&partNumber=2&ignored=1&acl",
            headers: HTTPHeaders([
                ("Content-Type", "text/plain "), ("Content-MD5", "  1B2M2Y8AsgTpgAmY7PhCfg=="), ("X-Amz-Meta-B", "two  spaces"),
                ("x-amz-meta-a", "1"), ("X-Amz-Meta-A", "2"), ("Date", "ignored when x-amz-date is present"),
            ]))
        let stringToSign = SigV2StringToSign.build(request, dateOrExpires: "", amzHeadersFromQuery: false)
        #expect(stringToSign == "PUT\n1B2M2Y8AsgTpgAmY7PhCfg==\ntext/plain\n\nx-amz-meta-a:1,2\nx-amz-meta-b:two  spaces\n/bucket/key?acl&partNumber=2&uploadId=abc")
    }

    static func signedRequest() -> AWSRequest {
        var request = AWSRequest(method: "GET", rawPath: "/bucket/key", headers: ["Host": "localhost:9000"])
        SigV2Signer(credentials: keys).sign(&request, at: time)
        return request
    }

    static func fails(_ request: AWSRequest, at seconds: Int64 = time) -> TarnError? {
        tarnError { _ = try VerificationErrorTests.authenticator(at: seconds).authenticate(request) }
    }

    @Test func headerSignatureRoundTrip() throws {
        let auth = try VerificationErrorTests.authenticator().authenticate(Self.signedRequest())
        #expect(auth.scheme == .sigV2Header)
        #expect(auth.requestTime == Self.time)
    }

    @Test func headerFailures() {
        var request = Self.signedRequest()
        request.rawPath = "/bucket/other"
        let mismatch = Self.fails(request)
        #expect(mismatch?.code == .signatureDoesNotMatch)
        #expect(mismatch?.detail("StringToSign") == "GET\n\n\nWed, 25 Nov 2026 12:00:00 GMT\n/bucket/other")
        #expect(mismatch?.detail("StringToSignBytes")?.hasPrefix("47 45 54 0a") == true)
        #expect(Self.fails(Self.signedRequest(), at: Self.time + 901)?.code == .requestTimeTooSkewed)
        #expect(Self.fails(Self.signedRequest(), at: Self.time - 900) == nil)
        for bad in ["AWS AKIATARNTEST", "AWS :sig", "AWS AKIATARNTEST:"] {
            var malformed = Self.signedRequest()
            malformed.headers.set("Authorization", bad)
            #expect(Self.fails(malformed)?.code == .invalidArgument)
        }
        var unknown = Self.signedRequest()
        unknown.headers.set("Authorization", "AWS AKIANOBODY:abc=")
        #expect(Self.fails(unknown)?.code == .invalidAccessKeyId)
        var undated = Self.signedRequest()
        undated.headers.remove("date")
        #expect(Self.fails(undated)?.code == .accessDenied)
    }

    static func presigned(expires: Int64) -> AWSRequest {
        var request = AWSRequest(method: "GET", rawPath: "/bucket/key", rawQuery: "versionId=7", headers: ["Host": "localhost:9000"])
        SigV2Signer(credentials: keys).presign(&request, expires: expires)
        return AWSRequest(method: "GET", target: request.rawPath + "?" + request.rawQuery, headers: request.headers)
    }

    @Test func presignedFailures() {
        let request = Self.presigned(expires: Self.time + 60)
        #expect(Self.fails(request, at: Self.time + 60) == nil)
        let expired = Self.fails(request, at: Self.time + 61)
        #expect(expired?.code == .accessDenied)
        #expect(expired?.message == "Request has expired")
        #expect(expired?.detail("Expires") == AMZDate.iso8601Extended(Self.time + 60))
        var tampered = request
        tampered.rawQuery = tampered.rawQuery.replacingOccurrences(of: "versionId=7", with: "versionId=8")
        #expect(Self.fails(tampered)?.code == .signatureDoesNotMatch)
        var missing = request
        missing.rawQuery = request.rawQuery.split(separator: "&").filter { !$0.hasPrefix("Expires=") }.joined(separator: "&")
        #expect(Self.fails(missing)?.code == .accessDenied)
        var notNumber = request
        notNumber.rawQuery = request.rawQuery.replacingOccurrences(of: "Expires=\(Self.time + 60)", with: "Expires=soon")
        #expect(Self.fails(notNumber)?.code == .invalidArgument)
    }

    /// A `+` in a Base64 signature sent unencoded must not be read as a space.
    @Test func unencodedPlusInSignature() throws {
        for offset in 0..<40 {
            let request = Self.presigned(expires: Self.time + 100 + Int64(offset))
            guard let signature = request.query["Signature"], signature.contains("+") else { continue }
            var raw = request
            raw.rawQuery = request.rawQuery.replacingOccurrences(of: "%2B", with: "+")
            #expect(Self.fails(raw) == nil)
            return
        }
        Issue.record("no signature with a '+' among 40 tries")
    }
}

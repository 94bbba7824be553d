import Access
import Foundation
import TarnCore
import Testing

/// Timestamps, percent-encoding, headers and the signing-key cache.
@Suite struct EncodingAndDateTests {
    @Test(arguments: [
        ("20130524T000000Z", Int64(1_369_353_600)), ("19700101T000000Z", Int64(0)), ("20240229T235959Z", Int64(1_709_251_199)),
        ("21000301T120000Z", Int64(4_107_585_600)),
    ])
    func iso8601BasicRoundTrip(_ text: String, _ seconds: Int64) {
        #expect(AMZDate.parseISO8601Basic(text) == seconds)
        #expect(AMZDate.iso8601Basic(seconds) == text)
        #expect(AMZDate.parseISO8601Basic(text) == Int64(ISO8601DateFormatter().date(from: String(text.prefix(4)) + "-" + String(text.dropFirst(4).prefix(2)) + "-" + String(text.dropFirst(6).prefix(2)) + "T" + String(text.dropFirst(9).prefix(2)) + ":" + String(text.dropFirst(11).prefix(2)) + ":" + String(text.dropFirst(13).prefix(2)) + "Z")!.timeIntervalSince1970))
    }

    @Test(arguments: ["20130524T000000", "20130524 000000Z", "2013052T000000Z0", "20130230T000000Z", "20230229T000000Z", "20131324T000000Z", "20130524T240000Z", "2013O524T000000Z", ""])
    func invalidISO8601Basic(_ text: String) {
        #expect(AMZDate.parseISO8601Basic(text) == nil)
    }

    @Test func httpDates() {
        #expect(AMZDate.parseHTTPDate("Fri, 24 May 2013 00:00:00 GMT") == 1_369_353_600)
        #expect(AMZDate.httpDate(1_369_353_600) == "Fri, 24 May 2013 00:00:00 GMT")
        #expect(AMZDate.httpDate(0) == "Thu, 01 Jan 1970 00:00:00 GMT")
        #expect(AMZDate.parseHTTPDate("Fri, 24 May 2013 00:00:00 UTC") == nil)
        #expect(AMZDate.parseHTTPDate("Fri, 24 Foo 2013 00:00:00 GMT") == nil)
        #expect(AMZDate.iso8601Extended(1_369_353_600) == "2013-05-24T00:00:00Z")
    }

    @Test func percentEncoding() {
        #expect(PercentEncoding.encodePath("/raw zone/ü/a+b~c") == "/raw%20zone/%C3%BC/a%2Bb~c")
        #expect(PercentEncoding.encodeQueryComponent("a/b c=d&e") == "a%2Fb%20c%3Dd%26e")
        #expect(PercentEncoding.decode("a%2Fb+c%zz%4") == "a/b+c%zz%4")
        #expect(PercentEncoding.decode("a%2Fb+c", plusAsSpace: true) == "a/b c")
    }

    @Test func queryParameters() {
        let query = QueryParameters(rawQuery: "a=1&&b&c=&d=x%3Dy&e=f=g")
        #expect(query.parameters.map(\.name) == ["a", "b", "c", "d", "e"])
        #expect(query["b"] == "")
        #expect(query.parameters[1].rawValue == nil)
        #expect(query.parameters[2].rawValue == "")
        #expect(query["d"] == "x=y")
        #expect(query["e"] == "f=g")
    }

    @Test func headersAreCaseInsensitiveAndOrdered() {
        var headers = HTTPHeaders([("X-Amz-Meta-A", "1"), ("Host", "h"), ("x-amz-meta-a", "2")])
        #expect(headers["X-AMZ-META-A"] == "1")
        #expect(headers.values("x-amz-meta-a") == ["1", "2"])
        #expect(headers.fields.map(\.name) == ["x-amz-meta-a", "host", "x-amz-meta-a"])
        headers.set("X-Amz-Meta-A", "3")
        #expect(headers.values("x-amz-meta-a") == ["3"])
        headers.remove("HOST")
        #expect(!headers.contains("host"))
    }

    @Test func requestTarget() {
        let request = AWSRequest(method: "GET", target: "/b/k?uploads&x=1#frag")
        #expect(request.rawPath == "/b/k")
        #expect(request.rawQuery == "uploads&x=1")
        #expect(AWSRequest(method: "GET", target: "").rawPath == "/")
    }

    @Test func signingKeyCacheReusesAndBounds() {
        let cache = SigningKeyCache(capacity: 2)
        let first = cache.key(secret: "s", date: "20261125", region: "us-east-1", service: "s3")
        #expect(cache.key(secret: "s", date: "20261125", region: "us-east-1", service: "s3") == first)
        #expect(first == SigningKey.derive(secret: "s", date: "20261125", region: "us-east-1", service: "s3"))
        _ = cache.key(secret: "s", date: "20261126", region: "us-east-1", service: "s3")
        #expect(cache.count == 2)
        _ = cache.key(secret: "s", date: "20261127", region: "us-east-1", service: "s3")
        #expect(cache.count == 1)
    }

    /// The documented SigV4 signing key of the AWS General Reference example
    /// (secret `wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY`, 20120215, us-east-1, iam).
    @Test func derivedKeyMatchesDocumentation() {
        let key = SigningKey.derive(secret: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", date: "20120215", region: "us-east-1", service: "iam")
        #expect(key.withUnsafeBytes { Hex.encode($0) } == "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d")
    }
}

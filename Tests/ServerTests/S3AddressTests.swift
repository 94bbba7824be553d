import TarnCore
import Testing

@testable import Server

/// Path-style and virtual-hosted-style addressing
/// (docs.aws.amazon.com/AmazonS3/latest/userguide/VirtualHosting.html).
@Suite struct S3AddressTests {
    struct Resolved: Equatable {
        var bucket: String?
        var key: String?
        var virtualHosted: Bool
    }

    func resolve(_ path: String, host: String? = nil, domain: String? = nil) throws -> Resolved {
        let address = try S3Address(rawPath: path, host: host, domain: domain)
        return Resolved(bucket: address.bucket, key: address.key, virtualHosted: address.virtualHosted)
    }

    @Test func pathStyle() throws {
        #expect(try resolve("/", host: "127.0.0.1:9000") == Resolved(bucket: nil, key: nil, virtualHosted: false))
        #expect(try resolve("/bucket") == Resolved(bucket: "bucket", key: nil, virtualHosted: false))
        #expect(try resolve("/bucket/") == Resolved(bucket: "bucket", key: nil, virtualHosted: false))
        #expect(try resolve("/bucket/a/b%20c/%E2%82%AC+") == Resolved(bucket: "bucket", key: "a/b c/€+", virtualHosted: false))
        // Keys keep every slash, including leading and doubled ones, and dot segments.
        #expect(try resolve("/bucket//x/../y").key == "/x/../y")
        #expect(try resolve("/bucket/nul%00byte").key == "nul\u{0}byte")
    }

    @Test func virtualHostedWithDomain() throws {
        #expect(
            try resolve("/photos/1.jpg", host: "My-Bucket.localhost:9000", domain: "localhost")
                == Resolved(bucket: "my-bucket", key: "photos/1.jpg", virtualHosted: true))
        #expect(try resolve("/", host: "b.s3.example.com", domain: "s3.example.com") == Resolved(bucket: "b", key: nil, virtualHosted: true))
        // Dotted bucket names: everything before the domain.
        #expect(try resolve("/k", host: "a.b.c.localhost", domain: "localhost").bucket == "a.b.c")
        // The bare domain, another host, or no domain configured: path style.
        #expect(try resolve("/b/k", host: "localhost:9000", domain: "localhost") == Resolved(bucket: "b", key: "k", virtualHosted: false))
        #expect(try resolve("/b/k", host: "127.0.0.1:9000", domain: "localhost").virtualHosted == false)
        #expect(try resolve("/b/k", host: "x.notlocalhost", domain: "localhost").bucket == "b")
        #expect(try resolve("/b/k", host: "b.localhost").bucket == "b")
    }

    @Test(arguments: ["/bucket/%", "/bucket/%4", "/bucket/%zz", "/bucket/%C3%28", "/%FF"])
    func invalidEncodingIsInvalidURI(_ path: String) {
        #expect { try resolve(path) } throws: { ($0 as? TarnError)?.code.rawValue == "InvalidURI" }
    }

    @Test func queryParsing() {
        let query = S3Call.parseQuery("list-type=2&prefix=a%2Fb+c&delimiter=%2F&uploads&prefix=second")
        #expect(query["list-type"] == "2")
        #expect(query["prefix"] == "a/b c")  // '+' is a space in query strings; the first value wins
        #expect(query["delimiter"] == "/")
        #expect(query["uploads"] == "")
        #expect(S3Call.parseQuery(nil).isEmpty)
    }
}

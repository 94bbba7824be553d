import Foundation
import Testing

@testable import Server

/// Wire dates: RFC 9110 §5.6.7 IMF-fixdate in headers, ISO 8601 with milliseconds in XML.
@Suite struct HTTPDateTests {
    // 2026-11-25T19:33:45.123Z, a Wednesday.
    let date = Date(timeIntervalSince1970: 1_795_635_225.123)

    @Test func formats() {
        #expect(HTTPDate.imfFixdate(date) == "Wed, 25 Nov 2026 19:33:45 GMT")
        #expect(HTTPDate.iso8601(date) == "2026-11-25T19:33:45.123Z")
        #expect(HTTPDate.imfFixdate(Date(timeIntervalSince1970: 0)) == "Thu, 01 Jan 1970 00:00:00 GMT")
        #expect(HTTPDate.iso8601(Date(timeIntervalSince1970: 951_782_400)) == "2000-02-29T00:00:00.000Z")
        #expect(HTTPDate.imfFixdate(Date(timeIntervalSince1970: 4_102_444_799)) == "Thu, 31 Dec 2099 23:59:59 GMT")
    }

    @Test(arguments: [
        "Wed, 25 Nov 2026 19:33:45 GMT",        // IMF-fixdate
        "Wednesday, 25-Nov-26 19:33:45 GMT",    // obsolete RFC 850
        "Wed Nov 25 19:33:45 2026",             // obsolete asctime
        "2026-11-25T19:33:45Z",
        "2026-11-25T19:33:45.000Z",
        " Wed, 25 Nov 2026 19:33:45 GMT ",
    ])
    func parsesEveryAcceptedForm(_ text: String) {
        #expect(HTTPDate.parse(text)?.timeIntervalSince1970 == 1_795_635_225)
    }

    @Test(arguments: ["", "yesterday", "Wed, 32 Nov 2026 19:33:45 GMT", "2026-13-01T00:00:00Z"])
    func rejectsGarbage(_ text: String) {
        #expect(HTTPDate.parse(text) == nil)
    }
}

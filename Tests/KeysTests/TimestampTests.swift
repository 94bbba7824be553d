import Foundation
import TarnCore
import Testing

/// The audit log's timestamps and the policy engine's dates share `ISO8601`; checked against
/// Foundation's formatter over a spread of instants.
@Suite struct TimestampTests {
    @Test(arguments: [0.0, 0.001, 951_782_400.5, 1_767_225_600, 1_798_761_599.999, 4_102_444_800, -86_400.25])
    func formatMatchesFoundation(seconds: Double) {
        let date = Date(timeIntervalSince1970: seconds)
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        #expect(ISO8601.format(date) == formatter.string(from: date))
        #expect(ISO8601.parse(ISO8601.format(date)).map { ($0 * 1000).rounded() } == (seconds * 1000).rounded(.down))
    }

    @Test func parsesPolicyDateForms() {
        #expect(ISO8601.parse("2026-01-01") == 1_767_225_600)
        #expect(ISO8601.parse("2026-01-01T00:00:00Z") == 1_767_225_600)
        #expect(ISO8601.parse("2026-01-01T01:00:00+01:00") == 1_767_225_600)
        #expect(ISO8601.parse("2025-12-31T19:00:00-05:00") == 1_767_225_600)
        #expect(ISO8601.parse("2024-02-29T12:00:00.250Z") == 1_709_208_000.25)
        for bad in ["", "2026", "2026-13-01", "2026-01-01T25:00:00Z", "2026-01-01T00:00:00", "tomorrow", "2026-01-01T00:00:00Zjunk"] {
            #expect(ISO8601.parse(bad) == nil, "\(bad)")
        }
    }
}

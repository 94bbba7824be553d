import Testing
@testable import Jobs

@Suite struct CompileCheckTests {
    @Test func civilCalendarRoundTrip() {
        for days in [-800_000, -1, 0, 1, 19_723, 2_000_000] {
            let (y, m, d) = CivilCalendar.date(fromDays: days)
            #expect(CivilCalendar.days(year: y, month: m, day: d) == days)
        }
    }
}

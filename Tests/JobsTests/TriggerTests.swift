import Foundation
import TarnCore
import Testing

@testable import Jobs

/// Cron parsing and matching (crontab(5) semantics, UTC).
@Suite struct CronScheduleTests {
    static func date(_ text: String) -> Date {
        let formatter = ISO8601DateFormatter()
        return formatter.date(from: text)!
    }

    static func iso(_ date: Date?) -> String? {
        date.map { ISO8601DateFormatter().string(from: $0) }
    }

    @Test(arguments: [
        ("*/15 * * * *", "2024-03-01T10:07:30Z", "2024-03-01T10:15:00Z"),
        ("0 * * * *", "2024-03-01T10:00:00Z", "2024-03-01T11:00:00Z"),
        ("15 2 * * *", "2024-03-01T02:15:00Z", "2024-03-02T02:15:00Z"),
        ("0 9-17/4 * * mon-fri", "2024-03-01T17:30:00Z", "2024-03-04T09:00:00Z"),  // Friday evening → Monday 09:00
        ("30 8 1 * *", "2024-01-31T12:00:00Z", "2024-02-01T08:30:00Z"),
        ("0 0 29 feb *", "2024-03-01T00:00:00Z", "2028-02-29T00:00:00Z"),
        ("0 12 13 * 5", "2024-03-01T00:00:00Z", "2024-03-01T12:00:00Z"),  // day-of-month OR day-of-week when both are set
        ("0 0 * * 7", "2024-03-01T00:00:00Z", "2024-03-03T00:00:00Z"),  // 7 is Sunday
        ("@hourly", "2024-03-01T10:59:59Z", "2024-03-01T11:00:00Z"),
        ("@weekly", "2024-03-01T00:00:00Z", "2024-03-03T00:00:00Z"),
        ("5,10,50 23 31 dec *", "2024-12-31T23:10:00Z", "2024-12-31T23:50:00Z"),
    ])
    func nextFire(expression: String, after: String, expected: String) throws {
        let schedule = try CronSchedule(expression)
        #expect(Self.iso(schedule.next(after: Self.date(after))) == expected)
    }

    @Test(arguments: ["* * * *", "60 * * * *", "* 24 * * *", "* * 0 * *", "* * * 13 *", "* * * * 8", "*/0 * * * *", "5-1 * * * *", "a * * * *",
                      "1,,2 * * * *", "@reboot", "1/2/3 * * * *"])
    func invalidExpressionsAreRejectedWithTheField(expression: String) {
        #expect { try CronSchedule(expression) } throws: { ($0 as? TarnError)?.code == .invalidArgument }
    }

    @Test func impossibleDatesNeverFire() throws {
        #expect(try CronSchedule("0 0 30 feb *").next(after: Self.date("2024-01-01T00:00:00Z")) == nil)
        #expect(try CronSchedule("*/5 * * * *").matches(Self.date("2024-01-01T00:10:30Z")))
        #expect(try !CronSchedule("*/5 * * * *").matches(Self.date("2024-01-01T00:11:00Z")))
    }
}

/// The debounce state machine, driven by explicit times.
@Suite struct DebouncerTests {
    let t0 = Date(timeIntervalSince1970: 1_000_000)

    @Test func burstBecomesOneRunAfterTheQuietPeriod() {
        var debouncer = Debouncer(quietPeriod: 2, maxDelay: 60)
        #expect(debouncer.eventArrived(at: t0) == .wake(at: t0 + 2))
        #expect(debouncer.eventArrived(at: t0 + 1) == .wake(at: t0 + 3))
        #expect(debouncer.eventArrived(at: t0 + 1.5) == .wake(at: t0 + 3.5))
        #expect(debouncer.timerFired(at: t0 + 3) == .wake(at: t0 + 3.5), "a stale timer re-arms for the latest deadline")
        #expect(debouncer.timerFired(at: t0 + 3.5) == .startRun)
        #expect(debouncer.isRunning)
        #expect(debouncer.runFinished(at: t0 + 10) == .none, "nothing arrived during the run")
    }

    @Test func maxDelayBoundsAnEndlessBurst() {
        var debouncer = Debouncer(quietPeriod: 2, maxDelay: 5)
        _ = debouncer.eventArrived(at: t0)
        for second in 1...4 { #expect(debouncer.eventArrived(at: t0 + Double(second)) != .startRun) }
        #expect(debouncer.deadline == t0 + 5)
        #expect(debouncer.eventArrived(at: t0 + 5) == .startRun)
    }

    @Test func eventsDuringARunStartTheNextOne() {
        var debouncer = Debouncer(quietPeriod: 1, maxDelay: 10)
        _ = debouncer.eventArrived(at: t0)
        #expect(debouncer.timerFired(at: t0 + 1) == .startRun)
        #expect(debouncer.eventArrived(at: t0 + 1.2) == .none, "no second run while one is going")
        #expect(debouncer.timerFired(at: t0 + 5) == .none)
        #expect(debouncer.runFinished(at: t0 + 5) == .startRun, "the burst during the run is overdue when it ends")
        #expect(debouncer.runFinished(at: t0 + 6) == .none)
    }
}

/// The trigger service against a real lake: a burst of uploads under the prefix becomes one run.
@Suite(.serialized) struct TriggerServiceTests {
    @Test func uploadBurstTriggersOneDebouncedRun() async throws {
        let lake = try await LakeFixture(prefix: "tarn-jobs-trigger")
        defer { lake.remove() }
        try await lake.runner.define(SyntheticEvents.job(triggers: TriggerSpec(onObjectCreated: true, debounceSeconds: 20, maxDelaySeconds: 120)))
        let service = TriggerService(runner: lake.runner, refreshInterval: 60)
        await service.reload()
        await service.start()
        defer { Task { await service.stop() } }
        for index in 0..<5 { try await lake.put("raw/events/burst-\(index).csv", SyntheticEvents.object(index, rows: 50)) }
        // Not under the prefix: must not trigger anything.
        try await lake.put("raw/other/x.csv", "id\n1\n")

        var iterator = service.completedRuns.makeAsyncIterator()
        // The quiet period (20 s) is far longer than one fsynced PUT, even while the whole suite
        // runs in parallel on two cores (2 s was not, and 8 s stopped being once the suite grew:
        // a burst of five PUTs took over 8 s between two of them).
        let run = try #require(await iterator.next())
        #expect(run.trigger == .objectCreated)
        #expect(run.status == .succeeded)
        #expect(run.sources.count == 5, "the five uploads are one run")
        // The run's own outputs (cleansed, quarantine, manifests) lie outside the prefix: no second run.
        try await Task.sleep(for: .seconds(3))
        #expect(try lake.runner.history(job: "events").count == 1)
    }
}

/// A job defined while the trigger service runs reacts to the very next upload: `define` bumps
/// the runner's definition generation, so the service does not wait for its periodic re-read
/// (here one hour) — before, uploads right after `tarn apply` never started their jobs.
@Suite(.serialized) struct TriggerDefinitionRefreshTests {
    // The limit only catches a hang (without the generation check the run never starts). It is
    // generous because the whole suite runs in parallel on two cores: measured at 47 s there,
    // under 2 s alone.
    @Test(.timeLimit(.minutes(4))) func jobDefinedAfterStartIsTriggeredAtOnce() async throws {
        let lake = try await LakeFixture(prefix: "tarn-jobs-trigger-new")
        defer { lake.remove() }
        let service = TriggerService(runner: lake.runner, refreshInterval: 3600)
        await service.start()
        defer { Task { await service.stop() } }
        try await Task.sleep(for: .milliseconds(200))  // the service has read the (empty) definitions
        try await lake.runner.define(SyntheticEvents.job(triggers: TriggerSpec(onObjectCreated: true, debounceSeconds: 0.2, maxDelaySeconds: 30)))
        try await lake.put("raw/events/first.csv", SyntheticEvents.object(0, rows: 20))
        var iterator = service.completedRuns.makeAsyncIterator()
        let run = try #require(await iterator.next())
        #expect(run.status == .succeeded && run.sources.map(\.key) == ["raw/events/first.csv"])
    }
}

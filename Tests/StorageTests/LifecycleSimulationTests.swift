import Foundation
import TarnCore
import TarnTesting
import Testing

@testable import Storage

/// The retail retention rules (0–6 months Standard, 6–24 months Standard-IA, 2–5 years Glacier,
/// deleted after 5 years) over six years of objects, on simulated time: lifecycle runs as of
/// every day that matters (the day before and the day of each object's every due date), and
/// after each run every object is exactly where S3 would have it.
@Suite struct LifecycleSimulationTests {
    struct Planned {
        var key: String
        var created: Date
        var size: Int
    }

    /// Where S3 has an object created at `created` on day `day` under the retail rules.
    static func expected(_ object: Planned, on day: Date) -> String? {
        func due(_ days: Int) -> Date { LifecycleTiming.days(days).due(created: object.created) }
        if day >= due(1825) { return nil }
        // Objects under 128 KiB are not transitioned by default (x-amz-transition-default-minimum-object-size).
        let transitions = Int64(object.size) >= TransitionMinimumSize.threshold
        if transitions && day >= due(730) { return "GLACIER" }
        if transitions && day >= due(180) { return "STANDARD_IA" }
        return "STANDARD"
    }

    @Test func retailRulesOverSixYears() async throws {
        let directory = try TemporaryDirectory(prefix: "tarn-lifecycle-sim")
        defer { directory.remove() }
        let first = UTCDays.parse("2019-01-01")!
        let clock = ManualClock(first)
        let store = try ObjectStore(directory: directory.path, clock: clock, restoreDelays: .immediate)
        let log = try LifecycleLog(path: directory.path + "/actions.log")
        try await store.createBucket("retail-raw")
        try await store.setLifecycleConfiguration(bucket: "retail-raw", LifecycleConfiguration(rules: [LifecycleConfiguration.retailExample]))

        // One object every 15 days for six years, at a different time of day each; every tenth
        // one below the 128 KiB default transition minimum.
        var planned: [Planned] = []
        for index in 0..<146 {
            let created = UTCDays.adding(days: index * 15, to: first).addingTimeInterval(Double((index * 3_701) % 86_400))
            planned.append(Planned(key: "sales/\(UTCDays.format(created))/batch-\(index).csv", created: created, size: index % 10 == 9 ? 4_000 : 140_000))
        }
        // Every day that matters: the day before and the day of each due date.
        var days = Set<Date>()
        for object in planned {
            for rule in [180, 730, 1825] {
                let due = LifecycleTiming.days(rule).due(created: object.created)
                days.insert(due)
                days.insert(UTCDays.adding(days: -1, to: due))
            }
        }
        let body = TierTests.compressible(140_000)
        var pending = planned[...]
        var actions = 0
        for day in days.sorted() {
            // Objects are written as time reaches them.
            while let next = pending.first, next.created < day {
                clock.set(next.created)
                try await store.put(bucket: "retail-raw", key: next.key, bytes: Array(body.prefix(next.size)))
                pending = pending.dropFirst()
            }
            clock.set(day)
            let report = try await store.runLifecycle(asOf: day) { try log.append($0) }
            #expect(report.failures.isEmpty)
            actions += report.actions.count
            var stored: [String: String] = [:]
            var after: String? = nil
            while true {
                let page = try store.list(bucket: "retail-raw", after: after)
                for object in page.objects { stored[object.key] = object.attributes.storageClass }
                guard page.isTruncated else { break }
                after = page.nextMarker
            }
            for object in planned where object.created < day {
                let want = Self.expected(object, on: day)
                #expect(stored[object.key] == want, "\(object.key) (created \(object.created)) on \(UTCDays.format(day)): \(stored[object.key] ?? "deleted"), expected \(want ?? "deleted")")
            }
        }
        // The 132 large objects move twice (the 14 small ones never); all 146 expire.
        #expect(actions == 132 * 2 + 146)
        try log.sync()
        let logged = try LifecycleLog.read(path: log.path)
        #expect(logged.count == actions)
        #expect(logged.filter { $0.action == "expire" }.count == 146)
        try await store.sweepGarbage()
        #expect(try store.blobs.inventory().isEmpty, "every transitioned and expired blob was collected")
    }

    @Test func planListsEveryStep() async throws {
        let created = UTCDays.parse("2024-01-15")!.addingTimeInterval(10.5 * 3600)
        let subject = LifecycleSubject(key: "sales/x.csv", size: 200_000, tags: [], created: created, storageClass: .standard)
        let schedule = LifecycleEvaluator(LifecycleConfiguration(rules: [LifecycleConfiguration.retailExample])).schedule(for: subject, after: created)
        #expect(schedule.map(\.due) == [180, 730, 1825].map { LifecycleTiming.days($0).due(created: created) })
        #expect(schedule.map(\.action) == [
            .transition(to: .standardIA, rule: "retail-retention"), .transition(to: .glacier, rule: "retail-retention"), .expire(rule: "retail-retention"),
        ])
    }

    @Test func filtersAndPrecedence() {
        let created = UTCDays.parse("2024-01-01")!
        let configuration = LifecycleConfiguration(
            rules: [
                LifecycleRule(id: "logs-ia", filter: LifecycleFilter(prefix: "logs/"), transitions: [LifecycleTransition(timing: .days(30), storageClass: .standardIA)]),
                LifecycleRule(
                    id: "tagged-archive", filter: LifecycleFilter(prefix: "logs/", tags: [Storage.Tag(key: "tier", value: "cold")]),
                    transitions: [LifecycleTransition(timing: .days(30), storageClass: .glacier)]),
                LifecycleRule(id: "big-expire", filter: LifecycleFilter(objectSizeGreaterThan: 1_000_000), expiration: LifecycleExpiration(timing: .days(40))),
                LifecycleRule(id: "disabled", enabled: false, filter: LifecycleFilter(prefix: ""), expiration: LifecycleExpiration(timing: .days(1))),
            ])
        let evaluator = LifecycleEvaluator(configuration)
        let day31 = UTCDays.adding(days: 31, to: created), day41 = UTCDays.adding(days: 41, to: created)
        func subject(_ key: String, _ size: Int64, _ tags: [Storage.Tag] = []) -> LifecycleSubject {
            LifecycleSubject(key: key, size: size, tags: tags, created: created, storageClass: .standard)
        }
        #expect(evaluator.action(for: subject("logs/a", 200_000), at: day31) == .transition(to: .standardIA, rule: "logs-ia"))
        // Two transitions due: the cheaper class wins.
        #expect(evaluator.action(for: subject("logs/a", 200_000, [Storage.Tag(key: "tier", value: "cold")]), at: day31) == .transition(to: .glacier, rule: "tagged-archive"))
        // Expiration wins over transition.
        #expect(evaluator.action(for: subject("logs/big", 2_000_000), at: day41) == .expire(rule: "big-expire"))
        #expect(evaluator.action(for: subject("data/a", 200_000), at: day41) == nil)
        // Small objects stay unless the size default says otherwise.
        #expect(evaluator.action(for: subject("logs/small", 1_000), at: day31) == nil)
        var varies = configuration
        varies.transitionMinimumSize = .variesByStorageClass
        #expect(LifecycleEvaluator(varies).action(for: subject("logs/small", 1_000), at: day31) == nil)
        #expect(
            LifecycleEvaluator(varies).action(for: subject("logs/small", 1_000, [Storage.Tag(key: "tier", value: "cold")]), at: day31)
                == .transition(to: .glacier, rule: "tagged-archive"))
    }
}

import Foundation
import Logging
import Storage
import TarnCore

/// One step `tarn lifecycle plan` shows.
public struct PlannedLifecycleAction: Sendable, Codable, Equatable {
    /// Bucket.
    public var bucket: String
    /// Key.
    public var key: String
    /// Object size (0 for uploads).
    public var size: Int64
    /// The day (midnight UTC) from which it is due.
    public var due: Date
    /// `transition`, `expire` or `abort-multipart-upload`.
    public var action: String
    /// Class before.
    public var fromClass: String?
    /// Class after, for transitions.
    public var toClass: String?
    /// The rule.
    public var rule: String
}

extension Lake {
    /// Applies lifecycle rules once, as of `asOf` (default: now), logging every action.
    /// - Parameter dryRun: report what would happen without changing anything.
    public func runLifecycle(asOf: Date? = nil, dryRun: Bool = false) async throws -> LifecycleRunReport {
        let log = lifecycleLog
        let report = try await store.runLifecycle(asOf: asOf ?? store.clock.now(), dryRun: dryRun) { try log.append($0) }
        if !dryRun { try log.sync() }
        return report
    }

    /// Every lifecycle step due within `days` after `asOf`, in date order, if nothing else
    /// changes the objects: the lifecycle rules read as a timetable.
    public func lifecyclePlan(asOf: Date, days: Int) throws -> [PlannedLifecycleAction] {
        let end = UTCDays.adding(days: days, to: asOf)
        var plan: [PlannedLifecycleAction] = []
        for bucket in try store.buckets() {
            guard let configuration = try store.lifecycleConfiguration(bucket: bucket.name) else { continue }
            let evaluator = LifecycleEvaluator(configuration)
            var after: String? = nil
            while true {
                let page = try store.list(bucket: bucket.name, after: after, maxKeys: 1000)
                for object in page.objects {
                    var current = object.attributes.storageClass
                    for event in evaluator.schedule(for: LifecycleSubject(object), after: asOf) where event.due <= end {
                        var step = PlannedLifecycleAction(
                            bucket: bucket.name, key: object.key, size: object.size, due: event.due, action: "", fromClass: current, toClass: nil, rule: "")
                        switch event.action {
                        case .expire(let rule):
                            step.action = "expire"
                            step.rule = rule
                        case .transition(let target, let rule):
                            step.action = "transition"
                            step.toClass = target.rawValue
                            step.rule = rule
                            current = target.rawValue
                        }
                        plan.append(step)
                    }
                }
                guard page.isTruncated, let next = page.nextMarker else { break }
                after = next
            }
            for upload in try store.index.uploads(bucket: bucket.name, prefix: "", keyMarker: nil, uploadIDMarker: nil, limit: Int.max) {
                guard let (due, rule) = evaluator.abortDue(key: upload.key, initiated: upload.initiated), due <= end else { continue }
                plan.append(
                    PlannedLifecycleAction(
                        bucket: bucket.name, key: upload.key, size: 0, due: max(due, asOf), action: "abort-multipart-upload", fromClass: nil, toClass: nil,
                        rule: rule))
            }
        }
        return plan.sorted { ($0.due, $0.bucket, $0.key) < ($1.due, $1.bucket, $1.key) }
    }

    /// Runs lifecycle rules every `configuration.lifecycleInterval` until cancelled: the server's
    /// background worker. When the last run (kept in `storage/lifecycle/state.json`) is overdue
    /// at start-up, it runs at once. Failures are logged and retried at the next interval.
    public func runLifecycleWorker() async {
        let statePath = directory.path + "/storage/lifecycle/state.json"
        var schedule = LifecycleSchedule(interval: configuration.lifecycleInterval, lastRun: Self.readLastRun(statePath))
        while !Task.isCancelled {
            switch schedule.next(now: store.clock.now()) {
            case .run:
                do {
                    let report = try await runLifecycle()
                    logger.info("lifecycle run: \(report.examined) objects examined, \(report.actions.count) actions, \(report.failures.count) failures")
                } catch {
                    logger.error("lifecycle run failed: \(error)")
                }
                schedule.ran(at: store.clock.now())
                let text = "{\"lastRun\": \(schedule.lastRun!.timeIntervalSince1970)}\n"
                try? FileSystem.writeAtomically(Array(text.utf8), to: statePath, permissions: 0o600)
            case .sleep(let seconds):
                // Wake at least hourly so a changed clock (or a long suspend) is noticed.
                try? await Task.sleep(nanoseconds: UInt64(min(seconds, 3600) * 1e9))
            }
        }
    }

    static func readLastRun(_ path: String) -> Date? {
        guard let bytes = try? FileSystem.readFile(path),
            let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any], let seconds = object["lastRun"] as? Double
        else { return nil }
        return Date(timeIntervalSince1970: seconds)
    }
}

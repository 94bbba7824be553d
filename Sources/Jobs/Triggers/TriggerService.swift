import Foundation
import Logging
import Storage
import TarnCore

/// Starts job runs without being asked: on `ObjectCreated` events under a job's source prefix
/// (debounced, so a burst of uploads becomes one run) and on cron schedules. Runs of one job
/// never overlap: the runner queues runs per table, and the service starts at most one
/// triggered run per job at a time.
///
/// ```swift
/// let triggers = TriggerService(runner: runner)
/// await triggers.start()
/// for await run in triggers.completedRuns { print(run.job, run.status) }
/// ```
/// Lives as long as the server (or a test); `stop()` cancels its tasks but lets a started run
/// finish.
public actor TriggerService {
    private let runner: JobRunner
    private let clock: any WallClock
    private let logger: Logger
    private var debouncers: [String: Debouncer] = [:]
    private var timers: [String: Task<Void, Never>] = [:]
    private var loops: [Task<Void, Never>] = []
    private var definitions: [JobDefinition] = []
    private var loadedAt = Date.distantPast
    private var loadedGeneration = -1
    private var nextScheduled: [String: Date] = [:]
    private var scheduledRunning: Set<String> = []
    private let completions: AsyncStream<RunRecord>.Continuation
    /// Every run this service started, once it ends (failed runs carry their error).
    public nonisolated let completedRuns: AsyncStream<RunRecord>
    /// How often definitions are re-read, so new and changed jobs are picked up.
    public let refreshInterval: TimeInterval

    /// Creates a service for `runner`'s jobs.
    public init(runner: JobRunner, clock: any WallClock = SystemClock(), refreshInterval: TimeInterval = 5, logger: Logger = Logger(label: "tarn.jobs.triggers")) {
        self.runner = runner
        self.clock = clock
        self.logger = logger
        self.refreshInterval = refreshInterval
        (completedRuns, completions) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1000))
    }

    /// Subscribes to object events and starts the schedule loop.
    public func start() {
        guard loops.isEmpty else { return }
        let events = runner.store.events.subscribe()
        loops.append(Task(executorPreference: BackgroundExecutor.shared) { [weak self] in
            for await event in events where event.isCreated {
                guard let self else { return }
                await self.handle(event)
            }
        })
        loops.append(Task(executorPreference: BackgroundExecutor.shared) { [weak self] in
            while !Task.isCancelled {
                guard let self else { return }
                let delay = await self.scheduleTick()
                try? await Task.sleep(for: .seconds(delay))
            }
        })
    }

    /// Stops reacting to events and schedules.
    public func stop() {
        for task in loops { task.cancel() }
        for task in timers.values { task.cancel() }
        loops = []
        timers = [:]
        completions.finish()
    }

    /// Re-reads job definitions now (after `JobRunner.define`, to avoid waiting for the refresh).
    public func reload() {
        do {
            let generation = runner.definitionGeneration.load(ordering: .acquiring)
            definitions = try runner.definitions()
            loadedAt = clock.now()
            loadedGeneration = generation
        } catch {
            logger.error("jobs: cannot read job definitions: \(error)")
        }
    }

    private func refreshIfStale() {
        if clock.now().timeIntervalSince(loadedAt) >= refreshInterval || runner.definitionGeneration.load(ordering: .acquiring) != loadedGeneration {
            reload()
        }
    }

    // MARK: events

    private func handle(_ event: ObjectEvent) {
        refreshIfStale()
        for definition in definitions where definition.triggers.onObjectCreated && definition.source.location.contains(bucket: event.bucket, key: event.key) {
            let job = definition.name
            var debouncer = debouncers[job] ?? Debouncer(quietPeriod: definition.triggers.debounceSeconds, maxDelay: definition.triggers.maxDelaySeconds)
            let action = debouncer.eventArrived(at: clock.now())
            debouncers[job] = debouncer
            perform(action, job: job)
        }
    }

    private func perform(_ action: Debouncer.Action, job: String) {
        switch action {
        case .none:
            break
        case .wake(let deadline):
            timers[job]?.cancel()
            let delay = max(0, deadline.timeIntervalSince(clock.now()))
            timers[job] = Task(executorPreference: BackgroundExecutor.shared) { [weak self] in
                try? await Task.sleep(for: .seconds(delay))
                guard !Task.isCancelled, let self else { return }
                await self.timerFired(job: job)
            }
        case .startRun:
            timers[job]?.cancel()
            timers[job] = nil
            Task(executorPreference: BackgroundExecutor.shared) { [weak self] in
                guard let self else { return }
                let record = await self.execute(job: job, trigger: .objectCreated)
                await self.eventRunFinished(job: job, record: record)
            }
        }
    }

    private func timerFired(job: String) {
        guard var debouncer = debouncers[job] else { return }
        let action = debouncer.timerFired(at: clock.now())
        debouncers[job] = debouncer
        perform(action, job: job)
    }

    private func eventRunFinished(job: String, record: RunRecord?) {
        if let record { completions.yield(record) }
        guard var debouncer = debouncers[job] else { return }
        let action = debouncer.runFinished(at: clock.now())
        debouncers[job] = debouncer
        perform(action, job: job)
    }

    // MARK: schedules

    /// Starts due scheduled runs; returns seconds until the next check.
    private func scheduleTick() -> TimeInterval {
        refreshIfStale()
        let now = clock.now()
        var wait = refreshInterval
        for definition in definitions {
            guard let expression = definition.triggers.schedule, let schedule = try? CronSchedule(expression) else {
                nextScheduled[definition.name] = nil
                continue
            }
            let job = definition.name
            // The first fire is the first matching minute after the service saw the job.
            guard let due = nextScheduled[job] ?? schedule.next(after: now) else { continue }
            if due <= now {
                nextScheduled[job] = schedule.next(after: now)
                if !scheduledRunning.contains(job) {
                    scheduledRunning.insert(job)
                    Task(executorPreference: BackgroundExecutor.shared) { [weak self] in
                        guard let self else { return }
                        let record = await self.execute(job: job, trigger: .schedule)
                        await self.scheduledRunFinished(job: job, record: record)
                    }
                } else {
                    logger.info("jobs: skipping the \(expression) run of \(job): the previous scheduled run is still going")
                }
            } else {
                nextScheduled[job] = due
            }
            if let next = nextScheduled[job] { wait = min(wait, max(0.05, next.timeIntervalSince(now))) }
        }
        return wait
    }

    private func scheduledRunFinished(job: String, record: RunRecord?) {
        scheduledRunning.remove(job)
        if let record { completions.yield(record) }
    }

    // MARK: running

    /// Runs a job and returns its record (the failed record when it failed).
    private nonisolated func execute(job: String, trigger: RunTrigger) async -> RunRecord? {
        do {
            return try await runner.run(job, trigger: trigger)
        } catch {
            logger.error("jobs: \(trigger.rawValue) run of \(job) failed: \(error)")
            return try? runner.history(job: job, limit: 1).first
        }
    }
}

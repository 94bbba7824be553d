import Foundation
import Logging
import Storage

/// Refreshes marts after the jobs they depend on: a job run's manifest appearing under the
/// manifests zone (it is published in the same commit as the run's Parquet files) marks its
/// table as changed; after `debounce` without further manifests, the dependent marts of that
/// environment are rebuilt in dependency order. The server runs one.
public actor MartService {
    let pipeline: LakePipeline
    let debounce: Duration
    let logger: Logger
    private var loop: Task<Void, Never>?
    private var pending: [String: Set<String>] = [:]
    private var timers: [String: Task<Void, Never>] = [:]
    private var running = 0
    private var refreshing: Set<String> = []
    /// Every refresh done by this service, oldest first.
    public private(set) var history: [MartRefresh] = []
    /// Failures, oldest first (`environment: message`).
    public private(set) var failures: [String] = []

    /// Creates the service; `start` begins listening.
    public init(pipeline: LakePipeline, debounce: Duration = .seconds(1), logger: Logger = Logger(label: "tarn.marts")) {
        self.pipeline = pipeline
        self.debounce = debounce
        self.logger = logger
    }

    /// Subscribes to object events.
    public func start() {
        guard loop == nil else { return }
        let events = pipeline.store.events.subscribe()
        loop = Task { [weak self] in
            for await event in events where event.isCreated {
                guard let self else { return }
                await self.handle(event)
            }
        }
    }

    /// Stops listening (pending refreshes still finish).
    public func stop() {
        loop?.cancel()
        loop = nil
    }

    /// Whether a refresh is running or waiting for its debounce.
    public var isBusy: Bool { running > 0 || !timers.isEmpty }

    func handle(_ event: ObjectEvent) {
        guard let config = try? pipeline.applied() else { return }
        guard let environment = config.environments.first(where: { $0.bucket == event.bucket }) else { return }
        guard event.key.hasPrefix(config.zones.manifests) else { return }
        let rest = event.key.dropFirst(config.zones.manifests.count)
        guard let slash = rest.firstIndex(of: "/") else { return }
        let table = String(rest[..<slash])
        guard config.tables.contains(where: { $0.name == table }) else { return }
        pending[environment.name, default: []].insert(table)
        timers[environment.name]?.cancel()
        let delay = debounce, name = environment.name
        timers[name] = Task { [weak self] in
            try? await Task.sleep(for: delay)
            guard !Task.isCancelled, let self else { return }
            await self.fire(name)
        }
    }

    func fire(_ environment: String) async {
        timers[environment] = nil
        // One refresh per environment at a time; what arrives meanwhile waits for the next round.
        guard !refreshing.contains(environment) else { return }
        while let tables = pending.removeValue(forKey: environment), !tables.isEmpty {
            refreshing.insert(environment)
            running += 1
            do {
                history += try await pipeline.refreshMarts(in: environment, after: tables)
            } catch {
                logger.error("mart refresh in \(environment) after \(tables.sorted()) failed: \(error)")
                failures.append("\(environment): \(error)")
            }
            running -= 1
            refreshing.remove(environment)
            if timers[environment] != nil { break }
        }
    }
}

import Foundation
import Logging
import Storage
import TarnCore

/// Refreshes marts after the jobs they depend on: a job run's manifest appearing under the
/// manifests zone (it is published in the same commit as the run's Parquet files) marks its
/// table as changed, in the partitions the manifest lists; after `debounce` without further
/// manifests, the dependent marts of that environment are rebuilt in dependency order, by
/// partition where `LakePipeline.changedPartitions` allows. The server runs one.
public actor MartService {
    let pipeline: LakePipeline
    let debounce: Duration
    let logger: Logger
    private var loop: Task<Void, Never>?
    private var pending: [String: [String: TableChange]] = [:]
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
        loop = Task(executorPreference: BackgroundExecutor.shared) { [weak self] in
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
        let change = Self.change(manifest: try? pipeline.store.get(bucket: event.bucket, key: event.key))
        pending[environment.name, default: [:]][table] = pending[environment.name]?[table].map { $0.merged(with: change) } ?? change
        timers[environment.name]?.cancel()
        let delay = debounce, name = environment.name
        timers[name] = Task(executorPreference: BackgroundExecutor.shared) { [weak self] in
            try? await Task.sleep(for: delay)
            guard !Task.isCancelled, let self else { return }
            await self.fire(name)
        }
    }

    func fire(_ environment: String) async {
        timers[environment] = nil
        // One refresh per environment at a time; what arrives meanwhile waits for the next round.
        guard !refreshing.contains(environment) else { return }
        while let changes = pending.removeValue(forKey: environment), !changes.isEmpty {
            refreshing.insert(environment)
            running += 1
            do {
                history += try await pipeline.refreshMarts(in: environment, changes: changes)
            } catch {
                logger.error("mart refresh in \(environment) after \(changes.keys.sorted()) failed: \(error)")
                failures.append("\(environment): \(error)")
            }
            running -= 1
            refreshing.remove(environment)
            if timers[environment] != nil { break }
        }
    }

    /// What a run manifest says changed: the Hive paths of its `partitions`; `whole` when it
    /// cannot be read or lists none (an unpartitioned table's runs list no partitions, yet
    /// change the table). For a partitioned table, `LakePipeline.changedPartitions` also reads
    /// `whole` as "rebuild in full".
    static func change(manifest bytes: [UInt8]?) -> TableChange {
        struct Partitions: Decodable { var partitions: [String] }
        guard let bytes, let manifest = try? JSONDecoder().decode(Partitions.self, from: Data(bytes)), !manifest.partitions.isEmpty else {
            return .whole
        }
        return .partitions(Set(manifest.partitions))
    }
}

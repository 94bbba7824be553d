import Foundation
import Ingest
import Logging
import Cost
import Storage
import TarnCore

/// # Lake
///
/// The assembled system: opens a data directory, takes its lock, loads the root credentials and
/// wires the modules that live in it.
///
/// ```
///  DIR/
///    tarn.lock              one process owns DIR (flock)
///    root-credentials.json  generated root access key (0600), unless given in the environment
///    tarn.yaml              optional configuration: tiers, restore delays, lifecycle, prices
///    storage/               ObjectStore: meta/objects.db + blobs/ + tiers/<tier>/ + lifecycle/
///    streams/               DataStreams: streams.db + logs/<stream>/<shard>/*.seg
///    firehose/              DeliveryStreams: firehose.db + logs/<delivery stream>/*.seg
/// ```
public final class Lake: Sendable {
    /// The data directory.
    public let directory: DataDirectory
    /// The object store.
    public let store: ObjectStore
    /// The root credentials.
    public let rootCredentials: RootCredentials
    /// Kinesis-style data streams.
    public let streams: DataStreams
    /// Firehose-style delivery streams into the object store.
    public let firehose: DeliveryStreams
    /// The region this lake reports.
    public let region: String
    /// When this process opened the lake (start-up recovery uses it).
    public let openedAt: Date
    /// `DIR/tarn.yaml`: tiers, restore delays, lifecycle schedule, prices.
    public let configuration: LakeConfiguration
    /// The durable log of lifecycle actions.
    public let lifecycleLog: LifecycleLog
    let logger: Logger

    /// Opens the lake in `path`, creating it if needed, and takes its lock.
    /// - Parameters:
    ///   - path: the data directory.
    ///   - region: the AWS region to report.
    ///   - environment: where root credentials may come from.
    /// - Throws: when another process holds the directory, or it cannot be created.
    ///   - clock: the time source for the store and the lifecycle worker.
    public init(
        path: String, region: String = "us-east-1", environment: [String: String] = ProcessInfo.processInfo.environment,
        logger: Logger = Logger(label: "tarn.lake"), clock: any WallClock = SystemClock()
    ) throws {
        openedAt = Date()
        self.logger = logger
        directory = try DataDirectory(path: path)
        rootCredentials = try RootCredentials.load(directory: directory, environment: environment)
        self.region = region
        configuration = try LakeConfiguration.load(directory: directory.path)
        store = try ObjectStore(
            directory: directory.path + "/storage", region: region, clock: clock, logger: logger, tiers: configuration.tiers,
            restoreDelays: configuration.restoreDelays)
        lifecycleLog = try LifecycleLog(path: directory.path + "/storage/lifecycle/actions.log")
        streams = try DataStreams(directory: directory.path + "/streams", region: region, configuration: .fromEnvironment(environment))
        firehose = try DeliveryStreams(directory: directory.path + "/firehose", store: store, streams: streams, logger: logger)
    }

    /// Start-up recovery that may take a while (orphan blob collection); run it in the background.
    public func recover() async throws {
        try await store.collectOrphans(startedAt: openedAt)
    }
}

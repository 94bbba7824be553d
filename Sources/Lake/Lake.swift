import Catalog
import Foundation
import Ingest
import Jobs
import Logging
import Query
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
///    storage/               ObjectStore: meta/objects.db + blobs/
///    streams/               DataStreams: streams.db + logs/<stream>/<shard>/*.seg
///    firehose/              DeliveryStreams: firehose.db + logs/<delivery stream>/*.seg
///    catalog/catalog.db     CatalogStore: databases, tables, partitions
///    jobs/                  JobRunner: state.db (definitions, runs, bookmarks, committed files) + keys/ (dedupe index)
///    query/history.db       QueryHistory: every statement, bytes scanned per table
/// ```
public final class Lake: Sendable {
    /// The data directory.
    public let directory: DataDirectory
    /// The object store.
    public let store: ObjectStore
    /// The catalog (Glue's role): databases, tables, partitions.
    public let catalog: CatalogStore
    /// The ETL job runner (Glue jobs' role); the server hosts its `TriggerService`.
    public let jobs: JobRunner
    /// SQL over the lake: DDL, queries, CTAS and INSERT, with the query history.
    public let query: QueryService
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

    /// Opens the lake in `path`, creating it if needed, and takes its lock.
    /// - Parameters:
    ///   - path: the data directory.
    ///   - region: the AWS region to report.
    ///   - environment: where root credentials may come from.
    ///   - queryOptions: settings of the query service (the embedded CLI allows local files).
    /// - Throws: when another process holds the directory, or it cannot be created.
    public init(
        path: String, region: String = "us-east-1", environment: [String: String] = ProcessInfo.processInfo.environment,
        logger: Logger = Logger(label: "tarn.lake"), queryOptions: QueryServiceOptions = QueryServiceOptions()
    ) throws {
        openedAt = Date()
        directory = try DataDirectory(path: path)
        rootCredentials = try RootCredentials.load(directory: directory, environment: environment)
        self.region = region
        store = try ObjectStore(directory: directory.path + "/storage", region: region, logger: logger)
        try FileSystem.createDirectory(directory.path + "/catalog")
        query = try QueryService(directory: directory.path, objects: store, options: queryOptions)
        catalog = query.catalog
        streams = try DataStreams(directory: directory.path + "/streams", region: region, configuration: .fromEnvironment(environment))
        // Firehose's record format conversion reads table schemas from the catalog, as Glue does on AWS.
        firehose = try DeliveryStreams(
            directory: directory.path + "/firehose", store: store, streams: streams, schemaResolver: CatalogSchemaResolver(store: catalog), logger: logger)
        jobs = try JobRunner(store: store, catalog: catalog, directory: directory.path + "/jobs")
    }

    /// Start-up recovery that may take a while (orphan blob collection, finishing or rolling back
    /// interrupted job runs); run it in the background.
    public func recover() async throws {
        try await jobs.recover()
        try await store.collectOrphans(startedAt: openedAt)
    }
}

import Access
import Catalog
import Cost
import Foundation
import Ingest
import Jobs
import Keys
import Logging
import Pipeline
import Query
import Storage
import Synchronization
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
///    root.key               generated root key (0600), unless --root-key-file / TARN_ROOT_KEY_FILE
///    keys/                  KMS: keys.db (material wrapped by the root key) + audit/kms.jsonl
///    iam.db                 users, access keys (secrets sealed), roles, policies
///    tarn.yaml              optional configuration: tiers, restore delays, lifecycle, prices
///    storage/               ObjectStore: meta/objects.db + blobs/ (encrypted at rest) + tiers/<tier>/ + lifecycle/
///    streams/               DataStreams: streams.db + logs/<stream>/<shard>/*.seg
///    firehose/              DeliveryStreams: firehose.db + logs/<delivery stream>/*.seg
///    catalog/catalog.db     CatalogStore: databases, tables, partitions
///    jobs/                  JobRunner: state.db (definitions, runs, bookmarks, committed files) + keys/ (dedupe index)
///    query/history.db       QueryHistory: every statement, bytes scanned per table
///    pipeline/lake.yaml     the last applied pipeline configuration (tarn apply)
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
    /// The declared pipeline (`tarn apply lake.yaml`) and its mart refreshes.
    public let pipeline: LakePipeline
    /// Refreshes marts after their jobs; the server starts it.
    public let marts: MartService
    /// Kinesis-style data streams.
    public let streams: DataStreams
    /// Firehose-style delivery streams into the object store.
    public let firehose: DeliveryStreams
    /// The region this lake reports.
    public let region: String
    /// When this process opened the lake (start-up recovery uses it).
    public let openedAt: Date
    /// The account id Tarn reports for its single account (AWS-shaped, 12 digits).
    public static let accountID = "000000000000"
    /// Where the root key was generated on this start, when no root key file was given (the
    /// caller warns that production keeps the root key elsewhere).
    public let generatedRootKeyPath: String?
    /// The key service (KMS).
    public let kms: KeyManagementService
    /// Users, roles and policies (IAM).
    public let identities: IdentityStore
    /// The in-process authorization check.
    public let authorizer: Authorizer
    let securityCache = Mutex<[String: BucketSecurity]>([:])
    /// `DIR/tarn.yaml`: tiers, restore delays, lifecycle schedule, prices.
    public let configuration: LakeConfiguration
    /// The durable log of lifecycle actions.
    public let lifecycleLog: LifecycleLog
    let logger: Logger

    /// Opens the lake in `path`, creating it if needed, and takes its lock.
    /// - Parameters:
    ///   - path: the data directory.
    ///   - region: the AWS region to report.
    ///   - environment: where root credentials (and `TARN_ROOT_KEY_FILE`) may come from.
    ///   - rootKeyFile: the root key file (base64 of 32 bytes); else the environment's, else one
    ///     generated in the data directory.
    ///   - defaultEncryption: what buckets without an encryption configuration apply: SSE-S3
    ///     (as S3 does); `.none` exists to measure the cost of encryption.
    ///   - queryOptions: settings of the query service (the embedded CLI allows local files);
    ///     `DIR/tarn.yaml`'s workgroups are added to its `workgroups`, and its `query.memoryLimit`
    ///     replaces `engine.memoryLimit` unless `queryMemoryLimit` is given.
    ///   - queryMemoryLimit: the per-query memory limit the caller chose (`tarn query
    ///     --memory-limit`), in bytes; it wins over `tarn.yaml`'s `query.memoryLimit`, even when
    ///     it equals the engine's default. Nil: the file's limit, else `queryOptions`'s.
    ///   - clock: the time source for the store and the lifecycle worker.
    /// - Throws: when another process holds the directory, it cannot be created, or the root key
    ///   is not the one the key store was created with (`WrongRootKey`).
    public init(
        path: String, region: String = "us-east-1", environment: [String: String] = ProcessInfo.processInfo.environment,
        logger: Logger = Logger(label: "tarn.lake"), rootKeyFile: String? = nil, defaultEncryption: ServerSideEncryption = .s3,
        queryOptions: QueryServiceOptions = QueryServiceOptions(), queryMemoryLimit: Int? = nil, clock: any WallClock = SystemClock()
    ) throws {
        openedAt = Date()
        self.logger = logger
        directory = try DataDirectory(path: path)
        rootCredentials = try RootCredentials.load(directory: directory, environment: environment)
        self.region = region
        let (rootKey, generated) = try RootKey.resolve(file: rootKeyFile, environment: environment, dataDirectory: directory.path)
        generatedRootKeyPath = generated
        let root = StoredCredential(
            credentials: SigningCredentials(accessKeyID: rootCredentials.accessKeyID, secretAccessKey: rootCredentials.secretAccessKey),
            principal: .root(accountID: Self.accountID))
        identities = try IdentityStore(
            path: directory.path + "/iam.db", accountID: Self.accountID, root: root, sealingKey: rootKey.derivedKey(purpose: "iam secrets"))
        authorizer = Authorizer(identities: identities)
        kms = try KeyManagementService(
            directory: directory.path + "/keys", rootKey: rootKey, accountID: Self.accountID, region: region,
            authorizer: LakeKeyAuthorizer(authorizer: authorizer))
        configuration = try LakeConfiguration.load(directory: directory.path)
        store = try ObjectStore(
            directory: directory.path + "/storage", region: region, clock: clock, logger: logger,
            keyring: ObjectKeyring(kms: kms, region: region, defaultEncryption: defaultEncryption), tiers: configuration.tiers,
            restoreDelays: configuration.restoreDelays)
        lifecycleLog = try LifecycleLog(path: directory.path + "/storage/lifecycle/actions.log")
        try FileSystem.createDirectory(directory.path + "/catalog")
        var queryOptions = queryOptions
        // The file's workgroups, unless the caller configured the same name itself.
        queryOptions.workgroups.merge(configuration.workgroups) { given, _ in given }
        // The caller's per-query memory limit (`tarn query --memory-limit`), else the file's,
        // else the options' (the engine's default unless the caller changed it). Whether the
        // caller gave one is the optional, never a comparison with the default: a limit equal to
        // the default is still the caller's.
        if let limit = queryMemoryLimit ?? configuration.queryMemoryLimit.map({ Int($0) }) {
            queryOptions.engine.memoryLimit = limit
        }
        query = try QueryService(directory: directory.path, objects: store, options: queryOptions)
        catalog = query.catalog
        streams = try DataStreams(
            directory: directory.path + "/streams", region: region, configuration: .fromEnvironment(environment),
            keyProvider: KMSStreamKeyProvider(kms: kms, region: region))
        // Delivery streams with a RoleARN, jobs and mart refreshes that declare a role act as
        // its session; the provider is attached to the lake once the lake is complete (a
        // delivery attempted before that fails and is retried).
        let roleAccess = LakeRoleAccess()
        // Firehose's record format conversion reads table schemas from the catalog, as Glue does on AWS.
        firehose = try DeliveryStreams(
            directory: directory.path + "/firehose", store: store, streams: streams, schemaResolver: CatalogSchemaResolver(store: catalog),
            access: roleAccess, keyProvider: KMSStreamKeyProvider(kms: kms, region: region, service: "firehose"), logger: logger)
        jobs = try JobRunner(store: store, catalog: catalog, directory: directory.path + "/jobs", access: roleAccess)
        pipeline = try LakePipeline(
            store: store, catalog: catalog, jobs: jobs, query: query, directory: directory.path + "/pipeline", logger: logger, access: roleAccess)
        marts = MartService(pipeline: pipeline, logger: logger)
        roleAccess.attach(self)
    }

    /// Start-up recovery that may take a while (orphan blob collection, finishing or rolling back
    /// interrupted job runs); run it in the background.
    public func recover() async throws {
        try await jobs.recover()
        try await store.collectOrphans(startedAt: openedAt)
    }
}

import Cost
import Foundation
import Query
import Storage
import TarnCore
import Yams

/// The lake's configuration file, `DIR/tarn.yaml` (YAML, so JSON works too), read at open.
/// Every section is optional; what is missing keeps its default.
///
/// ```yaml
/// tiers:                        # local tiers storage classes map to (paths relative to DIR/storage)
///   infrequent: { directory: /mnt/slow/tarn-ia, compressed: false }
///   archive:    { directory: /mnt/cold/tarn-archive, compressed: true }
/// classes:                      # storage class → tier (defaults: TierConfiguration.defaultClasses)
///   GLACIER_IR: archive
/// restore:                      # retrieval delays: seconds or 30s / 5m / 5h / 2d (S3's times by default)
///   GLACIER: { Expedited: 5m, Standard: 5h, Bulk: 12h }
///   DEEP_ARCHIVE: { Standard: 12h, Bulk: 48h }
/// lifecycle:
///   interval: 1d                # how often the server applies lifecycle rules
///   enabled: true
/// prices:                       # overrides of the us-east-1 list prices (PriceTable)
///   storagePerGBMonth: { STANDARD: 0.021 }
/// workgroups:                   # query workgroups (tarn query --workgroup NAME); sizes in bytes or
///   analysts:                   # with KB/MB/GB/TB (powers of 1000) or KiB/MiB/GiB/TiB (of 1024)
///     bytesScannedCutoffPerQuery: 10GB   # Athena's per-query data usage control, at least 10 MB
/// query:
///   memoryLimit: 8GB            # per-query memory for hash tables, sorts, windows (default: 80 % of
///                               # the memory the process may use; `tarn query --memory-limit` wins)
/// ```
public struct LakeConfiguration: Sendable, Equatable {
    /// Storage tiers.
    public var tiers: TierConfiguration
    /// Restore delays.
    public var restoreDelays: RestoreDelays
    /// Seconds between lifecycle runs of the server's worker.
    public var lifecycleInterval: TimeInterval
    /// Whether the server runs the lifecycle worker.
    public var lifecycleEnabled: Bool
    /// Prices for cost figures.
    public var prices: PriceTable
    /// Query workgroups with settings, by name; the query service enforces their limits.
    public var workgroups: [String: WorkgroupConfiguration]
    /// `query.memoryLimit`: bytes one query may hold (nil: the engine's default,
    /// `MemoryLimits.defaultPerQuery`).
    public var queryMemoryLimit: Int64?

    /// The defaults.
    public init(
        tiers: TierConfiguration = .defaults(), restoreDelays: RestoreDelays = .s3, lifecycleInterval: TimeInterval = UTCDays.secondsPerDay,
        lifecycleEnabled: Bool = true, prices: PriceTable = .usEast1, workgroups: [String: WorkgroupConfiguration] = [:]
    ) {
        self.tiers = tiers
        self.restoreDelays = restoreDelays
        self.lifecycleInterval = lifecycleInterval
        self.lifecycleEnabled = lifecycleEnabled
        self.prices = prices
        self.workgroups = workgroups
    }

    /// The file's name in the data directory.
    public static let fileName = "tarn.yaml"

    /// Reads `DIR/tarn.yaml` when it exists, else the defaults.
    /// - Throws: `InvalidArgument` naming the file and the problem.
    public static func load(directory: String) throws -> LakeConfiguration {
        let path = directory + "/" + fileName
        guard FileSystem.exists(path) else { return LakeConfiguration() }
        return try parse(String(decoding: try FileSystem.readFile(path), as: UTF8.self), source: path)
    }

    /// Parses a configuration document.
    public static func parse(_ text: String, source: String = fileName) throws -> LakeConfiguration {
        let file: FileModel
        do {
            file = try YAMLDecoder().decode(FileModel.self, from: text.isEmpty ? "{}" : text)
        } catch {
            throw TarnError(.invalidArgument, "\(source): \(error)")
        }
        var configuration = LakeConfiguration()
        var tiers = TierConfiguration.defaults()
        for (name, tier) in file.tiers ?? [:] { tiers.tiers[name] = StorageTier(directory: tier.directory, compressed: tier.compressed ?? false) }
        for (storageClass, tier) in file.classes ?? [:] { tiers.classes[storageClass] = tier }
        do {
            try tiers.validate()
        } catch let error as TarnError {
            throw TarnError(.invalidArgument, "\(source): \(error.message)")
        }
        configuration.tiers = tiers
        for (storageClass, delays) in file.restore ?? [:] {
            for (tierName, value) in delays {
                guard let tier = RestoreTier(rawValue: tierName) else {
                    throw TarnError(.invalidArgument, "\(source): restore.\(storageClass): '\(tierName)' is not Expedited, Standard or Bulk")
                }
                let seconds = try value.seconds(source: "\(source): restore.\(storageClass).\(tierName)")
                switch storageClass {
                case "GLACIER": configuration.restoreDelays.glacier[tier] = seconds
                case "DEEP_ARCHIVE" where tier != .expedited: configuration.restoreDelays.deepArchive[tier] = seconds
                default: throw TarnError(.invalidArgument, "\(source): restore.\(storageClass).\(tierName): only GLACIER and DEEP_ARCHIVE (without Expedited) are restored")
                }
            }
        }
        if let lifecycle = file.lifecycle {
            if let interval = lifecycle.interval {
                configuration.lifecycleInterval = try interval.seconds(source: "\(source): lifecycle.interval")
                guard configuration.lifecycleInterval > 0 else { throw TarnError(.invalidArgument, "\(source): lifecycle.interval must be positive") }
            }
            if let enabled = lifecycle.enabled { configuration.lifecycleEnabled = enabled }
        }
        if let prices = file.prices { configuration.prices = PriceTable.usEast1.merging(prices) }
        for (name, workgroup) in file.workgroups ?? [:] {
            guard !name.isEmpty else { throw TarnError(.invalidArgument, "\(source): workgroups: a workgroup needs a name") }
            var settings = WorkgroupConfiguration()
            if let cutoff = workgroup.bytesScannedCutoffPerQuery {
                let place = "\(source): workgroups.\(name).bytesScannedCutoffPerQuery"
                let bytes = try cutoff.bytes(source: place)
                guard bytes >= WorkgroupConfiguration.minimumBytesScannedCutoffPerQuery else {
                    throw TarnError(
                        .invalidArgument,
                        "\(place): \(bytes) bytes is below Athena's minimum of \(WorkgroupConfiguration.minimumBytesScannedCutoffPerQuery) bytes (10 MB)")
                }
                settings.bytesScannedCutoffPerQuery = bytes
            }
            configuration.workgroups[name] = settings
        }
        if let limit = file.query?.memoryLimit {
            let place = "\(source): query.memoryLimit"
            let bytes = try limit.bytes(source: place)
            guard bytes >= minimumQueryMemoryLimit else {
                throw TarnError(.invalidArgument, "\(place): \(bytes) bytes is below the minimum of \(minimumQueryMemoryLimit) bytes (1 MiB)")
            }
            configuration.queryMemoryLimit = bytes
        }
        return configuration
    }

    /// The file as written; everything optional.
    struct FileModel: Decodable {
        struct Tier: Decodable {
            var directory: String
            var compressed: Bool?
        }
        struct Lifecycle: Decodable {
            var interval: Duration?
            var enabled: Bool?
        }
        var tiers: [String: Tier]?
        var classes: [String: String]?
        var restore: [String: [String: Duration]]?
        var lifecycle: Lifecycle?
        var prices: PriceOverrides?
        var workgroups: [String: Workgroup]?
        var query: QuerySettings?
    }

    /// The `query` section.
    struct QuerySettings: Decodable {
        var memoryLimit: ByteSize?
    }

    /// The smallest per-query memory limit accepted (a smaller one fails every real query).
    public static let minimumQueryMemoryLimit: Int64 = 1 << 20

    /// Bytes of a size written as in the file (`8GB`, `512MiB`, `1000000`), for command-line
    /// options that take the same sizes.
    /// - Throws: `InvalidArgument` naming `source` when the text is not a size.
    public static func byteSize(_ text: String, source: String) throws -> Int64 {
        try ByteSize(text: text).bytes(source: source)
    }

    /// One entry of `workgroups`.
    struct Workgroup: Decodable {
        var bytesScannedCutoffPerQuery: ByteSize?
    }

    /// A duration: a number of seconds, or a number with a unit (`s`, `m`, `h`, `d`).
    struct Duration: Decodable {
        var text: String

        init(from decoder: Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let number = try? container.decode(Double.self) {
                text = String(number)
            } else {
                text = try container.decode(String.self)
            }
        }

        func seconds(source: String) throws -> TimeInterval {
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86_400]
            if let last = trimmed.last, let unit = units[last], let value = Double(trimmed.dropLast()), value >= 0 { return value * unit }
            if let value = Double(trimmed), value >= 0 { return value }
            throw TarnError(.invalidArgument, "\(source): '\(text)' is not a duration (seconds, or a number with s, m, h or d)")
        }
    }
}

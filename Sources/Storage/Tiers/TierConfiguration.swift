import TarnCore

/// One local storage tier: a directory (or a mount point on another volume) holding blob
/// files, and whether blobs written there are compressed.
public struct StorageTier: Sendable, Codable, Equatable {
    /// Where the tier's blob files live; relative paths are resolved against the object store's
    /// directory (`DIR/storage`).
    public var directory: String
    /// Whether new blobs in this tier are stored zstd-compressed in independent chunks.
    public var compressed: Bool

    /// Creates a tier.
    public init(directory: String, compressed: Bool) {
        self.directory = directory
        self.compressed = compressed
    }
}

/// How storage classes map onto local tiers: the `tiers` section of the lake's configuration.
///
/// ```yaml
/// tiers:
///   standard:   { directory: blobs, compressed: false }   # fixed: the object store's own blobs
///   infrequent: { directory: /mnt/slow/tarn-ia, compressed: false }
///   archive:    { directory: /mnt/cold/tarn-archive, compressed: true }
/// classes:
///   STANDARD_IA: infrequent
///   GLACIER: archive
/// ```
///
/// The tier named `standard` is always the object store's own blob directory (`blobs`,
/// uncompressed: new objects land there first and small blobs may live in the index), so it can
/// not be moved or compressed; classes not named in `classes` use `defaultClasses`.
public struct TierConfiguration: Sendable, Codable, Equatable {
    /// The name of the object store's own tier.
    public static let standardTier = "standard"

    /// Tiers by name.
    public var tiers: [String: StorageTier]
    /// Which tier each storage class is stored in; missing classes use `defaultClasses`.
    public var classes: [String: String]

    /// Creates a configuration; the standard tier is always present.
    public init(tiers: [String: StorageTier], classes: [String: String] = [:]) {
        var tiers = tiers
        if tiers[Self.standardTier] == nil { tiers[Self.standardTier] = Self.standard }
        self.tiers = tiers
        self.classes = classes
    }

    /// The default placement: Standard and Intelligent-Tiering hot, the IA classes and Glacier
    /// Instant Retrieval on an uncompressed `infrequent` tier, Glacier Flexible Retrieval and
    /// Deep Archive compressed on an `archive` tier — all under the store's directory until the
    /// operator points them at other volumes.
    public static let defaultClasses: [StorageClass: String] = [
        .standard: standardTier, .reducedRedundancy: standardTier, .intelligentTiering: standardTier,
        .standardIA: "infrequent", .oneZoneIA: "infrequent", .glacierIR: "infrequent",
        .glacier: "archive", .deepArchive: "archive",
    ]

    /// The object store's own tier.
    public static let standard = StorageTier(directory: "blobs", compressed: false)

    /// The default tiers, under the store's directory.
    public static func defaults() -> TierConfiguration {
        TierConfiguration(tiers: [
            standardTier: standard,
            "infrequent": StorageTier(directory: "tiers/infrequent", compressed: false),
            "archive": StorageTier(directory: "tiers/archive", compressed: true),
        ])
    }

    /// The tier name a class is stored in.
    public func tierName(for storageClass: StorageClass) -> String {
        classes[storageClass.rawValue] ?? Self.defaultClasses[storageClass] ?? Self.standardTier
    }

    /// Checks that every class maps to a defined tier and that the standard tier exists.
    /// - Throws: `InvalidArgument` naming the offending entry.
    public func validate() throws {
        guard tiers[Self.standardTier] == nil || tiers[Self.standardTier] == Self.standard else {
            throw TarnError(
                .invalidArgument,
                "tier configuration: the '\(Self.standardTier)' tier is the store's own blob directory and cannot be moved or compressed")
        }
        for (name, _) in classes where StorageClass(rawValue: name) == nil {
            throw TarnError(.invalidArgument, "tier configuration: '\(name)' is not a storage class (expected one of \(StorageClass.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        for storageClass in StorageClass.allCases {
            let name = tierName(for: storageClass)
            guard name == Self.standardTier || tiers[name] != nil else {
                throw TarnError(.invalidArgument, "tier configuration: class \(storageClass) uses tier '\(name)', which is not defined")
            }
        }
        for (name, tier) in tiers where tier.directory.isEmpty {
            throw TarnError(.invalidArgument, "tier configuration: tier '\(name)' has an empty directory")
        }
    }
}

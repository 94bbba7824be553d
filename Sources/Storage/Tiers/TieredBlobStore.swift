import TarnCore

/// The object store's blobs across its tiers: the standard tier (the store's own `blobs`
/// directory) plus one `LocalBlobStore` per configured tier directory.
///
/// As a `BlobStore` it behaves like the standard tier for creating blobs, and finds, deletes and
/// inventories blobs in every tier, so garbage and orphan collection (which know only blob ids)
/// work unchanged. Tier-aware callers create and open blobs in a named tier directly.
public struct TieredBlobStore: BlobStore {
    /// The standard tier.
    public let standard: any BlobStore
    /// Every other tier by name.
    public let tiers: [String: any BlobStore]
    /// The configuration the tiers were opened with.
    public let configuration: TierConfiguration

    /// Opens every tier of `configuration`, creating their directories.
    /// - Parameters:
    ///   - standard: the store's own blob store.
    ///   - configuration: the tiers and class mapping.
    ///   - storeDirectory: what relative tier directories are resolved against.
    public init(standard: any BlobStore, configuration: TierConfiguration, storeDirectory: String) throws {
        try configuration.validate()
        self.standard = standard
        self.configuration = configuration
        var tiers: [String: any BlobStore] = [:]
        for (name, tier) in configuration.tiers where name != TierConfiguration.standardTier {
            let directory = tier.directory.hasPrefix("/") ? tier.directory : storeDirectory + "/" + tier.directory
            tiers[name] = try LocalBlobStore(root: directory)
        }
        self.tiers = tiers
    }

    /// The store for tier `name`.
    /// - Throws: `InvalidArgument` when no such tier is configured (e.g. an object written to a
    ///   tier that was since removed from the configuration).
    public func store(tier name: String) throws -> any BlobStore {
        if name == TierConfiguration.standardTier { return standard }
        guard let store = tiers[name] else {
            throw TarnError(.invalidArgument, "storage tier '\(name)' is not configured (configured: \(([TierConfiguration.standardTier] + tiers.keys.sorted()).joined(separator: ", ")))")
        }
        return store
    }

    /// The placement new blobs of `storageClass` get.
    public func placement(for storageClass: StorageClass) -> BlobPlacement? {
        let name = configuration.tierName(for: storageClass)
        guard name != TierConfiguration.standardTier, let tier = configuration.tiers[name] else { return nil }
        return BlobPlacement(tier: name, compressed: tier.compressed)
    }

    public func create() throws -> any BlobWriter { try standard.create() }

    /// Opens a blob, looking in the standard tier first and then in every other tier.
    public func open(_ id: BlobID) throws -> any BlobReader {
        do {
            return try standard.open(id)
        } catch let error as TarnError where error.code == .notFound {
            for name in tiers.keys.sorted() {
                if let reader = try? tiers[name]!.open(id) { return reader }
            }
            throw error
        }
    }

    public func delete(_ id: BlobID) throws {
        try standard.delete(id)
        for store in tiers.values { try store.delete(id) }
    }

    /// Deletes in every tier; the standard tier deletes its small blobs in one transaction.
    public func delete(_ ids: [BlobID]) async throws {
        try await standard.delete(ids)
        for name in tiers.keys.sorted() { try await tiers[name]!.delete(ids) }
    }

    public func inventory() throws -> [(id: BlobID, ageSeconds: Double)] {
        var all = try standard.inventory()
        for name in tiers.keys.sorted() { all += try tiers[name]!.inventory() }
        return all
    }

    public func storedSize(_ id: BlobID) -> Int64? {
        if let size = standard.storedSize(id) { return size }
        for store in tiers.values { if let size = store.storedSize(id) { return size } }
        return nil
    }
}

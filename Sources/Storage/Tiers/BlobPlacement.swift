/// Where an object's blobs are stored: which tier, and whether they are chunk-compressed.
/// Recorded in the object's attributes when its bytes are written, so reading never depends on
/// the current tier configuration or on guessing from the bytes. Absent (nil) for objects on the
/// standard tier, uncompressed — which is every object written before tiers existed.
public struct BlobPlacement: Sendable, Codable, Equatable {
    /// The tier's name in the `TierConfiguration`.
    public var tier: String
    /// Whether each blob is in the `ChunkedCompression` layout.
    public var compressed: Bool

    /// Creates a placement.
    public init(tier: String, compressed: Bool) {
        self.tier = tier
        self.compressed = compressed
    }
}

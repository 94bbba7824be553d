/// Where an object's blobs are stored: which tier, and whether they are chunk-compressed.
/// Recorded in the object's attributes when its bytes are written, so reading never depends on
/// the current tier configuration or on guessing from the bytes. Absent (nil) for objects on the
/// standard tier, uncompressed — which is every object written before tiers existed.
public struct BlobPlacement: Sendable, Codable, Equatable {
    /// The tier's name in the `TierConfiguration`.
    public var tier: String
    /// Whether each blob is in the `ChunkedCompression` layout.
    public var compressed: Bool
    /// For compressed, encrypted blobs: true when the plaintext was compressed and the
    /// compressed stream encrypted (file = AES-GCM chunks of the compressed layout), which is
    /// how every such blob is written now; nil/false for blobs written before, where the
    /// ciphertext was compressed (and so barely shrank).
    public var compressedBeforeEncryption: Bool?

    /// Creates a placement.
    public init(tier: String, compressed: Bool, compressedBeforeEncryption: Bool? = nil) {
        self.tier = tier
        self.compressed = compressed
        self.compressedBeforeEncryption = compressedBeforeEncryption
    }

    /// The placement for new blobs: compressed tiers compress before encrypting.
    func forNewBlobs(encrypted: Bool) -> BlobPlacement {
        var placement = self
        placement.compressedBeforeEncryption = compressed && encrypted ? true : nil
        return placement
    }
}

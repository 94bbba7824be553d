import TarnCore

/// The settings of one workgroup (Athena's `WorkGroupConfiguration`, the part Tarn enforces):
/// the per-query data usage control.
///
/// Athena: "The per-query control limit specifies the total amount of data scanned per query.
/// If any query that runs in the workgroup exceeds the limit, it is canceled." The limit is
/// `BytesScannedCutoffPerQuery`, at least 10,000,000 bytes.
public struct WorkgroupConfiguration: Sendable, Equatable, Codable {
    /// Bytes one query may scan before it is cancelled; nil: no limit.
    public var bytesScannedCutoffPerQuery: Int64?

    /// Athena's smallest accepted `BytesScannedCutoffPerQuery` (the API's minimum value).
    public static let minimumBytesScannedCutoffPerQuery: Int64 = 10_000_000

    /// Creates a configuration.
    /// - Parameter bytesScannedCutoffPerQuery: the per-query limit in bytes, nil for none. Any
    ///   positive value is taken here; the configuration file holds it to Athena's minimum.
    public init(bytesScannedCutoffPerQuery: Int64? = nil) {
        self.bytesScannedCutoffPerQuery = bytesScannedCutoffPerQuery
    }
}

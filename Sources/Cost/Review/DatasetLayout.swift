import Foundation

/// How a prefix of a bucket holds a data set: its files, partitions and formats, gathered from
/// object keys as Athena sees a table location (`prefix/col=value/…/file`).
public struct DatasetLayout: Sendable, Equatable {
    /// Bucket.
    public var bucket: String
    /// The table location: the key prefix up to the first `name=value` segment, or the files'
    /// directory when there is none.
    public var location: String
    /// Data files (zero-byte markers and `_`/`.` files excluded, as Athena ignores them).
    public var files = 0
    /// Their bytes.
    public var bytes: Int64 = 0
    /// Files per partition directory (the location itself when unpartitioned).
    public var filesPerPartition: [String: Int] = [:]
    /// Bytes per file format (`parquet`, `csv`, `json`, `other`).
    public var bytesByFormat: [String: Int64] = [:]
    /// The largest text (CSV/JSON) file, whose conversion measures Parquet's reduction.
    public var largestTextFile: (key: String, size: Int64)?
    /// Parquet bytes per text byte measured on `largestTextFile`, when measured.
    public var measuredParquetRatio: Double?

    /// Creates an empty layout.
    public init(bucket: String, location: String) {
        self.bucket = bucket
        self.location = location
    }

    /// Partition directories.
    public var partitions: Int { filesPerPartition.count }
    /// Whether the location uses Hive-style partitions.
    public var isPartitioned: Bool { filesPerPartition.keys.contains { $0 != location } }
    /// Text bytes (CSV and JSON).
    public var textBytes: Int64 { (bytesByFormat["csv"] ?? 0) + (bytesByFormat["json"] ?? 0) }

    /// Compares every field (the text-file tuple by key).
    public static func == (lhs: DatasetLayout, rhs: DatasetLayout) -> Bool {
        lhs.bucket == rhs.bucket && lhs.location == rhs.location && lhs.files == rhs.files && lhs.bytes == rhs.bytes
            && lhs.filesPerPartition == rhs.filesPerPartition && lhs.bytesByFormat == rhs.bytesByFormat
            && lhs.largestTextFile?.key == rhs.largestTextFile?.key && lhs.measuredParquetRatio == rhs.measuredParquetRatio
    }

    /// The format a key's extension names.
    public static func format(of key: String) -> String {
        var name = key.lowercased()
        if name.hasSuffix(".gz") { name.removeLast(3) }
        if name.hasSuffix(".snappy") { name.removeLast(7) }
        if name.hasSuffix(".parquet") || name.hasSuffix(".parq") { return "parquet" }
        if name.hasSuffix(".csv") || name.hasSuffix(".tsv") { return "csv" }
        if name.hasSuffix(".json") || name.hasSuffix(".jsonl") || name.hasSuffix(".ndjson") { return "json" }
        return "other"
    }

    /// Splits a key into its table location and partition directory, or nil for keys that are
    /// not data files (directory markers, `_SUCCESS`, hidden files).
    public static func place(key: String) -> (location: String, partition: String)? {
        let segments = key.split(separator: "/", omittingEmptySubsequences: false)
        guard let file = segments.last, !file.isEmpty, !file.hasPrefix("_"), !file.hasPrefix(".") else { return nil }
        let directories = segments.dropLast()
        let partitionStart = directories.firstIndex { $0.contains("=") } ?? directories.endIndex
        let location = directories[..<partitionStart].map { $0 + "/" }.joined()
        let partition = directories.map { $0 + "/" }.joined()
        return (location, partition)
    }
}

/// Collects `DatasetLayout`s from a stream of object keys and sizes.
public struct DatasetIndex: Sendable {
    /// Layouts by bucket and location.
    public private(set) var layouts: [String: DatasetLayout] = [:]

    /// Creates an empty index.
    public init() {}

    /// Adds one object.
    public mutating func add(bucket: String, key: String, size: Int64) {
        guard size > 0, let (location, partition) = DatasetLayout.place(key: key) else { return }
        let id = bucket + "\u{0}" + location
        var layout = layouts[id] ?? DatasetLayout(bucket: bucket, location: location)
        layout.files += 1
        layout.bytes += size
        layout.filesPerPartition[partition, default: 0] += 1
        let format = DatasetLayout.format(of: key)
        layout.bytesByFormat[format, default: 0] += size
        if format == "csv" || format == "json", size > (layout.largestTextFile?.size ?? 0) { layout.largestTextFile = (key, size) }
        layouts[id] = layout
    }

    /// Records a measured Parquet ratio for a layout.
    public mutating func setMeasuredRatio(bucket: String, location: String, _ ratio: Double) {
        layouts[bucket + "\u{0}" + location]?.measuredParquetRatio = ratio
    }

    /// All layouts, by bucket and location.
    public var sorted: [DatasetLayout] { layouts.values.sorted { ($0.bucket, $0.location) < ($1.bucket, $1.location) } }
}

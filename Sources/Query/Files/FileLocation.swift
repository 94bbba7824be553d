import TarnCore

/// Where a table's or a table function's files are: an object-store location
/// (`s3://bucket/prefix/`) or a local path, either of which may end in a glob
/// (`s3://lake/sales/*/*/*/*.parquet`, `/data/*.csv`, `/data/**/part-*.json`).
public enum FileLocation: Sendable, Hashable, CustomStringConvertible {
    /// An object or prefix in a bucket of the lake's object store.
    case object(bucket: String, key: String)
    /// A file or directory on the local file system (embedded use only).
    case local(path: String)

    /// Schemes Athena and Hive accept for S3 locations.
    static let objectSchemes = ["s3://", "s3a://", "s3n://"]

    /// Parses `s3://bucket/key`, `file:///path` or a plain local path.
    /// - Throws: `TarnError(.invalidArgument)` for an empty location or an `s3://` without a bucket.
    public init(parsing text: String) throws {
        let trimmed = text.trimmingWhitespace()
        guard !trimmed.isEmpty else { throw TarnError(.invalidArgument, "empty location") }
        for scheme in Self.objectSchemes where trimmed.lowercased().hasPrefix(scheme) {
            let rest = trimmed.dropFirst(scheme.count)
            let bucket = rest.prefix { $0 != "/" }
            guard !bucket.isEmpty else { throw TarnError(.invalidArgument, "location '\(text)' names no bucket") }
            var key = String(rest.dropFirst(bucket.count))
            while key.hasPrefix("/") { key.removeFirst() }
            self = .object(bucket: String(bucket), key: key)
            return
        }
        if trimmed.hasPrefix("file://") {
            self = .local(path: String(trimmed.dropFirst("file://".count)))
        } else if trimmed.contains("://") {
            throw TarnError(.invalidArgument, "location '\(text)' has an unsupported scheme (use s3://bucket/prefix or a local path)")
        } else {
            self = .local(path: trimmed)
        }
    }

    /// `s3://bucket/key` or the local path.
    public var description: String {
        switch self {
        case .object(let bucket, let key): "s3://\(bucket)/\(key)"
        case .local(let path): path
        }
    }

    /// The path part (object key or local path).
    var path: String {
        switch self {
        case .object(_, let key): key
        case .local(let path): path
        }
    }

    /// The same kind of location at another path.
    func with(path: String) -> FileLocation {
        switch self {
        case .object(let bucket, _): .object(bucket: bucket, key: path)
        case .local: .local(path: path)
        }
    }

    /// This location as a directory: with exactly one trailing slash (an empty key stays empty).
    var asDirectory: FileLocation {
        let p = path
        if p.isEmpty || p.hasSuffix("/") { return self }
        return with(path: p + "/")
    }

    /// A child location: this location as a directory plus `relative`.
    func appending(_ relative: String) -> FileLocation {
        with(path: asDirectory.path + relative)
    }

    /// Whether the path contains glob characters (`*`, `?`, `[`).
    var isGlob: Bool { Glob.hasWildcards(path) }
}

extension String {
    /// The string without leading and trailing spaces, tabs and line ends.
    func trimmingWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[first...last])
    }
}

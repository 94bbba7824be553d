import Storage
import TarnCore

/// A data file found by a listing.
public struct DataFile: Sendable, Hashable {
    /// The file.
    public var location: FileLocation
    /// Its size in bytes.
    public var size: Int64
    /// Its path below the listed location (`year=2024/month=1/part-0.parquet`): Hive partition
    /// values are read from here, never from the location above the table.
    public var relativePath: String

    /// Creates an entry.
    public init(location: FileLocation, size: Int64, relativePath: String) {
        self.location = location
        self.size = size
        self.relativePath = relativePath
    }
}

/// Lists and opens the files of tables and table functions: objects in the lake's object store
/// and, when allowed, local files.
///
/// Listings skip what Hive and Athena treat as hidden — any path component starting with `_`
/// or `.` (`_SUCCESS`, `_temporary/`, `.staging/`), zero-byte directory markers (`key/`,
/// `key_$folder$`) — and return files sorted by path.
public final class FileStore: Sendable {
    /// The object store behind `s3://` locations (nil: object locations are rejected).
    public let objects: ObjectStore?
    /// Whether local paths may be read. Off in the server (SQL must not read the server's
    /// files); on for the embedded CLI.
    public let allowLocalFiles: Bool
    /// Who lists and reads objects: listings are authorized as `s3:ListBucket` of the prefix,
    /// single-file lookups and opens as `s3:GetObject`, and encrypted objects are decrypted
    /// with its key caller.
    public let access: any ObjectAccess

    /// Creates a file store.
    public init(objects: ObjectStore?, allowLocalFiles: Bool, access: any ObjectAccess = TarnObjectAccess()) {
        self.objects = objects
        self.allowLocalFiles = allowLocalFiles
        self.access = access
    }

    /// The same files as seen by `access` (a statement's identity).
    public func scoped(_ access: any ObjectAccess) -> FileStore {
        if access is TarnObjectAccess && self.access is TarnObjectAccess { return self }
        return FileStore(objects: objects, allowLocalFiles: allowLocalFiles, access: access)
    }

    /// The files at a location: a single file, everything below a directory or prefix, or what
    /// a glob matches. A location that names nothing gives an empty list.
    /// - Throws: `NoSuchBucket`, `.invalidArgument` for local paths when they are not allowed.
    public func list(_ location: FileLocation) throws -> [DataFile] {
        switch location {
        case .object(let bucket, let key):
            let store = try objectStore(for: location)
            if Glob.hasWildcards(key) {
                let base = Glob.literalPrefix(key)
                return try listObjects(store, bucket: bucket, prefix: base).filter { Glob.matches(base + $0.relativePath, pattern: key) }
            }
            if !key.isEmpty && !key.hasSuffix("/") {
                try access.authorize(.read, bucket: bucket, key: key)
                if let info = try store.index.object(bucket: bucket, key: key) {
                    let name = String(key.split(separator: "/").last ?? "")
                    return [DataFile(location: location, size: info.size, relativePath: name)]
                }
                return try listObjects(store, bucket: bucket, prefix: key + "/")
            }
            return try listObjects(store, bucket: bucket, prefix: key)
        case .local(let path):
            try requireLocal(path)
            if Glob.hasWildcards(path) {
                let base = Glob.literalPrefix(path)
                return try walk(base.isEmpty ? "." : base).filter { Glob.matches(base + $0.relativePath, pattern: path) }
                    .map { DataFile(location: .local(path: base + $0.relativePath), size: $0.size, relativePath: $0.relativePath) }
            }
            if FileSystem.isDirectory(path) {
                let root = path.hasSuffix("/") ? path : path + "/"
                return try walk(root).map { DataFile(location: .local(path: root + $0.relativePath), size: $0.size, relativePath: $0.relativePath) }
            }
            guard let size = FileSystem.fileSize(path) else { return [] }
            let name = String(path.split(separator: "/").last ?? "")
            return [DataFile(location: location, size: size, relativePath: name)]
        }
    }

    /// Opens a file for positioned reads.
    /// - Throws: `NoSuchKey` / `.notFound` when it is gone.
    public func open(_ location: FileLocation) throws -> any RandomAccessFile {
        switch location {
        case .object(let bucket, let key):
            let store = try objectStore(for: location)
            try access.authorize(.read, bucket: bucket, key: key)
            return try store.open(bucket: bucket, key: key, caller: access.keyCaller)
        case .local(let path):
            try requireLocal(path)
            return try LocalFile(path: path)
        }
    }

    /// Whether a listed path is hidden by Hive's convention (a component starting with `_` or
    /// `.`) or is a directory marker.
    static func isHidden(_ relativePath: String) -> Bool {
        if relativePath.isEmpty || relativePath.hasSuffix("/") || relativePath.hasSuffix("_$folder$") { return true }
        return relativePath.split(separator: "/").contains { $0.hasPrefix("_") || $0.hasPrefix(".") }
    }

    private func objectStore(for location: FileLocation) throws -> ObjectStore {
        guard let objects else { throw TarnError(.unsupported, "no object store is attached, so \(location) cannot be read") }
        return objects
    }

    private func requireLocal(_ path: String) throws {
        guard allowLocalFiles else {
            throw TarnError(.accessDenied, "local path '\(path)' cannot be read here; use an s3:// location (local files are allowed only in embedded `tarn query`)")
        }
    }

    private func listObjects(_ store: ObjectStore, bucket: String, prefix: String) throws -> [DataFile] {
        try access.authorizeList(bucket: bucket, prefix: prefix)
        var files: [DataFile] = []
        try store.forEachObject(bucket: bucket, prefix: prefix) { object in
            let relative = String(object.key.dropFirst(prefix.count))
            if Self.isHidden(relative) || (object.size == 0 && object.key.hasSuffix("/")) { return }
            files.append(DataFile(location: .object(bucket: bucket, key: object.key), size: object.size, relativePath: relative))
        }
        return files
    }

    /// Every visible regular file below `root` (which ends in `/`, or is `.`), with paths
    /// relative to it, sorted.
    private func walk(_ root: String) throws -> [(relativePath: String, size: Int64)] {
        var found: [(relativePath: String, size: Int64)] = []
        func visit(_ directory: String, _ relative: String) throws {
            let names: [String]
            do { names = try FileSystem.listDirectory(directory) } catch let error as TarnError where error.code == .notFound { return }
            for name in names.sorted() where !name.hasPrefix("_") && !name.hasPrefix(".") {
                let path = directory.hasSuffix("/") ? directory + name : directory + "/" + name
                if FileSystem.isDirectory(path) {
                    try visit(path, relative + name + "/")
                } else if let size = FileSystem.fileSize(path) {
                    found.append((relative + name, size))
                }
            }
        }
        try visit(root, "")
        return found.sorted { $0.relativePath < $1.relativePath }
    }
}

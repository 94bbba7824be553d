import Catalog
import Columnar
import Foundation
import Parquet
import Storage
import TarnCore
import TarnTesting

@testable import Jobs

/// A lake in a temporary directory: object store, catalog and job runner, with a `retail`
/// bucket. `reopen()` builds fresh instances over the same directory, as a restarted process would.
final class LakeFixture: @unchecked Sendable {
    let directory: TemporaryDirectory
    private(set) var store: ObjectStore
    private(set) var catalog: CatalogStore
    private(set) var runner: JobRunner
    let bucket: String

    init(bucket: String = "retail", prefix: String = "tarn-jobs") async throws {
        directory = try TemporaryDirectory(prefix: prefix)
        self.bucket = bucket
        (store, catalog, runner) = try Self.open(directory.path)
        try await store.createBucket(bucket)
    }

    static func open(_ path: String) throws -> (ObjectStore, CatalogStore, JobRunner) {
        let store = try ObjectStore(directory: path + "/storage")
        try FileSystem.createDirectory(path + "/catalog")
        let catalog = try CatalogStore(path: path + "/catalog/catalog.db")
        let runner = try JobRunner(store: store, catalog: catalog, directory: path + "/jobs")
        return (store, catalog, runner)
    }

    /// Fresh store, catalog and runner over the same directory, after recovery.
    func reopen() async throws {
        (store, catalog, runner) = try Self.open(directory.path)
        try await runner.recover()
    }

    func remove() { directory.remove() }

    @discardableResult
    func put(_ key: String, _ bytes: [UInt8]) async throws -> ObjectInfo {
        try await store.put(bucket: bucket, key: key, bytes: bytes)
    }

    func put(_ key: String, _ text: String) async throws { try await put(key, Array(text.utf8)) }

    /// Keys and ETags of every object under `prefix`.
    func listing(_ prefix: String) throws -> [(key: String, etag: String, size: Int64)] {
        var result: [(String, String, Int64)] = []
        var after: String? = nil
        while true {
            let page = try store.list(bucket: bucket, prefix: prefix, after: after)
            result += page.objects.map { ($0.key, $0.etag, $0.size) }
            guard page.isTruncated, let next = page.nextMarker else { break }
            after = next
        }
        return result
    }

    /// Multipart uploads still in progress anywhere in the bucket.
    func pendingUploads() throws -> [UploadInfo] {
        try store.index.uploads(bucket: bucket, prefix: "", keyMarker: nil, uploadIDMarker: nil, limit: .max)
    }

    /// Reads a Parquet object whole.
    func readParquet(_ key: String) throws -> RecordBatch {
        let reader = try store.open(bucket: bucket, key: key)
        let size = reader.info.size
        let tail = ParquetMetadata.tailRange(fileSize: size)
        var result = try ParquetMetadata.decode(tail: reader.read(tail), fileSize: size, name: key)
        if case .needMore(let range) = result { result = try ParquetMetadata.decode(tail: reader.read(range), fileSize: size, name: key) }
        guard let metadata = result.metadata else { throw TarnError(.corrupt, "\(key): footer") }
        let selection = try ColumnSelection(nil, schema: metadata.schema)
        var batches: [RecordBatch] = []
        for group in 0..<metadata.rowGroupCount {
            var chunks: [Int: [UInt8]] = [:]
            for (leaf, range) in try metadata.byteRanges(rowGroup: group, selection: selection) { chunks[leaf] = try reader.read(range) }
            batches.append(try metadata.decodeRowGroup(group, selection: selection, chunks: chunks))
        }
        return RecordBatch.concatenate(batches, schema: metadata.columnarSchema)
    }

    /// Every row under `prefix` as canonical text (partition path + values), sorted: two lakes
    /// hold the same data exactly when these are equal, however the rows are split into files.
    func rows(under prefix: String) throws -> [String] {
        var rows: [String] = []
        for (key, _, _) in try listing(prefix) where key.hasSuffix(".parquet") {
            let partition = key.dropFirst(prefix.count).split(separator: "/").dropLast().joined(separator: "/")
            let batch = try readParquet(key)
            for row in 0..<batch.rowCount {
                rows.append(partition + "|" + batch.columns.map { ValueText.plain($0, row) ?? "∅" }.joined(separator: "|"))
            }
        }
        return rows.sorted()
    }

    /// The lines of every quarantine object under `prefix`.
    func quarantineLines(_ prefix: String) throws -> [String] {
        try listing(prefix).flatMap { key, _, _ in
            String(decoding: try store.get(bucket: bucket, key: key), as: UTF8.self).split(separator: "\n").map(String.init)
        }
    }
}

/// The generated retail data set (sf 0.01), made once per test process with the copy of
/// `Tests/interop/data/gen_retail.py` (the shared generator, one copy for both suites); nil when python3 with numpy and pyarrow is missing.
enum RetailData {
    static let available: Bool = {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import numpy, pyarrow"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }()

    /// The directory with `csv/`, `json/` and `manifest.json`.
    static let directory: String? = {
        guard available else { return nil }
        // The generator is deterministic, so one copy serves every test process: made in a
        // private directory, then renamed into place (a concurrent process may win; same bytes).
        let base = ProcessInfo.processInfo.environment["TMPDIR"] ?? "/tmp"
        let path = "\(base)/tarn-jobs-retail-sf0.01-seed42"
        if FileManager.default.fileExists(atPath: path + "/manifest.json") { return path }
        let staging = "\(path).tmp-\(getpid())"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Fixtures.packageRoot + "/Tests/interop/data/gen_retail.py", "--out", staging, "--sf", "0.01", "--seed", "42"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        if (try? FileSystem.rename(staging, to: path)) == nil { try? FileSystem.removeTree(staging) }
        return FileManager.default.fileExists(atPath: path + "/manifest.json") ? path : nil
    }()

    static func bytes(_ relative: String) throws -> [UInt8] { try FileSystem.readFile(directory! + "/" + relative) }

    /// `manifest.json` of the generated data.
    static func manifest() throws -> [String: Any] {
        let data = Data(try bytes("manifest.json"))
        return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
    }

    static func count(_ table: String, _ field: String) throws -> Int {
        ((try manifest()[table] as? [String: Any])?[field] as? NSNumber)?.intValue ?? -1
    }
}

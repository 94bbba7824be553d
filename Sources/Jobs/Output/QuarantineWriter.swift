import Storage

/// Writes a run's rejected rows as JSON Lines files under the quarantine location, rolling to a
/// new file past `fileTargetBytes`. Files are staged like the data files and become visible in
/// the same publish, so quarantine never shows rows of a run that did not commit.
final class QuarantineWriter {
    private let context: RunContext
    private let location: ObjectLocation
    private let fileTargetBytes: Int64
    private var current: StagedUpload?
    private var sequence = 0
    /// Files finished so far.
    private(set) var files: [StagedFile] = []
    /// Rows written.
    private(set) var rows: Int64 = 0

    init(context: RunContext, location: ObjectLocation, fileTargetBytes: Int64 = 64 << 20) {
        self.context = context
        self.location = location
        self.fileTargetBytes = fileTargetBytes
    }

    /// Appends the rejections of one source object.
    func write(_ rejections: [Rejection], source: String) throws {
        guard !rejections.isEmpty else { return }
        if current == nil {
            let key = location.prefix + "part-\(context.batchID)-\(String(sequence).leftPadded(5)).jsonl"
            sequence += 1
            current = try StagedUpload(
                context: context, kind: .quarantine, bucket: location.bucket, key: key, partition: nil,
                contentType: "application/x-ndjson", metadata: context.objectMetadata)
        }
        let file = current!
        var buffer: [UInt8] = []
        for rejection in rejections {
            buffer += QuarantineRecord.line(job: context.job, batch: context.batchID, source: source, rejection: rejection)
        }
        try buffer.withUnsafeBytes { try file.write($0) }
        file.rows += Int64(rejections.count)
        rows += Int64(rejections.count)
        if file.size >= fileTargetBytes { try closeFile() }
    }

    private func closeFile() throws {
        guard let file = current else { return }
        current = nil
        files.append(try file.finish())
        try context.faults.check(.fileStaged)
    }

    /// Finishes the open file.
    func finish() throws -> [StagedFile] {
        try closeFile()
        return files
    }

    /// Drops the open file's part (after a failure).
    func abandon() {
        current?.abandon()
        current = nil
    }
}

import Foundation
import Storage
import TarnCore
import TextFormats

/// What flows from the parse thread to the write thread.
enum PipelineItem: Sendable {
    /// Rows of a source object.
    case batch(TransformedBatch)
    /// A source object has been read completely.
    case objectDone(index: Int, counts: ObjectCounts, warnings: [String])
}

/// What the write thread hands back.
struct WriterOutcome: Sendable {
    var files: [StagedFile]
    var keys: [KeyFileContent]
    var counts: [ObjectCounts]
    var partitions: [PartitionRef]
    var warnings: [String]
}

extension JobRunner {
    /// Runs a job now: processes the objects under its source prefix that no earlier run
    /// committed, then commits and publishes the result.
    ///
    /// Waits while another run of the same table is in progress. Runs that were interrupted
    /// earlier are finished (committed ones) or rolled back (the rest) first.
    /// - Parameters:
    ///   - job: the job's name.
    ///   - trigger: what asked for the run (recorded in its history).
    ///   - faults: crash-test hook.
    /// - Returns: the finished run (`succeeded`; its manifest has the counts).
    /// - Throws: `TarnError(.notFound)` for an unknown job; the failure of a run that could not
    ///   commit (it is recorded as `failed`, nothing of it is visible, and its objects stay
    ///   unprocessed for the next run).
    public func run(_ job: String, trigger: RunTrigger = .manual, faults: FaultInjector = .none) async throws -> RunRecord {
        let definition = try definition(job)
        let plan = try JobPlan(definition)
        let table = Self.tableName(definition)
        return try await locks.withLock(table) {
            try await self.ingest(plan: plan, table: table, trigger: trigger, faults: faults)
        }
    }

    private func ingest(plan: JobPlan, table: String, trigger: RunTrigger, faults: FaultInjector) async throws -> RunRecord {
        let definition = plan.definition
        let started = clock.now()
        try await recover(job: definition.name, faults: faults)
        try await ensureCatalog(plan)

        let runID = newRunID()
        let access: any ObjectAccess
        var objects: [SourceObject] = []
        do {
            access = try self.access(for: definition, runID: runID)
            try access.authorizeList(bucket: definition.source.bucket, prefix: definition.source.prefix)
            let done = try state.bookmarks(job: definition.name)
            try store.forEachObject(bucket: definition.source.bucket, prefix: definition.source.prefix) { object in
                let source = SourceObject(bucket: object.bucket, key: object.key, etag: object.etag, size: object.size)
                if !done.contains(SourceIdentity(bucket: source.bucket, key: source.key, etag: source.etag)) { objects.append(source) }
            }
        } catch {
            try recordFailedPlanning(runID: runID, job: definition.name, kind: .ingest, trigger: trigger, started: started, error: error)
            throw error
        }
        if let limit = definition.source.maxObjectsPerRun, objects.count > limit { objects = Array(objects.prefix(limit)) }

        let batchID = Self.batchID(job: definition.name, kind: .ingest, inputs: objects)
        let record = RunRecord(
            runID: runID, job: definition.name, sequence: 0, kind: .ingest, trigger: trigger, status: .running, batchID: batchID,
            startedAt: started, finishedAt: nil, sources: objects, manifest: nil, error: nil)
        let run = try state.beginRun(record)
        try faults.check(.planned)
        let planned = clock.now()
        let context = RunContext(job: definition.name, runID: run.runID, batchID: batchID, store: store, access: access, faults: faults)

        if objects.isEmpty {
            let manifest = RunManifest(
                job: definition.name, runID: run.runID, batchID: batchID, kind: .ingest, trigger: trigger, table: table, startedAt: started,
                processedAt: planned, sources: [], totals: ObjectCounts(), partitions: [], files: [], replacedFiles: [], bytesWritten: 0,
                durations: .init(planning: planned.timeIntervalSince(started), processing: 0, staging: 0), warnings: [])
            try state.markEmptySucceeded(run.runID, manifest: manifest, at: clock.now())
            return try state.run(run.runID) ?? run
        }

        do {
            let outcome = try await process(plan: plan, table: table, context: context, objects: objects)
            let processed = clock.now()
            let directory = self.directory
            let keyFiles = try await BlockingIO.run { () throws -> [KeyFileRecord] in
                try outcome.keys.map { content in
                    let path = Self.keyFilePath(table: table, partition: content.partition, batchID: batchID)
                    try KeyFile.write(content.keys, to: directory + "/" + path)
                    return KeyFileRecord(partition: content.partition, path: path, keys: content.keys.count)
                }
            }
            // Key files merged into this run's (see RunWriter.keyFileMergeThreshold) leave the index.
            var replacedKeyFiles: [String] = []
            for content in outcome.keys where content.replacesExisting {
                replacedKeyFiles += try state.keyFiles(table: table, partition: content.partition).map(\.path)
            }
            try faults.check(.keysWritten)

            var totals = ObjectCounts()
            var reports: [RunManifest.SourceReport] = []
            for (object, counts) in zip(objects, outcome.counts) {
                guard counts.balanced else {
                    throw TarnError(.internal, "\(object.uri): \(counts.rowsRead) rows read but \(counts.rowsWritten) written + \(counts.rowsQuarantined) quarantined + \(counts.rowsDuplicate) duplicate")
                }
                totals.add(counts)
                reports.append(.init(object: object, counts: counts))
            }
            totals.gzip = outcome.counts.contains { $0.gzip }
            let staged = clock.now()
            let manifest = RunManifest(
                job: definition.name, runID: run.runID, batchID: batchID, kind: .ingest, trigger: trigger, table: table, startedAt: started,
                processedAt: processed, sources: reports, totals: totals, partitions: outcome.partitions.map(\.spec),
                files: outcome.files.map(Self.fileReport), replacedFiles: [], bytesWritten: outcome.files.reduce(0) { $0 + $1.size },
                durations: .init(
                    planning: planned.timeIntervalSince(started), processing: processed.timeIntervalSince(planned),
                    staging: staged.timeIntervalSince(processed)),
                warnings: outcome.warnings)
            let manifestFile = try await BlockingIO.run { try self.stageManifest(manifest, definition: definition, context: context) }
            try faults.check(.manifestStaged)

            let publish = PublishPlan(
                staged: outcome.files + [manifestFile], deletions: [], partitions: outcome.partitions, obsoleteKeyFiles: replacedKeyFiles)
            let state = self.state
            try await BlockingIO.run { [objects, replacedKeyFiles] in
                try state.commit(
                    run: run, manifest: manifest, plan: publish, table: table, bookmarks: objects, removedFiles: [], keyFiles: keyFiles,
                    removedKeyFiles: replacedKeyFiles)
            }
        } catch let crash as InjectedCrash {
            throw crash  // a simulated crash leaves everything as a killed process would
        } catch {
            await rollBack(run, definition: definition, table: table, reason: "\(error)")
            throw error
        }
        try faults.check(.committed)
        guard let committed = try state.unfinishedRuns(job: definition.name).first(where: { $0.0.runID == run.runID }), let publish = committed.1 else {
            throw TarnError(.internal, "run \(run.runID) is not in the committed state after its commit")
        }
        try await finishCommitted(committed.0, plan: publish, definition: definition, faults: faults)
        return try state.run(run.runID) ?? committed.0
    }

    /// Records a run that failed before it planned anything (its role session could not be
    /// made, or listing the source was denied), so the history says why nothing ran.
    func recordFailedPlanning(runID: String, job: String, kind: RunKind, trigger: RunTrigger, started: Date, error: any Error) throws {
        let record = RunRecord(
            runID: runID, job: job, sequence: 0, kind: kind, trigger: trigger, status: .running, batchID: "", startedAt: started, finishedAt: nil,
            sources: [], manifest: nil, error: nil)
        let run = try state.beginRun(record)
        try state.markFailed(run.runID, error: "\(error)", at: clock.now())
    }

    /// Reads, transforms and writes every planned object on two threads: one parses and
    /// validates, the other deduplicates, partitions and encodes Parquet.
    private func process(plan: JobPlan, table: String, context: RunContext, objects: [SourceObject]) async throws -> WriterOutcome {
        let queue = BlockingQueue<PipelineItem>(capacity: 8)
        let store = self.store
        async let parsed: Void = PipelineThread.run(name: "tarn-job-parse") {
            do {
                let transformer = try BatchTransformer(plan: plan)
                let reader = SourceReader(plan: plan, store: store, access: context.access)
                for (index, object) in objects.enumerated() {
                    let (counts, warnings) = try reader.read(object) { text, mapping in
                        try queue.put(.batch(transformer.transform(text, mapping: mapping, object: index)))
                    }
                    try queue.put(.objectDone(index: index, counts: counts, warnings: warnings))
                }
                queue.close()
            } catch {
                queue.fail(error)
                throw error
            }
        }
        let written: Result<WriterOutcome, any Error>
        do {
            written = .success(try await PipelineThread.run(name: "tarn-job-write") { () throws -> WriterOutcome in
                let writer = try RunWriter(plan: plan, context: context, sources: objects) { partition in
                    let files = try self.state.keyFiles(table: table, partition: partition)
                    return (try self.loadKeys(table: table, partition: partition), files.count)
                }
                do {
                    var objectCounts = objects.map { _ in ObjectCounts() }
                    var warnings: [String] = []
                    while let item = try queue.take() {
                        switch item {
                        case .batch(let batch): try writer.consume(batch)
                        case .objectDone(let index, let counts, let objectWarnings):
                            objectCounts[index] = counts
                            warnings += objectWarnings
                        }
                    }
                    let (files, keys) = try writer.finish()
                    var counts = writer.counts
                    for index in counts.indices {
                        counts[index].bytesRead = objectCounts[index].bytesRead
                        counts[index].gzip = objectCounts[index].gzip
                    }
                    let partitions = writer.partitionsTouched.map { PartitionRef(spec: $0.spec, values: $0.values) }
                    return WriterOutcome(files: files, keys: keys, counts: counts, partitions: partitions, warnings: warnings)
                } catch {
                    queue.fail(error)
                    writer.abandon()
                    throw error
                }
            })
        } catch {
            written = .failure(error)
        }
        let parseResult: Result<Void, any Error>
        do { try await parsed; parseResult = .success(()) } catch { parseResult = .failure(error) }
        if case .failure(let error) = parseResult { throw error }
        return try written.get()
    }

    /// The committed dedupe keys of a partition of `table` (`""`: the whole table).
    func loadKeys(table: String, partition: String) throws -> KeySet {
        let files = try state.keyFiles(table: table, partition: partition)
        var set = KeySet(expected: files.reduce(0) { $0 + $1.keys } * 2)
        for file in files { try KeyFile.load(directory + "/" + file.path, into: &set) }
        return set
    }

    /// `keys/<database.table>/<partition path or _table>/<batch>.keys`, relative to the jobs directory.
    static func keyFilePath(table: String, partition: String, batchID: String) -> String {
        "keys/\(table)/\(partition.isEmpty ? "_table" : partition)/\(batchID).keys"
    }

    static func fileReport(_ file: StagedFile) -> RunManifest.FileReport {
        RunManifest.FileReport(kind: file.kind, uri: "s3://\(file.bucket)/\(file.key)", partition: file.partition, rows: file.rows, bytes: file.size)
    }

    /// Stages the manifest JSON as an upload published with the run's files.
    func stageManifest(_ manifest: RunManifest, definition: JobDefinition, context: RunContext) throws -> StagedFile {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        let bytes = Array(try encoder.encode(manifest)) + [0x0A]
        let location = definition.manifests
        let upload = try StagedUpload(
            context: context, kind: .manifest, bucket: location.bucket, key: location.prefix + context.runID + ".json", partition: nil,
            contentType: "application/json", metadata: context.objectMetadata)
        try bytes.withUnsafeBytes { try upload.write($0) }
        return try upload.finish()
    }
}

import Columnar
import Foundation
import Parquet
import Storage
import TarnCore

extension JobRunner {
    /// Merges the small files of a job's table into files of about the compaction target size,
    /// partition by partition. Files under half the target are candidates; a partition with
    /// fewer than two of them is left alone.
    ///
    /// Compaction is a run like any other: the merged files are staged, one commit swaps them
    /// for the small ones in the table's committed file list, and one publish transaction makes
    /// the new files visible and deletes the old ones, so a lister never sees both or neither.
    /// Partitions' dedupe key files are merged too.
    /// - Parameters:
    ///   - job: the job whose table to compact.
    ///   - partitions: only these Hive paths; nil for all.
    /// - Returns: the run (its manifest lists the files written and replaced).
    public func compact(_ job: String, partitions: [String]? = nil, faults: FaultInjector = .none) async throws -> RunRecord {
        let definition = try definition(job)
        let plan = try JobPlan(definition)
        let table = Self.tableName(definition)
        return try await locks.withLock(table) {
            try await self.compaction(plan: plan, table: table, only: partitions.map(Set.init), faults: faults)
        }
    }

    /// Groups of small files to merge, per partition: greedy in key order, each group at most
    /// the target size and at least two files.
    static func compactionGroups(_ files: [CommittedFile], target: Int64, only: Set<String>?) -> [(partition: String, files: [CommittedFile])] {
        var byPartition: [String: [CommittedFile]] = [:]
        for file in files where file.size < target / 2 && (only?.contains(file.partition) ?? true) { byPartition[file.partition, default: []].append(file) }
        var groups: [(String, [CommittedFile])] = []
        for partition in byPartition.keys.sorted() {
            var current: [CommittedFile] = []
            var size: Int64 = 0
            for file in byPartition[partition]!.sorted(by: { $0.key < $1.key }) {
                if !current.isEmpty && size + file.size > target {
                    if current.count >= 2 { groups.append((partition, current)) }
                    current = []
                    size = 0
                }
                current.append(file)
                size += file.size
            }
            if current.count >= 2 { groups.append((partition, current)) }
        }
        return groups
    }

    private func compaction(plan: JobPlan, table: String, only: Set<String>?, faults: FaultInjector) async throws -> RunRecord {
        let definition = plan.definition
        let started = clock.now()
        try await recover(job: definition.name, faults: faults)
        let groups = Self.compactionGroups(try state.committedFiles(table: table), target: definition.output.compactionTargetBytes, only: only)
        let runID = newRunID()
        let access: any ObjectAccess
        var inputs: [SourceObject] = []
        do {
            access = try self.access(for: definition, runID: runID)
            for (_, files) in groups {
                for file in files {
                    // Compaction reads each file (HeadObject and GetObject need s3:GetObject) and
                    // deletes it when the merged file is published: both are checked now, before
                    // anything is staged, so a denial never reaches the commit.
                    try access.authorize(.read, bucket: file.bucket, key: file.key)
                    try access.authorize(.delete, bucket: file.bucket, key: file.key)
                    let info = try store.object(bucket: file.bucket, key: file.key)
                    inputs.append(SourceObject(bucket: file.bucket, key: file.key, etag: info.etag, size: info.size))
                }
            }
        } catch {
            try recordFailedPlanning(runID: runID, job: definition.name, kind: .compaction, trigger: .manual, started: started, error: error)
            throw error
        }
        let batchID = Self.batchID(job: definition.name, kind: .compaction, inputs: inputs)
        let run = try state.beginRun(RunRecord(
            runID: runID, job: definition.name, sequence: 0, kind: .compaction, trigger: .manual, status: .running, batchID: batchID,
            startedAt: started, finishedAt: nil, sources: inputs, manifest: nil, error: nil))
        try faults.check(.planned)
        let planned = clock.now()
        let context = RunContext(job: definition.name, runID: run.runID, batchID: batchID, store: store, access: access, faults: faults)
        func manifest(files: [StagedFile], processed: Date, staged: Date) -> RunManifest {
            var totals = ObjectCounts()
            totals.rowsRead = groups.flatMap(\.files).reduce(0) { $0 + $1.rows }
            totals.rowsWritten = files.filter { $0.kind == .data }.reduce(0) { $0 + $1.rows }
            totals.bytesRead = inputs.reduce(0) { $0 + $1.size }
            let replaced = groups.flatMap { group in
                group.files.map { RunManifest.FileReport(kind: .data, uri: "s3://\($0.bucket)/\($0.key)", partition: group.partition, rows: $0.rows, bytes: $0.size) }
            }
            return RunManifest(
                job: definition.name, runID: run.runID, batchID: batchID, kind: .compaction, trigger: .manual, table: table, startedAt: started,
                processedAt: processed, sources: [], totals: totals, partitions: groups.map(\.partition).reduce(into: []) { if !$0.contains($1) { $0.append($1) } },
                files: files.map(Self.fileReport), replacedFiles: replaced, bytesWritten: files.reduce(0) { $0 + $1.size },
                durations: .init(planning: planned.timeIntervalSince(started), processing: processed.timeIntervalSince(planned), staging: staged.timeIntervalSince(processed)),
                warnings: [])
        }
        if groups.isEmpty {
            try state.markEmptySucceeded(run.runID, manifest: manifest(files: [], processed: planned, staged: planned), at: clock.now())
            return try state.run(run.runID) ?? run
        }

        do {
            let store = self.store
            let files = try await PipelineThread.run(name: "tarn-job-compact") { () throws -> [StagedFile] in
                var staged: [StagedFile] = []
                for (index, group) in groups.enumerated() {
                    staged.append(try Self.merge(group.files, partition: group.partition, sequence: index, plan: plan, context: context, store: store))
                    try faults.check(.fileStaged)
                }
                return staged
            }
            let processed = clock.now()
            let written = files.reduce(0) { $0 + $1.rows }, read = groups.flatMap(\.files).reduce(0) { $0 + $1.rows }
            guard written == read else { throw TarnError(.internal, "compaction of \(table) read \(read) rows but wrote \(written)") }

            // The partitions' dedupe key files are merged into one per partition, too.
            var keyFiles: [KeyFileRecord] = []
            var obsolete: [String] = []
            if !plan.keyColumns.isEmpty {
                for partition in Set(groups.map(\.partition)).sorted() {
                    let scope = plan.dedupesPerPartition ? partition : ""
                    let existing = try state.keyFiles(table: table, partition: scope)
                    guard existing.count > 1, !keyFiles.contains(where: { $0.partition == scope }) else { continue }
                    let set = try loadKeys(table: table, partition: scope)
                    let keys = set.allKeys()
                    let path = Self.keyFilePath(table: table, partition: scope, batchID: batchID)
                    let directory = self.directory
                    try await BlockingIO.run { try KeyFile.write(keys, to: directory + "/" + path) }
                    keyFiles.append(KeyFileRecord(partition: scope, path: path, keys: keys.count))
                    obsolete += existing.map(\.path)
                }
            }
            try faults.check(.keysWritten)
            let record = manifest(files: files, processed: processed, staged: clock.now())
            let manifestFile = try await BlockingIO.run { try self.stageManifest(record, definition: definition, context: context) }
            try faults.check(.manifestStaged)
            let replaced = groups.flatMap(\.files).map { ObjectRef(bucket: $0.bucket, key: $0.key) }
            let state = self.state
            try await BlockingIO.run { [keyFiles, obsolete] in
                try state.commit(
                    run: run, manifest: record,
                    plan: PublishPlan(staged: files + [manifestFile], deletions: replaced, partitions: [], obsoleteKeyFiles: obsolete),
                    table: table, bookmarks: [], removedFiles: replaced, keyFiles: keyFiles, removedKeyFiles: obsolete)
            }
        } catch let crash as InjectedCrash {
            throw crash
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

    /// Writes the rows of `files` (in order) into one new staged Parquet file.
    private static func merge(_ files: [CommittedFile], partition: String, sequence: Int, plan: JobPlan, context: RunContext, store: ObjectStore) throws -> StagedFile {
        let target = plan.definition.target
        let directory = partition.isEmpty ? target.prefix : target.prefix + partition + "/"
        let codec = plan.writeOptions.compression
        let suffix = codec == .uncompressed ? "parquet" : "\(codec.rawValue.lowercased()).parquet"
        let upload = try StagedUpload(
            context: context, kind: .data, bucket: target.bucket, key: directory + "part-\(context.batchID)-c\(String(sequence).leftPadded(5)).\(suffix)",
            partition: partition.isEmpty ? nil : partition, contentType: "application/vnd.apache.parquet", metadata: context.objectMetadata)
        do {
            var writer = try ParquetWriter(schema: plan.fileSchema, sink: UploadSink(target: upload), options: plan.writeOptions)
            var rows: Int64 = 0
            for file in files {
                let reader = try ParquetObjectReader(store: store, bucket: file.bucket, key: file.key, caller: context.access.keyCaller)
                try reader.forEachRowGroup { batch in
                    let types = batch.schema.fields.map(\.type), expected = plan.fileSchema.fields.map(\.type)
                    guard types == expected else {
                        throw TarnError(.conflict, "s3://\(file.bucket)/\(file.key) has columns \(types), the job's files have \(expected); not merging it")
                    }
                    try writer.write(RecordBatch(schema: plan.fileSchema, columns: batch.columns, rowCount: batch.rowCount))
                    rows += Int64(batch.rowCount)
                }
            }
            _ = try writer.finish()
            upload.rows = rows
            return try upload.finish()
        } catch {
            upload.abandon()
            throw error
        }
    }
}

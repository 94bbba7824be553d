import Catalog
import Foundation
import Storage
import TarnCore

extension JobRunner {
    /// Start-up recovery for every job: committed runs are published, runs that never committed
    /// are rolled back. Safe to call at any time; idempotent.
    public func recover(faults: FaultInjector = .none) async throws {
        var jobs: [String] = []
        for (run, _) in try state.unfinishedRuns() where !jobs.contains(run.job) { jobs.append(run.job) }
        for job in jobs {
            // The table lock needs the definition; a run of a removed job is recovered without it.
            let table = (try? state.definition(job)).flatMap { $0 }.map(Self.tableName) ?? "job:\(job)"
            try await locks.withLock(table) { try await self.recover(job: job, faults: faults) }
        }
    }

    /// Finishes or rolls back the unfinished runs of `job` (the caller holds its table lock).
    func recover(job: String, faults: FaultInjector) async throws {
        for (run, plan) in try state.unfinishedRuns(job: job) {
            let definition = try state.definition(job)
            switch run.status {
            case .committed:
                guard let plan else { throw TarnError(.corrupt, "job state: committed run \(run.runID) has no publish plan") }
                logger.info("jobs: publishing run \(run.runID) of \(job), committed before an interruption")
                try await finishCommitted(run, plan: plan, definition: definition, faults: faults)
            case .running:
                logger.info("jobs: rolling back run \(run.runID) of \(job), interrupted before its commit")
                await rollBack(run, definition: definition, table: definition.map(Self.tableName), reason: "interrupted before its commit (process stopped or crashed); nothing of it was published")
            case .succeeded, .failed:
                break
            }
        }
    }

    /// The publish step of a committed run, idempotent so recovery can replay it: one store
    /// transaction completes every staged upload (and deletes replaced files), then new
    /// partitions are registered and the run is marked succeeded.
    func finishCommitted(_ run: RunRecord, plan: PublishPlan, definition: JobDefinition?, faults: FaultInjector) async throws {
        var operations = plan.staged.map {
            PublishOperation.completeUpload(bucket: $0.bucket, key: $0.key, uploadID: $0.uploadID, expectedETag: $0.etag)
        }
        operations += plan.deletions.map { PublishOperation.delete(bucket: $0.bucket, key: $0.key) }
        try await store.publish(operations)
        try faults.check(.published)
        if !plan.partitions.isEmpty {
            guard let definition else {
                throw TarnError(.notFound, "run \(run.runID) committed partitions of job \(run.job), whose definition is gone; define the job again to finish it")
            }
            let target = definition.target
            let partitions = plan.partitions.map { partition in
                PartitionDefinition(
                    values: partition.values.map { $0 ?? HivePartitionPath.nullMarker },
                    location: "s3://\(target.bucket)/\(target.prefix)\(partition.spec)/", created: clock.now())
            }
            try await catalog.addPartitions(database: target.database, table: target.table, partitions, ifNotExists: true)
        }
        try faults.check(.partitionsRegistered)
        for path in plan.obsoleteKeyFiles { try FileSystem.removeFile(directory + "/" + path) }
        try state.markSucceeded(run.runID, at: clock.now())
        try faults.check(.finished)
    }

    /// Undoes a run that did not commit: aborts its staged uploads, deletes its key files and
    /// records it as failed with `reason`. Best effort: what it cannot undo now, the next
    /// recovery finds again (the run stays `running` until it is marked failed).
    func rollBack(_ run: RunRecord, definition: JobDefinition?, table: String?, reason: String) async {
        do {
            if let definition {
                var locations = [definition.target.location, definition.quarantine, definition.manifests]
                if run.kind == .compaction { locations = [definition.target.location, definition.manifests] }
                try await abortUploads(of: run, under: locations)
            }
            if let table { try removeKeyFiles(table: table, batchID: run.batchID) }
            try state.markFailed(run.runID, error: reason, at: clock.now())
        } catch {
            logger.warning("jobs: could not roll back run \(run.runID) of \(run.job) yet: \(error)")
        }
    }

    /// Aborts the in-progress multipart uploads a run staged: those whose key carries its batch
    /// id (data and quarantine files) or its run id (the manifest).
    private func abortUploads(of run: RunRecord, under locations: [ObjectLocation]) async throws {
        for location in Set(locations) {
            guard (try? store.bucket(location.bucket)) != nil else { continue }
            let uploads = try store.index.uploads(bucket: location.bucket, prefix: location.prefix, keyMarker: nil, uploadIDMarker: nil, limit: .max)
            for upload in uploads where upload.key.contains("-\(run.batchID)-") || upload.key.hasSuffix("/\(run.runID).json") {
                do {
                    try await store.abortMultipartUpload(bucket: upload.bucket, key: upload.key, uploadID: upload.uploadID)
                } catch let error as TarnError where error.code == .noSuchUpload {
                    continue
                }
            }
        }
    }

    /// Deletes uncommitted key files of a batch (named `<batch>.keys` anywhere under the table's key directory).
    private func removeKeyFiles(table: String, batchID: String) throws {
        let root = directory + "/keys/" + table
        guard FileSystem.isDirectory(root) else { return }
        let committed = Set(try state.allKeyFiles(table: table).map(\.path))
        func walk(_ path: String, relative: String) throws {
            for name in try FileSystem.listDirectory(path) {
                let child = path + "/" + name, childRelative = relative + "/" + name
                if FileSystem.isDirectory(child) {
                    try walk(child, relative: childRelative)
                } else if name == "\(batchID).keys" && !committed.contains(childRelative) {
                    try FileSystem.removeFile(child)
                }
            }
        }
        try walk(root, relative: "keys/" + table)
    }
}

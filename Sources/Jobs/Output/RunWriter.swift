import Columnar
import Parquet
import TarnCore

/// The write stage of a run: deduplicates rows against the run and the table, routes them to
/// their partitions and streams each partition into Parquet files staged as uploads; rejected
/// rows go to quarantine. Owned by one pipeline thread.
///
/// Memory stays bounded however many partitions a run touches: every open partition file holds
/// at most one row group of encoded pages, and when their sum (estimated from the raw rows)
/// passes `OutputOptions.bufferBytes`, the largest writes its row group out.
final class RunWriter {
    let plan: JobPlan
    let context: RunContext
    private var router: PartitionRouter
    private var partitions: [PartitionOutput] = []
    private var tableKeys: KeySet?
    private var tableKeyFiles = 0
    private let loadKeys: (String) throws -> (keys: KeySet, files: Int)
    private let quarantine: QuarantineWriter
    private let sourceNames: [String]
    private var bufferedTotal = 0
    private var staged: [StagedFile] = []
    /// Counts per source object, in plan order.
    private(set) var counts: [ObjectCounts]

    /// - Parameters:
    ///   - sources: the run's source objects (for counts and quarantine records).
    ///   - loadKeys: the committed dedupe keys of a partition (`""` for the whole table) and how
    ///     many key files held them.
    init(plan: JobPlan, context: RunContext, sources: [SourceObject], loadKeys: @escaping (String) throws -> (keys: KeySet, files: Int)) throws {
        self.plan = plan
        self.context = context
        self.router = PartitionRouter(columns: plan.partitionColumns)
        self.loadKeys = loadKeys
        self.quarantine = QuarantineWriter(context: context, location: plan.definition.quarantine)
        self.sourceNames = sources.map(\.uri)
        self.counts = sources.map { _ in ObjectCounts() }
        if !plan.keyColumns.isEmpty && !plan.dedupesPerPartition { (tableKeys, tableKeyFiles) = try loadKeys("") }
    }

    /// Writes one transformed batch.
    func consume(_ input: TransformedBatch) throws {
        try quarantine.write(input.rejections, source: sourceNames[input.object])
        counts[input.object].rowsRead += Int64(input.rowsRead)
        counts[input.object].rowsQuarantined += Int64(input.rejections.count)
        let batch = input.batch
        let rows = batch.rowCount
        guard rows > 0 else { return }
        let slots = router.route(batch)
        while partitions.count < router.count {
            let slot = partitions.count
            let spec = router.spec(slot, keys: plan.partitionColumns.map { plan.columns[$0].name })
            let (keys, files) = plan.dedupesPerPartition ? try loadKeys(spec) : (KeySet(), 0)
            let output = PartitionOutput(spec: spec, keys: keys)
            output.keyFiles = files
            partitions.append(output)
        }
        // Dedupe in row order (the first occurrence wins), grouping kept rows by partition. Rows
        // come in runs of one partition (feeds are roughly time-ordered), so each run works on
        // its key set moved out into a local: no class access or uniqueness check per row.
        var kept: [[Int32]] = Array(repeating: [], count: partitions.count)
        var touched: [Int] = []
        var duplicates = 0
        let perPartition = plan.dedupesPerPartition
        let dedupe = !plan.keyColumns.isEmpty
        var runStart = 0
        while runStart < rows {
            let slot = Int(slots[runStart])
            var runEnd = runStart + 1
            while runEnd < rows && slots[runEnd] == slots[runStart] { runEnd += 1 }
            if kept[slot].isEmpty {
                touched.append(slot)
                kept[slot].reserveCapacity(rows)
            }
            if dedupe {
                var keys = perPartition ? partitions[slot].takeKeys() : tableKeys.take()!
                for row in runStart..<runEnd {
                    if keys.insert(input.keys[row], markAdded: true) { kept[slot].append(Int32(row)) } else { duplicates += 1 }
                }
                if perPartition { partitions[slot].keys = keys } else { tableKeys = keys }
            } else {
                for row in runStart..<runEnd { kept[slot].append(Int32(row)) }
            }
            runStart = runEnd
        }
        touched = touched.filter { !kept[$0].isEmpty }
        counts[input.object].rowsDuplicate += Int64(duplicates)
        counts[input.object].rowsWritten += Int64(rows - duplicates)
        let files = RecordBatch(schema: plan.fileSchema, columns: plan.fileColumns.map { batch.columns[$0] }, rowCount: rows)
        for slot in touched {
            let rowsOfSlot = kept[slot]
            try write(rowsOfSlot.count == rows ? files : files.take(rowsOfSlot), to: partitions[slot])
        }
        try context.faults.check(.batchProcessed)
    }

    private func write(_ batch: RecordBatch, to partition: PartitionOutput) throws {
        let options = plan.definition.output
        var start = 0
        while start < batch.rowCount {
            if partition.writer == nil { try open(partition) }
            // Cut row groups exactly at rowGroupRows so the buffered estimate stays in step.
            let room = options.rowGroupRows - partition.rowsInGroup
            let take = min(room, batch.rowCount - start)
            let part = take == batch.rowCount ? batch : batch.slice(start..<(start + take))
            try partition.writer!.write(part)
            let estimate = Self.estimatedBytes(part)
            partition.buffered += estimate
            partition.rowsInGroup += take
            partition.rowsInFile += Int64(take)
            bufferedTotal += estimate
            start += take
            if partition.rowsInGroup >= options.rowGroupRows { try flushRowGroup(partition) }
            // Encoded pages are typically a third of the raw size or less.
            if partition.upload!.size + Int64(partition.buffered / 3) >= options.fileTargetBytes { try closeFile(partition) }
        }
        while bufferedTotal > options.bufferBytes, let largest = partitions.max(by: { $0.buffered < $1.buffered }), largest.buffered > 0 {
            try flushRowGroup(largest)
        }
    }

    private func open(_ partition: PartitionOutput) throws {
        let target = plan.definition.target
        let directory = partition.spec.isEmpty ? target.prefix : target.prefix + partition.spec + "/"
        let codec = plan.writeOptions.compression
        let suffix = codec == .uncompressed ? "parquet" : "\(codec.rawValue.lowercased()).parquet"
        let key = directory + "part-\(context.batchID)-\(String(partition.sequence).leftPadded(5)).\(suffix)"
        partition.sequence += 1
        let upload = try StagedUpload(
            context: context, kind: .data, bucket: target.bucket, key: key, partition: partition.spec.isEmpty ? nil : partition.spec,
            contentType: "application/vnd.apache.parquet", metadata: context.objectMetadata)
        partition.upload = upload
        partition.writer = try ParquetWriter(schema: plan.fileSchema, sink: UploadSink(target: upload), options: plan.writeOptions)
    }

    private func flushRowGroup(_ partition: PartitionOutput) throws {
        try partition.writer?.flushRowGroup()
        bufferedTotal -= partition.buffered
        partition.buffered = 0
        partition.rowsInGroup = 0
    }

    private func closeFile(_ partition: PartitionOutput) throws {
        guard let writer = partition.writer.take(), let upload = partition.upload else { return }
        _ = try writer.finish()
        upload.rows = partition.rowsInFile
        partition.upload = nil
        bufferedTotal -= partition.buffered
        partition.buffered = 0
        partition.rowsInGroup = 0
        partition.rowsInFile = 0
        staged.append(try upload.finish())
        try context.faults.check(.fileStaged)
    }

    /// A partition whose keys are spread over this many files gets them merged into one by the
    /// next run that adds keys to it, so loading a partition's keys stays a few file reads.
    static let keyFileMergeThreshold = 8

    /// Closes every open file.
    /// - Returns: the staged data and quarantine files, and per partition (`""` for table scope)
    ///   the dedupe keys to write: the run's new keys, or all of them when they replace the
    ///   partition's existing key files.
    func finish() throws -> (files: [StagedFile], keys: [KeyFileContent]) {
        for partition in partitions { try closeFile(partition) }
        let quarantined = try quarantine.finish()
        func content(_ scope: String, _ set: KeySet, files: Int) -> KeyFileContent {
            files >= Self.keyFileMergeThreshold
                ? KeyFileContent(partition: scope, keys: set.allKeys(), replacesExisting: true)
                : KeyFileContent(partition: scope, keys: set.addedKeys(), replacesExisting: false)
        }
        var keys: [KeyFileContent] = []
        if plan.dedupesPerPartition {
            for partition in partitions where partition.keys.addedCount > 0 { keys.append(content(partition.spec, partition.keys, files: partition.keyFiles)) }
        } else if let tableKeys, tableKeys.addedCount > 0 {
            keys.append(content("", tableKeys, files: tableKeyFiles))
        }
        return (staged + quarantined, keys)
    }

    /// Partitions the run wrote files to, with their values, in first-seen order.
    var partitionsTouched: [(spec: String, values: [String?])] {
        partitions.indices.filter { partitions[$0].sequence > 0 }.map { (partitions[$0].spec, router.values[$0]) }
    }

    /// Drops open parts after a failure (their uploads are aborted by the caller or by recovery).
    func abandon() {
        for partition in partitions {
            _ = partition.writer.take()
            partition.upload?.abandon()
            partition.upload = nil
        }
        quarantine.abandon()
    }

    /// Raw size of a batch's values (what the encoder holds before compression, at most).
    static func estimatedBytes(_ batch: RecordBatch) -> Int {
        var total = 0
        for column in batch.columns {
            total += column.validity?.count ?? 0
            switch column.storage {
            case .bytes(let offsets, let data): total += offsets.count * 4 + data.count
            case .bool(let v): total += v.count
            case .int8(let v): total += v.count
            case .int16(let v): total += v.count * 2
            case .int32(let v): total += v.count * 4
            case .float32(let v): total += v.count * 4
            case .uint32(let v): total += v.count * 4
            case .int128(let v): total += v.count * 16
            default: total += column.count * 8
            }
        }
        return total
    }
}

/// One partition's output state during a run.
final class PartitionOutput {
    let spec: String
    var keys: KeySet
    /// Committed key files the keys were loaded from.
    var keyFiles = 0
    var writer: ParquetWriter<UploadSink>?
    var upload: StagedUpload?
    /// Next file number in this partition.
    var sequence = 0
    /// Estimated raw bytes in the open row group.
    var buffered = 0
    var rowsInGroup = 0
    var rowsInFile: Int64 = 0

    init(spec: String, keys: KeySet) {
        self.spec = spec
        self.keys = keys
    }

    /// The key set, moved out (an empty one stays behind) so the caller owns its storage uniquely.
    func takeKeys() -> KeySet {
        let taken = keys
        keys = KeySet(expected: 0, minimumCapacity: 1)
        return taken
    }
}

/// The dedupe keys a run writes for one partition (`""`: the whole table).
struct KeyFileContent: Sendable {
    var partition: String
    var keys: [KeyHash]
    /// The keys are all of the partition's: the file replaces its existing key files.
    var replacesExisting: Bool
}

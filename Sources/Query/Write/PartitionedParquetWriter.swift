import Columnar
import Parquet
import QueryExecution
import Storage
import TarnCore

/// One Parquet file a write produced, staged but not yet visible.
struct WrittenFile: Sendable {
    /// The upload and its destination key.
    var staged: StagedObject
    /// The partition values of its rows (empty for an unpartitioned table).
    var partitionValues: [Value]
    /// `k1=v1/k2=v2/` below the table location ("" when unpartitioned).
    var partitionPath: String
    /// Rows written.
    var rows: Int64
    /// Bytes written.
    var bytes: Int64
}

/// Writes result batches as Snappy Parquet files in Hive layout
/// (`location/year=2024/month=3/<query id>_<n>.parquet`), one file per partition, each streamed
/// into a staged upload. Nothing is visible until the caller commits `finish()`'s files in
/// one `ObjectStore.commit`.
///
/// Memory: each open file holds its current row group's encoded pages. When the rows buffered
/// across all open files exceed `memoryLimit` (counted as their in-memory size, which
/// over-estimates the encoded pages), the largest file's row group is flushed.
final class PartitionedParquetWriter {
    private final class OpenFile {
        let key: String
        let partitionPath: String
        let values: [Value]
        let upload: ObjectUpload
        var writer: ParquetWriter<UploadSink>?
        var rows: Int64 = 0
        var rowsInGroup = 0
        var buffered = 0

        init(key: String, partitionPath: String, values: [Value], upload: ObjectUpload, writer: consuming ParquetWriter<UploadSink>) {
            self.key = key
            self.partitionPath = partitionPath
            self.values = values
            self.upload = upload
            self.writer = .some(writer)
        }
    }

    let objects: ObjectStore
    /// Who writes: each file is authorized as `s3:PutObject` of its key and encrypted with a
    /// data key requested as its key caller.
    let access: any ObjectAccess
    let bucket: String
    /// Key prefix of the table (ends with `/`, or is empty for a bucket root).
    let directory: String
    /// Schema of the data columns as written.
    let dataSchema: Schema
    /// For each data field, its column in the incoming batches.
    let dataIndices: [Int]
    /// Partition columns and their columns in the incoming batches.
    let partitionFields: [Field]
    let partitionIndices: [Int]
    let options: WriteOptions
    let memoryLimit: Int
    let filePrefix: String
    /// Directories of partitions that already exist elsewhere than the default path.
    let overrides: [[Value]: FileLocation]
    private var files: [[Value]: OpenFile] = [:]
    private var order: [OpenFile] = []
    private var buffered = 0

    /// Creates a writer.
    /// - Parameters:
    ///   - location: the table's `s3://` location.
    ///   - schema: the incoming batches' schema.
    ///   - partitionColumns: indices of the partition columns in `schema` (the rest are data).
    ///   - filePrefix: a name unique to this write (the query id).
    init(
        objects: ObjectStore, access: any ObjectAccess = TarnObjectAccess(), location: FileLocation, schema: Schema, partitionColumns: [Int], options: WriteOptions, memoryLimit: Int,
        filePrefix: String, overrides: [[Value]: FileLocation] = [:]
    ) throws {
        guard case .object(let bucket, let key) = location else {
            throw TarnError(.invalidArgument, "tables are written to s3:// locations, not \(location)")
        }
        self.objects = objects
        self.access = access
        self.bucket = bucket
        self.directory = key.isEmpty || key.hasSuffix("/") ? key : key + "/"
        let partitioned = Set(partitionColumns)
        dataIndices = schema.fields.indices.filter { !partitioned.contains($0) }
        dataSchema = Schema(dataIndices.map { Field(schema.fields[$0].name, schema.fields[$0].type) })
        partitionIndices = partitionColumns
        partitionFields = partitionColumns.map { schema.fields[$0] }
        self.options = options
        self.memoryLimit = memoryLimit
        self.filePrefix = filePrefix
        self.overrides = overrides
    }

    /// Routes a batch's rows to their partitions' files.
    func write(_ batch: RecordBatch) throws {
        guard batch.rowCount > 0 else { return }
        if partitionIndices.isEmpty {
            try append(batch, rows: nil, values: [])
            return
        }
        let keyColumns = partitionIndices.map { batch.columns[$0] }
        let (ids, firstRows) = PartitionGrouping.groups(keyColumns, rowCount: batch.rowCount)
        if firstRows.count == 1 {
            // Ordered or clustered results: the whole batch is one partition.
            try append(batch, rows: nil, values: keyColumns.map { $0.value(at: 0) })
            return
        }
        var rows = [[Int32]](repeating: [], count: firstRows.count)
        for (row, id) in ids.enumerated() { rows[Int(id)].append(Int32(row)) }
        for (id, first) in firstRows.enumerated() {
            try append(batch, rows: rows[id], values: keyColumns.map { $0.value(at: first) })
        }
    }

    private func append(_ batch: RecordBatch, rows: [Int32]?, values: [Value]) throws {
        let file = try openFile(values)
        let columns = dataIndices.map { index in rows.map { batch.columns[index].take($0) } ?? batch.columns[index] }
        let count = rows?.count ?? batch.rowCount
        let part = RecordBatch(schema: dataSchema, columns: columns, rowCount: count)
        try file.writer!.write(part)
        file.rows += Int64(count)
        // Mirror the writer's row-group cuts to know roughly what it still buffers.
        file.rowsInGroup += count
        while file.rowsInGroup >= options.rowGroupRows { file.rowsInGroup -= options.rowGroupRows }
        let estimate = file.rowsInGroup * (ColumnSize.bytes(part) / max(1, count))
        buffered += estimate - file.buffered
        file.buffered = estimate
        while buffered > memoryLimit, let largest = order.max(by: { $0.buffered < $1.buffered }), largest.buffered > 0 {
            try largest.writer!.flushRowGroup()
            buffered -= largest.buffered
            largest.buffered = 0
            largest.rowsInGroup = 0
        }
    }

    private func openFile(_ values: [Value]) throws -> OpenFile {
        if let open = files[values] { return open }
        let partitionPath = zip(partitionFields, values).map {
            HivePartitionEscaping.component(name: $0.name, value: $1, type: $0.type) + "/"
        }.joined()
        let name = "\(filePrefix)_\(order.count).parquet"
        var bucket = self.bucket, key = directory + partitionPath + name
        if case .object(let otherBucket, let prefix)? = overrides[values]?.asDirectory {
            bucket = otherBucket
            key = prefix + name
        }
        try access.authorize(.write, bucket: bucket, key: key)
        let upload = try objects.beginUpload(bucket: bucket, key: key, caller: access.keyCaller)
        do {
            let writer = try ParquetWriter(schema: dataSchema, sink: UploadSink(upload: upload), options: options)
            let file = OpenFile(key: key, partitionPath: partitionPath, values: values, upload: upload, writer: writer)
            files[values] = file
            order.append(file)
            return file
        } catch {
            upload.abort()
            throw error
        }
    }

    /// Finishes every file (row groups and footers) and returns them staged, in creation order.
    func finish() throws -> [WrittenFile] {
        var written: [WrittenFile] = []
        for file in order {
            guard let writer = file.writer.take() else { continue }
            let (_, sink) = try writer.finish()
            written.append(
                WrittenFile(
                    staged: StagedObject(upload: file.upload, key: file.key, attributes: Self.attributes), partitionValues: file.values,
                    partitionPath: file.partitionPath, rows: file.rows, bytes: sink.count))
        }
        return written
    }

    /// Abandons every file.
    func abort() {
        for file in order { file.upload.abort() }
    }

    static var attributes: ObjectAttributes {
        var attributes = ObjectAttributes()
        attributes.headers.contentType = "application/vnd.apache.parquet"
        return attributes
    }
}

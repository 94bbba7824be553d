import Catalog
import Codecs
import Columnar
import Parquet
import TarnCore
import TextFormats

/// A job definition checked and frozen for execution: types parsed, columns resolved to indices,
/// rule bounds read with their column's type. Built once per run by `JobPlan(_:)`; immutable
/// and `Sendable`, so the pipeline's threads share it.
public struct JobPlan: Sendable {
    /// The definition it was built from.
    public let definition: JobDefinition
    /// Every output column, in table order.
    let columns: [PlannedColumn]
    /// Raw fields the job reads, in the order it first needs them.
    let sourceFields: [SourceField]
    /// All output columns (data and partition columns).
    let tableSchema: Schema
    /// Output columns stored in the files (all but the partition columns).
    let fileColumns: [Int]
    /// Schema of the Parquet files.
    public let fileSchema: Schema
    /// Output columns that partition the table, in partition-key order.
    let partitionColumns: [Int]
    /// Output columns of the dedupe key, in key order (empty without dedupe).
    let keyColumns: [Int]
    /// Parquet layout.
    let writeOptions: WriteOptions
    /// CSV reading options (delimiter, quote, null strings).
    let csvOptions: CSVOptions

    /// Checks `definition` and builds the plan.
    /// - Throws: `TarnError(.invalidArgument)` naming the job, the column and the problem.
    public init(_ definition: JobDefinition) throws {
        let job = definition.name
        func fail(_ message: String) -> TarnError { TarnError(.invalidArgument, "job '\(job)': \(message)") }

        guard !job.isEmpty, job.utf8.count <= 128,
            job.unicodeScalars.allSatisfy({ $0.isASCII && (CharacterClass.isAlphanumeric(UInt8($0.value)) || "-_.".unicodeScalars.contains($0)) })
        else { throw fail("a job name is 1–128 letters, digits, '-', '_' or '.'") }
        try Self.checkLocations(definition, fail)

        var columns: [PlannedColumn] = []
        var sourceFields: [SourceField] = []
        var indexByName: [String: Int] = [:]
        for (index, column) in definition.target.columns.enumerated() {
            let name = column.name.lowercased()
            guard !name.isEmpty, indexByName[name] == nil else { throw fail("column '\(column.name)' is empty or defined twice") }
            let type: DataType
            do { type = try HiveType.parse(column.type) } catch let error as TarnError { throw fail("column '\(name)': \(error.message)") }
            switch type {
            case .list, .structure, .map, .time, .binary, .fixedBinary:
                throw fail("column '\(name)' has type \(column.type); jobs write scalar columns (string, integers, double, decimal, boolean, date, timestamp)")
            default: break
            }
            if !column.transforms.isEmpty && type != .string {
                throw fail("column '\(name)': transforms apply to string columns, not \(column.type)")
            }
            var derived: (Derivation.Function, Int)? = nil
            var sourceIndex: Int? = nil
            if let derivation = column.derived {
                guard column.source == nil else { throw fail("column '\(name)' is derived and cannot also name a source field") }
                guard let from = indexByName[derivation.column.lowercased()] else {
                    throw fail("column '\(name)' derives from '\(derivation.column)', which is not an earlier column")
                }
                try Self.checkDerivation(derivation, fromType: columns[from].type, type: type, column: name, fail)
                derived = (derivation.function, from)
            } else {
                let field = column.sourceField ?? name
                sourceIndex = sourceFields.count
                sourceFields.append(SourceField(name: field, type: type, outputIndex: index))
            }
            let rules = try CompiledRules(column.rules, type: type, column: name, job: job)
            columns.append(PlannedColumn(name: name, type: type, hiveType: HiveType.render(type), sourceIndex: sourceIndex, derived: derived,
                                         transforms: column.transforms, rules: rules))
            indexByName[name] = index
        }
        guard !columns.isEmpty else { throw fail("the target has no columns") }

        var partitionColumns: [Int] = []
        for key in definition.target.partitionKeys {
            guard let index = indexByName[key.lowercased()] else { throw fail("partition key '\(key)' is not a column") }
            guard !partitionColumns.contains(index) else { throw fail("partition key '\(key)' is listed twice") }
            switch columns[index].type {
            case .string, .int8, .int16, .int32, .int64, .date: break
            default: throw fail("partition key '\(key)' has type \(columns[index].hiveType); partition by string, integer or date columns")
            }
            partitionColumns.append(index)
        }
        let fileColumns = columns.indices.filter { !partitionColumns.contains($0) }
        guard !fileColumns.isEmpty else { throw fail("every column is a partition key; the files would have no columns") }

        var keyColumns: [Int] = []
        if let dedupe = definition.dedupe {
            guard !dedupe.keys.isEmpty else { throw fail("dedupe needs at least one key column") }
            for key in dedupe.keys {
                guard let index = indexByName[key.lowercased()] else { throw fail("dedupe key '\(key)' is not a column") }
                keyColumns.append(index)
            }
        }

        let output = definition.output
        guard output.fileTargetBytes >= 1 << 20, output.compactionTargetBytes >= 1 << 20 else {
            throw fail("file and compaction target sizes must be at least 1 MiB, got \(output.fileTargetBytes) and \(output.compactionTargetBytes)")
        }
        guard output.rowGroupRows > 0, output.bufferBytes >= 1 << 20 else {
            throw fail("rowGroupRows must be positive and bufferBytes at least 1 MiB, got \(output.rowGroupRows) and \(output.bufferBytes)")
        }
        guard let codec = CompressionCodec(rawValue: output.compression.lowercased()), codec.isAvailable, codec != .lz4Hadoop else {
            throw fail("output compression '\(output.compression)' is not one of snappy, zstd, gzip, lz4Raw, uncompressed")
        }
        var writeOptions = WriteOptions()
        writeOptions.compression = codec
        writeOptions.rowGroupRows = output.rowGroupRows
        writeOptions.keyValueMetadata = ["tarn.job": job]

        var csv = CSVOptions()
        let source = definition.source.csv
        guard source.delimiter.utf8.count == 1, let delimiter = source.delimiter.utf8.first, delimiter < 0x80 else {
            throw fail("the CSV delimiter must be one ASCII character, got '\(source.delimiter)'")
        }
        csv.delimiter = delimiter
        if source.quote.isEmpty {
            csv.quote = nil
        } else {
            guard source.quote.utf8.count == 1, let quote = source.quote.utf8.first, quote < 0x80, quote != delimiter else {
                throw fail("the CSV quote must be one ASCII character other than the delimiter, got '\(source.quote)'")
            }
            csv.quote = quote
        }
        csv.hasHeader = source.header
        csv.nullStrings = source.nullValues
        // An empty unquoted field is "no value" in a raw feed: NULL for every type, so `required`
        // catches it with one reason whatever the column type.
        csv.emptyStringIsNull = true
        csv.batchSize = 8192

        self.definition = definition
        self.columns = columns
        self.sourceFields = sourceFields
        self.tableSchema = Schema(columns.map { Field($0.name, $0.type, nullable: !$0.rules.required) })
        self.fileColumns = fileColumns
        self.fileSchema = Schema(fileColumns.map { Field(columns[$0].name, columns[$0].type, nullable: !columns[$0].rules.required) })
        self.partitionColumns = partitionColumns
        self.keyColumns = keyColumns
        self.writeOptions = writeOptions
        self.csvOptions = csv
    }

    /// The catalog definition of the cleansed table.
    public func tableDefinition() -> TableDefinition {
        let target = definition.target
        return TableDefinition(
            database: target.database, name: target.table,
            columns: fileColumns.map { ColumnDefinition(name: columns[$0].name, type: columns[$0].hiveType) },
            partitionKeys: partitionColumns.map { ColumnDefinition(name: columns[$0].name, type: columns[$0].hiveType) },
            location: "s3://\(target.bucket)/\(target.prefix)", format: .parquet,
            properties: ["classification": "parquet", "parquet.compression": writeOptions.compression.rawValue.uppercased(), "tarn.job": definition.name],
            comment: definition.description)
    }

    /// Whether partition scope applies (a partitioned table deduplicating per partition).
    var dedupesPerPartition: Bool { definition.dedupe?.scope == .partition && !partitionColumns.isEmpty }

    private static func checkLocations(_ definition: JobDefinition, _ fail: (String) -> TarnError) throws {
        let source = definition.source.location
        let outputs: [(String, ObjectLocation)] = [
            ("target", definition.target.location), ("quarantine", definition.quarantine), ("manifests", definition.manifests),
        ]
        for (what, location) in outputs {
            guard !location.bucket.isEmpty else { throw fail("the \(what) location has no bucket") }
            // A job writing under its own source prefix would read its outputs as new input (and
            // trigger itself on every run).
            if location.overlaps(source) { throw fail("the \(what) location \(location) overlaps the source \(source)") }
        }
        guard !definition.target.prefix.isEmpty else { throw fail("the target needs a key prefix (e.g. cleansed/\(definition.target.table)/)") }
        if definition.target.location.overlaps(definition.quarantine) || definition.target.location.overlaps(definition.manifests) {
            throw fail("quarantine and manifest locations must lie outside the table location \(definition.target.location)")
        }
        if let limit = definition.source.maxObjectsPerRun, limit < 1 { throw fail("maxObjectsPerRun must be positive, got \(limit)") }
        let triggers = definition.triggers
        guard triggers.debounceSeconds >= 0, triggers.maxDelaySeconds >= triggers.debounceSeconds else {
            throw fail("debounceSeconds must be non-negative and at most maxDelaySeconds (\(triggers.debounceSeconds), \(triggers.maxDelaySeconds))")
        }
        if let schedule = triggers.schedule {
            do { _ = try CronSchedule(schedule) } catch let error as TarnError { throw fail(error.message) }
        }
    }

    private static func checkDerivation(
        _ derivation: Derivation, fromType: DataType, type: DataType, column: String, _ fail: (String) -> TarnError
    ) throws {
        switch fromType {
        case .timestamp: break
        case .date where derivation.function != .hour: break
        default:
            throw fail("column '\(column)': \(derivation.function.rawValue)() needs a timestamp\(derivation.function == .hour ? "" : " or date") column, '\(derivation.column)' is \(HiveType.render(fromType))")
        }
        let expected: DataType = derivation.function == .date ? .date : .int32
        guard type == expected else {
            throw fail("column '\(column)': \(derivation.function.rawValue)() yields \(HiveType.render(expected)), but the column is declared \(HiveType.render(type))")
        }
    }
}

/// One output column, resolved.
struct PlannedColumn: Sendable {
    let name: String
    let type: DataType
    let hiveType: String
    /// Index into `JobPlan.sourceFields` when the column is read.
    let sourceIndex: Int?
    /// Function and input column when the column is derived.
    let derived: (Derivation.Function, Int)?
    let transforms: [StringTransform]
    let rules: CompiledRules
}

/// A raw field the job reads, with the type it converts to.
struct SourceField: Sendable {
    /// Name in the raw data (CSV header, JSON member).
    let name: String
    /// Type of the output column it fills.
    let type: DataType
    /// The output column.
    let outputIndex: Int
}

/// ASCII character tests on bytes, for names and standardization.
enum CharacterClass {
    @inline(__always) static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
    }

    /// Space, tab, LF, VT, FF, CR.
    @inline(__always) static func isWhitespace(_ byte: UInt8) -> Bool { byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) }
}

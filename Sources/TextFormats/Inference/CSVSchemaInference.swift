import Columnar
import TarnCore

/// Infers a CSV file's schema from its first rows: column names from the header (or `column0`,
/// `column1`, …), and per column the narrowest of bigint, double, boolean, date, timestamp
/// (`timestamp(us, utc)`), string that every sampled value parses as.
///
/// ```swift
/// let schema = try CSVSchemaInference.infer(sample: firstMegabyte, isWholeFile: false)
/// let reader = try CSVReader(schema: schema)
/// ```
/// A column is nullable when the sample held an empty or NULL value in it — rows after the
/// sample may still hold one, so readers of inferred schemas usually keep `enforceNotNull`
/// off or make every field nullable (`nullableFields: true`, the default).
public enum CSVSchemaInference {
    /// Infers the schema of CSV text.
    /// - Parameters:
    ///   - sample: the start of the file.
    ///   - isWholeFile: whether `sample` is the entire file (so its last line is complete).
    ///   - options: layout; its NULL strings count as NULL.
    ///   - maxRows: rows to sample.
    ///   - nullableFields: make every field nullable (true) or only those with a NULL in the sample.
    /// - Returns: the schema; empty when the sample has no header and no rows.
    public static func infer(sample: [UInt8], isWholeFile: Bool, options: CSVOptions = CSVOptions(), maxRows: Int = 10_000, nullableFields: Bool = true) throws -> Schema {
        var stringOptions = options
        stringOptions.batchSize = max(1, min(maxRows, options.batchSize))
        stringOptions.columnCountMismatch = .lenient
        let reader = try CSVReader(schema: nil, options: stringOptions)
        reader.eagerBatches = true
        reader.push(sample)
        if isWholeFile { reader.finish() }
        var columns: [ScalarInference] = []
        var rows = 0
        while rows < maxRows, let result = try reader.nextBatch() {
            let batch = result.batch
            if columns.isEmpty { columns = Array(repeating: ScalarInference(), count: batch.columns.count) }
            for (index, column) in batch.columns.enumerated() {
                for row in 0..<min(batch.rowCount, maxRows - rows) {
                    if column.isNull(row) {
                        columns[index].observeNull()
                    } else {
                        column.withBytes(at: row) { bytes in
                            guard let start = bytes.baseAddress, bytes.count > 0 else { return columns[index].observeNull() }
                            columns[index].observe(start.assumingMemoryBound(to: UInt8.self), bytes.count)
                        }
                    }
                }
            }
            rows += batch.rowCount
        }
        // The reader has seen the header (and, without one, the first record's width).
        guard let names = reader.schema?.fields.map(\.name) ?? reader.header.map({ ColumnNames.unique($0, count: $0.count) }) else {
            return Schema([])
        }
        if columns.isEmpty { columns = Array(repeating: ScalarInference(), count: names.count) }
        return Schema(zip(names, columns).map { name, inference in
            Field(name, inference.type, nullable: nullableFields || inference.sawNull || !inference.sawValue)
        })
    }
}

import Columnar
import TextFormats

/// A rejected source row on its way to quarantine.
struct Rejection: Sendable {
    /// Physical line (1-based) where the row starts in its object.
    var line: Int
    /// The column that failed, when one did.
    var column: String?
    /// Why, naming the value.
    var reason: String
    /// The raw text of the row, when the reader rejected it (bounded by the reader).
    var text: String?
    /// The row's values after standardization as a JSON object, when a rule rejected it.
    var record: String?
}

/// One batch of rows of one source object after reading, standardizing and validating: the
/// good rows in table order with their source lines and dedupe fingerprints, and the rejects.
struct TransformedBatch: Sendable {
    /// Index of the source object in the run's plan.
    var object: Int
    /// Good rows, `JobPlan.tableSchema`.
    var batch: RecordBatch
    /// Source line of each good row.
    var lines: [Int]
    /// Dedupe fingerprint of each good row (empty without dedupe).
    var keys: [KeyHash]
    /// Rejected rows.
    var rejections: [Rejection]
    /// Source rows covered (good + rejected).
    var rowsRead: Int
}

/// Turns reader batches into table rows: picks and orders the read columns, standardizes
/// strings, computes derived columns, checks the rules, drops the rejects and fingerprints the
/// dedupe keys. Owned by the parse stage; the state it keeps (pattern memo tables) is per thread.
final class BatchTransformer {
    let plan: JobPlan
    private let validator: RowValidator

    init(plan: JobPlan) throws {
        self.plan = plan
        self.validator = try RowValidator(plan: plan)
    }

    /// Transforms one reader batch.
    /// - Parameters:
    ///   - text: the reader's good rows, rejects and line numbers.
    ///   - mapping: for each of `plan.sourceFields`, its column in `text.batch`.
    ///   - object: the source object's index in the run.
    func transform(_ text: TextBatch, mapping: [Int], object: Int) -> TransformedBatch {
        let input = text.batch
        let rows = input.rowCount
        var columns: [Column] = []
        columns.reserveCapacity(plan.columns.count)
        for planned in plan.columns {
            if let source = planned.sourceIndex {
                guard mapping[source] >= 0 else {
                    columns.append(Self.nulls(planned.type, rows: rows))
                    continue
                }
                columns.append(Standardizer.apply(planned.transforms, to: input.columns[mapping[source]]))
            } else if let (function, from) = planned.derived {
                columns.append(DerivedColumns.compute(function, from: columns[from]))
            }
        }
        var rejections = text.rejected.map { row in
            Rejection(line: row.lineNumber, column: row.columnName, reason: row.reason, text: row.text, record: nil)
        }
        var rejected = [Bool](repeating: false, count: rows)
        let violations = validator.validate(columns, rowCount: rows, rejected: &rejected)
        var lines = text.lineNumbers
        var batch = RecordBatch(schema: plan.tableSchema, columns: columns, rowCount: rows)
        if !violations.isEmpty {
            for violation in violations {
                rejections.append(Rejection(
                    line: lines[violation.row], column: plan.columns[violation.column].name, reason: violation.reason, text: nil,
                    record: QuarantineRecord.json(batch, row: violation.row)))
            }
            rejections.sort { $0.line < $1.line }
            var keep: [Int32] = []
            keep.reserveCapacity(rows - violations.count)
            for row in 0..<rows where !rejected[row] { keep.append(Int32(row)) }
            batch = batch.take(keep)
            lines = keep.map { lines[Int($0)] }
        }
        batch = Self.dropValidity(batch, plan: plan)
        let keys = plan.keyColumns.isEmpty ? [] : KeyHasher.hashes(plan.keyColumns.map { batch.columns[$0] }, rowCount: batch.rowCount)
        return TransformedBatch(object: object, batch: batch, lines: lines, keys: keys, rejections: rejections, rowsRead: text.sourceRows)
    }

    /// A column of `rows` NULLs (a source field absent from the object).
    static func nulls(_ type: DataType, rows: Int) -> Column {
        var builder = ColumnBuilder(type, capacity: rows)
        for _ in 0..<rows { builder.appendNull() }
        return builder.build()
    }

    /// Required columns hold no NULLs once the rejects are gone; their validity arrays (all true)
    /// are dropped so the Parquet writer sees a REQUIRED column's shape.
    static func dropValidity(_ batch: RecordBatch, plan: JobPlan) -> RecordBatch {
        var batch = batch
        for (index, planned) in plan.columns.enumerated() where planned.rules.required && batch.columns[index].validity != nil {
            let column = batch.columns[index]
            batch.columns[index] = Column(type: column.type, storage: column.storage, validity: nil)
        }
        return batch
    }
}

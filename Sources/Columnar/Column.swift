/// One column of a record batch: a logical type, optional validity, and contiguous storage.
public struct Column: Sendable {
    /// The logical type.
    public var type: DataType { didSet { dictionary = nil } }
    /// Per-row validity (`true` = present); `nil` means every row is present.
    public var validity: [Bool]? { didSet { dictionary = nil } }
    /// The values; null slots hold an arbitrary value.
    public var storage: ColumnStorage { didSet { dictionary = nil } }
    /// The same values dictionary-encoded, when the column came that way (a Parquet dictionary
    /// page); nil otherwise. A side representation for kernels that can work on indices: see
    /// `ColumnDictionary`. Changing `type`, `validity` or `storage` drops it, so it never goes
    /// stale.
    public internal(set) var dictionary: ColumnDictionary?

    /// Creates a column; `validity`, when given, must have one entry per stored value.
    public init(type: DataType, storage: ColumnStorage, validity: [Bool]? = nil) {
        // Programmer error: a validity array of another length would misalign every row.
        precondition(validity == nil || validity!.count == storage.count, "validity length mismatch")
        self.type = type
        self.storage = storage
        self.validity = validity
    }

    /// An empty column of `type`.
    public static func empty(_ type: DataType) -> Column { Column(type: type, storage: .empty(for: type)) }

    /// Number of rows.
    public var count: Int { storage.count }

    /// Number of null rows.
    public var nullCount: Int { validity.map { $0.reduce(0) { $0 + ($1 ? 0 : 1) } } ?? 0 }

    /// Whether row `index` is null.
    @inlinable public func isNull(_ index: Int) -> Bool { validity.map { !$0[index] } ?? false }

    /// The bytes of row `index` of a `bytes` column (strings, binary), without copying.
    public func withBytes<R>(at index: Int, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        switch storage {
        case .bytes(let offsets, let data):
            let start = Int(offsets[index]), end = Int(offsets[index + 1])
            return try data.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[start..<end])) }
        case .fixedBytes(let width, let data):
            return try data.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[index * width..<(index + 1) * width])) }
        default:
            // Programmer error: byte access on a numeric column.
            preconditionFailure("withBytes on \(type) column")
        }
    }

    /// Row `index` of a string column as a Swift `String` (invalid UTF-8 is repaired).
    public func string(at index: Int) -> String? {
        if isNull(index) { return nil }
        return withBytes(at: index) { String(decoding: $0, as: UTF8.self) }
    }
}

/// Columns of equal length under a schema: the unit that flows between operators.
public struct RecordBatch: Sendable {
    /// Names and types of the columns.
    public var schema: Schema
    /// The columns, one per schema field.
    public var columns: [Column]
    /// Number of rows (kept explicitly so a batch with no columns can still count rows).
    public var rowCount: Int

    /// Creates a batch; every column must have `rowCount` rows.
    public init(schema: Schema, columns: [Column], rowCount: Int? = nil) {
        // Programmer errors: a batch whose columns disagree with its schema or each other.
        precondition(schema.fields.count == columns.count, "schema has \(schema.fields.count) fields, batch \(columns.count) columns")
        let count = rowCount ?? columns.first?.count ?? 0
        precondition(columns.allSatisfy { $0.count == count }, "columns of unequal length")
        self.schema = schema
        self.columns = columns
        self.rowCount = count
    }

    /// An empty batch of `schema`.
    public static func empty(_ schema: Schema) -> RecordBatch {
        RecordBatch(schema: schema, columns: schema.fields.map { Column.empty($0.type) }, rowCount: 0)
    }

    /// The column named `name`, or nil.
    public func column(named name: String) -> Column? { schema.index(of: name).map { columns[$0] } }
}

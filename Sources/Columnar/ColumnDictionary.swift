import TarnCore

/// A dictionary-encoded view of a column, kept next to its expanded values: the distinct values
/// once (`values`) and, per row, the position of the row's value among them (`indices`).
///
/// Why: Parquet stores most string columns as a dictionary page plus small integer indices.
/// Operators that only need to tell values apart — group keys, join probes, DISTINCT — can then
/// hash and compare each dictionary entry once per row group and work on the indices per row,
/// instead of hashing every row's bytes. The column's `storage` still holds every row's value,
/// so every kernel that needs bytes works unchanged; the dictionary is an optional side
/// representation that a kernel may use and is free to ignore.
///
/// Invariant (checked when built, see `Column.init(dictionary:indices:validity:)`): for every
/// present row `i`, `storage`'s value `i` equals `values`' value `indices[i]`, and every index,
/// also at null rows, lies in `0 ..< values.count`. `values` has no nulls and no dictionary of
/// its own. Any change to a column's type, storage or validity drops its dictionary. A class
/// (immutable, so `Sendable`) because a struct cannot hold the `Column` that holds it.
public final class ColumnDictionary: Sendable {
    /// The distinct values (entries may repeat; consumers must not assume they are unique).
    public let values: Column
    /// Per row: the entry holding the row's value (null rows: any valid entry, usually 0).
    public let indices: [Int32]

    init(values: Column, indices: [Int32]) {
        self.values = values
        self.indices = indices
    }

    /// Checks that every index lies in `0 ..< entryCount`.
    /// - Throws: `TarnError(.corrupt)` naming the first index out of range.
    static func validate(_ indices: [Int32], entryCount: Int, context: String) throws {
        var smallest: Int32 = 0, largest: Int32 = -1
        indices.withUnsafeBufferPointer { p in
            for index in p {
                smallest = Swift.min(smallest, index)
                largest = Swift.max(largest, index)
            }
        }
        guard smallest >= 0, Int(largest) < entryCount else {
            let bad = smallest < 0 ? smallest : largest
            throw TarnError(.corrupt, "\(context): dictionary index \(bad) out of range (dictionary has \(entryCount) entries)")
        }
    }
}

extension Column {
    /// A column built from a dictionary and per-row indices: `storage` holds the expanded values
    /// and `dictionary` keeps the encoded form for kernels that can use it.
    /// - Parameters:
    ///   - values: the dictionary entries (no nulls; its type is the column's type).
    ///   - indices: per row, the entry of the row's value. Null rows must still hold a valid
    ///     index (0 is customary).
    ///   - validity: per-row validity, or nil when no row is null.
    ///   - context: prefixed to the error message ("file: row group 0, column 'a'").
    /// - Throws: `TarnError(.corrupt)` when an index lies outside the dictionary, and
    ///   `TarnError(.invalidArgument)` when the dictionary has nulls or `validity` has another
    ///   length than `indices`.
    public init(dictionary values: Column, indices: [Int32], validity: [Bool]?, context: String = "dictionary column") throws {
        guard values.validity == nil else {
            throw TarnError(.invalidArgument, "\(context): dictionary entries must not be null (\(values.nullCount) are)")
        }
        guard validity == nil || validity!.count == indices.count else {
            throw TarnError(.invalidArgument, "\(context): validity has \(validity!.count) entries, indices \(indices.count)")
        }
        try ColumnDictionary.validate(indices, entryCount: values.count, context: context)
        var plain = values
        plain.dictionary = nil
        self.init(type: values.type, storage: plain.storage.take(indices), validity: validity)
        dictionary = ColumnDictionary(values: plain, indices: indices)
    }

    /// Attaches an already validated dictionary (same row count, indices in range): for the
    /// selection kernels that carry a dictionary through `take` and `slice`.
    func withDictionary(_ values: Column, _ indices: [Int32]) -> Column {
        var column = self
        column.dictionary = ColumnDictionary(values: values, indices: indices)
        return column
    }
}

extension Column {
    /// This column with a dictionary attached, for a reader that expanded the values itself from
    /// the same dictionary and indices (a Parquet chunk's dictionary page and index pages).
    /// - Parameters:
    ///   - values: the dictionary entries, of this column's physical kind, without nulls.
    ///   - indices: per row, the entry that row `i`'s value was expanded from (null rows: any
    ///     valid entry). The caller guarantees that present rows hold exactly those values.
    ///   - context: prefixed to the error message.
    /// - Throws: `TarnError(.corrupt)` when an index lies outside the dictionary,
    ///   `TarnError(.invalidArgument)` when the counts disagree or the entries have nulls.
    public func attachingDictionary(_ values: Column, indices: [Int32], context: String = "dictionary column") throws -> Column {
        guard indices.count == count else {
            throw TarnError(.invalidArgument, "\(context): \(indices.count) dictionary indices for \(count) rows")
        }
        guard values.validity == nil else {
            throw TarnError(.invalidArgument, "\(context): dictionary entries must not be null (\(values.nullCount) are)")
        }
        try ColumnDictionary.validate(indices, entryCount: values.count, context: context)
        var plain = values
        plain.dictionary = nil
        return withDictionary(plain, indices)
    }
}

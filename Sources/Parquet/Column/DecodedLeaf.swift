/// One leaf column chunk after page decoding: levels (when the schema needs them) and the
/// dense non-null values in physical form.
struct DecodedLeaf {
    /// The non-null values.
    var values: ValueBuffer
    /// One definition level per entry; nil when the maximum level is 0.
    var definitionLevels: [Int16]?
    /// One repetition level per entry; nil when the maximum level is 0.
    var repetitionLevels: [Int16]?
    /// Number of level entries (rows for flat columns).
    var entryCount: Int
    /// When every value of a flat byte-array chunk came through its dictionary page: the
    /// dictionary entries and, per value in `values`, its entry (so the assembled column can
    /// carry a `ColumnDictionary`); nil otherwise.
    var dictionary: ValueBuffer? = nil
    var dictionaryIndices: [Int32]? = nil
}

import Columnar

/// Numbers the distinct values of a string group key, so a multi-column GROUP BY over a
/// low-cardinality string (a category, a region next to year and month) groups on fixed-width
/// words instead of a row-wise byte string.
///
/// Why: with a string among several keys, `KeyEncoder` copies every row's key bytes into a new
/// row-wise buffer (zeroed first), hashes them, and `KeyTable` compares them byte by byte. On
/// the lake's p01 (`GROUP BY year, month, category`) that was 35–45 % of the query's CPU. Here
/// each row's string is hashed once where it lies (`KeyEncoder`'s single-string encoding, no
/// copy) and looked up in a small table of the distinct values; the group key then carries the
/// value's number, and the whole key takes `KeyEncoder`'s fixed-width path.
///
/// The numbers are private to one aggregator (each worker's and the merge's own), never leave
/// it, and the group's real value is kept by the aggregator as before. NULL stays NULL: the
/// returned column has the input's validity.
final class StringInterner {
    private let table = KeyTable(capacity: 64)
    private var newRows: [Int32] = []

    /// Distinct values numbered so far.
    var count: Int { table.count }
    /// Bytes held (the table of distinct values).
    var memoryBytes: Int { table.memoryBytes }

    /// The value numbers of a column (a string column's `.bytes`; any storage works, since the
    /// lookup goes through `KeyEncoder`) as an `int64` column with the same validity; a value
    /// seen before gets the number it got then.
    func numbers(_ column: Column, count n: Int) -> Column {
        newRows.removeAll(keepingCapacity: true)
        // A dictionary-encoded column looks up each distinct value once (`DictionaryKeys`).
        let ids = table.groups(dictionaryKey: column, count: n, insert: true, newGroupRows: &newRows)
            ?? table.groups(KeyEncoder.encode([column], count: n), insert: true, newGroupRows: &newRows)
        var values = [Int64](repeating: 0, count: n)
        ids.withUnsafeBufferPointer { source in
            values.withUnsafeMutableBufferPointer { target in
                for i in 0..<n { target[i] = Int64(source[i]) }
            }
        }
        return Column(type: .int64, storage: .int64(values), validity: column.validity)
    }

    /// Whether interning pays for a key column, judged on its first batch: few distinct values
    /// against the rows (at most `max(limit, rows / 8)`), so the table stays small and most rows
    /// find a value already there. A high-cardinality key (an order id) keeps the byte encoding.
    static func worthwhile(distinct: Int, rows: Int, limit: Int = 1024) -> Bool {
        distinct <= max(limit, rows / 8)
    }
}

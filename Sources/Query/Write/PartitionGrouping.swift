import Columnar

/// Numbers the distinct partition-value tuples of a batch's rows, one column at a time, so a
/// writer can route rows to partition files. Integer, date and boolean keys (the usual
/// `year/month/day`) are compared as stored integers — no `Value` per row; other types fall
/// back to per-row values.
enum PartitionGrouping {
    /// A row's group so far and its value in the next key column.
    private struct Pair: Hashable {
        var group: Int32
        var value: Int64
        var isNull: Bool
    }

    /// Dense group ids per row (0 is the first row's group, in order of first appearance), the
    /// number of groups and the first row of each group.
    static func groups(_ columns: [Column], rowCount: Int) -> (ids: [Int32], firstRows: [Int]) {
        var ids = [Int32](repeating: 0, count: rowCount)
        var firstRows = rowCount > 0 ? [0] : []
        for column in columns {
            var mapping: [Pair: Int32] = [:]
            var valueMapping: [[Value]: Int32] = [:]
            var newFirst: [Int] = []
            let integers = integerValues(column)
            for row in 0..<rowCount {
                let id: Int32
                if let integers {
                    let pair = Pair(group: ids[row], value: column.isNull(row) ? 0 : integers[row], isNull: column.isNull(row))
                    if let known = mapping[pair] {
                        id = known
                    } else {
                        id = Int32(newFirst.count)
                        mapping[pair] = id
                        newFirst.append(row)
                    }
                } else {
                    let key: [Value] = [.int(Int64(ids[row])), column.value(at: row)]
                    if let known = valueMapping[key] {
                        id = known
                    } else {
                        id = Int32(newFirst.count)
                        valueMapping[key] = id
                        newFirst.append(row)
                    }
                }
                ids[row] = id
            }
            firstRows = newFirst
        }
        return (ids, firstRows)
    }

    /// The stored integers of an integer-like column, widened; nil for other storage.
    private static func integerValues(_ column: Column) -> [Int64]? {
        switch column.storage {
        case .int8(let v): v.map(Int64.init)
        case .int16(let v): v.map(Int64.init)
        case .int32(let v): v.map(Int64.init)
        case .int64(let v): v
        case .bool(let v): v.map { $0 ? 1 : 0 }
        default: nil
        }
    }
}

import Columnar
import TarnCore

/// Assigns each row to its partition by the values of the partition columns, numbering
/// partitions in the order they first appear.
///
/// Raw feeds arrive roughly in event-time order, so a row almost always lands where the row
/// before it did: that is checked first by comparing values directly, and only a change of
/// partition builds a lookup key (a few bytes) for the dictionary of known partitions.
struct PartitionRouter {
    /// Partition values as Hive writes them in paths, per partition slot.
    private(set) var values: [[String?]] = []
    private var slotByKey: [[UInt8]: Int32] = [:]
    private let columns: [Int]

    /// - Parameter columns: the partition columns' indices in the batch, in partition-key order.
    init(columns: [Int]) { self.columns = columns }

    /// Number of partitions seen.
    var count: Int { values.count }

    /// The partition slot of every row; new partitions get the next slots.
    mutating func route(_ batch: RecordBatch) -> [Int32] {
        let rows = batch.rowCount
        guard !columns.isEmpty else {
            if values.isEmpty { values.append([]) }
            return [Int32](repeating: 0, count: rows)
        }
        let partitionColumns = columns.map { batch.columns[$0] }
        var slots = [Int32](repeating: 0, count: rows)
        var key: [UInt8] = []
        for row in 0..<rows {
            if row > 0 && Self.sameValues(partitionColumns, row, row - 1) {
                slots[row] = slots[row - 1]
                continue
            }
            key.removeAll(keepingCapacity: true)
            for column in partitionColumns { Self.appendKey(column, row, to: &key) }
            if let slot = slotByKey[key] {
                slots[row] = slot
            } else {
                let slot = Int32(values.count)
                slotByKey[key] = slot
                values.append(partitionColumns.map { Self.pathValue($0, row) })
                slots[row] = slot
            }
        }
        return slots
    }

    /// The Hive path of a slot under `keys`: `year=2024/month=1/day=5`.
    func spec(_ slot: Int, keys: [String]) -> String {
        zip(keys, values[slot]).map { "\($0)=\(Self.escape($1))" }.joined(separator: "/")
    }

    @inline(__always)
    private static func sameValues(_ columns: [Column], _ a: Int, _ b: Int) -> Bool {
        for column in columns {
            let nullA = column.isNull(a), nullB = column.isNull(b)
            if nullA || nullB {
                if nullA != nullB { return false }
                continue
            }
            switch column.storage {
            case .int8(let v): if v[a] != v[b] { return false }
            case .int16(let v): if v[a] != v[b] { return false }
            case .int32(let v): if v[a] != v[b] { return false }
            case .int64(let v): if v[a] != v[b] { return false }
            case .bytes(let offsets, let data):
                let lengthA = offsets[a + 1] - offsets[a], lengthB = offsets[b + 1] - offsets[b]
                if lengthA != lengthB { return false }
                if !data[Int(offsets[a])..<Int(offsets[a + 1])].elementsEqual(data[Int(offsets[b])..<Int(offsets[b + 1])]) { return false }
            default: return false
            }
        }
        return true
    }

    private static func appendKey(_ column: Column, _ row: Int, to key: inout [UInt8]) {
        if column.isNull(row) {
            key.append(0)
            return
        }
        key.append(1)
        func integer(_ value: Int64) { withUnsafeBytes(of: value) { key.append(contentsOf: $0) } }
        switch column.storage {
        case .int8(let v): integer(Int64(v[row]))
        case .int16(let v): integer(Int64(v[row]))
        case .int32(let v): integer(Int64(v[row]))
        case .int64(let v): integer(v[row])
        case .bytes(let offsets, let data):
            integer(Int64(offsets[row + 1] - offsets[row]))
            key.append(contentsOf: data[Int(offsets[row])..<Int(offsets[row + 1])])
        default: break
        }
    }

    /// The value as a path segment before escaping (nil for NULL).
    private static func pathValue(_ column: Column, _ row: Int) -> String? {
        if column.isNull(row) { return nil }
        if case .date = column.type, case .int32(let v) = column.storage { return ValueText.date(Int(v[row])) }
        return ValueText.plain(column, row)
    }

    /// Hive's partition-path escaping (FileUtils.escapePathName): control characters and
    /// `"#%'*/:=?\{[]^` and DEL become `%XX`; NULL and the empty string name the default partition.
    static func escape(_ value: String?) -> String { HivePartitionPath.pathValue(value) }
}

extension String {
    /// The string padded on the left with zeros to `width` characters.
    func leftPadded(_ width: Int) -> String { count >= width ? self : String(repeating: "0", count: width - count) + self }
}

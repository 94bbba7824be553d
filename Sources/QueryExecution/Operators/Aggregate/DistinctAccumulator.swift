import Columnar
import Foundation
import QueryPlanner
import TarnCore

/// DISTINCT aggregates (and approx_distinct, computed exactly): numbers each distinct value once
/// in a value table, keeps the distinct (group, value number) pairs in a second table of two
/// integers, and feeds the distinct values to the base accumulator at the end — so strings are
/// hashed and copied once per distinct value, and partial tables from parallel workers merge
/// without double counting.
final class DistinctAccumulator: Accumulator {
    let base: any Accumulator
    private let values = KeyTable()
    private var valueChunks: [Column] = []
    private var valueBytes = 0
    private let pairs = KeyTable()
    private var pairGroups: [Int32] = []
    private var pairValues: [Int32] = []
    private var groupCount = 0

    init(base: any Accumulator) { self.base = base }

    func resize(_ groups: Int) { groupCount = max(groupCount, groups) }

    /// Value numbers of `input`'s rows, adding unseen values.
    private func number(_ input: Column) -> [Int32] {
        var newRows: [Int32] = []
        // A dictionary-encoded column looks up each distinct value once (`DictionaryKeys`).
        let ids = values.groups(dictionaryKey: input, count: input.count, insert: true, newGroupRows: &newRows)
            ?? values.groups(KeyEncoder.encode([input], count: input.count), insert: true, newGroupRows: &newRows)
        if !newRows.isEmpty {
            let chunk = input.take(newRows).withoutDictionary
            valueBytes += ColumnSize.bytes(chunk)
            valueChunks.append(chunk)
        }
        return ids
    }

    private func addPairs(_ groupIDs: [Int32], _ valueIDs: [Int32]) {
        // Both numbers are non-negative Int32s, so one 64-bit word holds the pair: a key of one
        // word (plus the null word) instead of two, less to hash, store and compare.
        let n = groupIDs.count
        let packed = n == 0 ? [] : [Int64](unsafeUninitializedCapacity: n) { out, initialized in
            for i in 0..<n { out[i] = Int64(groupIDs[i]) << 32 | Int64(UInt32(bitPattern: valueIDs[i])) }
            initialized = n
        }
        let keys = KeyEncoder.encode([Column(type: .int64, storage: .int64(packed))], count: n)
        var newRows: [Int32] = []
        _ = pairs.groups(keys, insert: true, newGroupRows: &newRows)
        for row in newRows {
            pairGroups.append(groupIDs[Int(row)])
            pairValues.append(valueIDs[Int(row)])
        }
    }

    func update(_ groupIDs: [Int32], _ input: Column?, include: [Bool]?) throws {
        guard var input else { return }
        var ids = groupIDs
        if let include {
            var indices: [Int32] = []
            for i in 0..<include.count where include[i] { indices.append(Int32(i)) }
            input = input.take(indices)
            ids = indices.map { groupIDs[Int($0)] }
        }
        if let rows = Self.firstPairs(ids, input) {
            input = input.take(rows)
            ids = rows.map { ids[Int($0)] }
        }
        addPairs(ids, number(input))
    }

    /// For a dictionary-encoded input: the rows whose (group, value) pair differs from the last
    /// pair seen with the same dictionary index earlier in the batch, or nil when that drops
    /// nothing (or there is no dictionary). A dropped row repeats a pair already counted.
    ///
    /// Why: the lake's order lines share their order's id and customer, so in p08 (`COUNT(DISTINCT
    /// order_id)` per customer) two rows in three repeat a pair, and each pair costs a probe of
    /// a table of millions of entries. An array indexed by dictionary index catches them first.
    static func firstPairs(_ groupIDs: [Int32], _ input: Column) -> [Int32]? {
        let n = groupIDs.count
        guard n > 1, let (codes, space) = DictionaryKeys.codes([input], constant: [false], count: n) else { return nil }
        var last = [Int32](repeating: -1, count: space)
        var rows: [Int32] = []
        rows.reserveCapacity(n)
        last.withUnsafeMutableBufferPointer { last in
            codes.withUnsafeBufferPointer { codes in
                groupIDs.withUnsafeBufferPointer { ids in
                    for i in 0..<n where last[Int(codes[i])] != ids[i] {
                        last[Int(codes[i])] = ids[i]
                        rows.append(Int32(i))
                    }
                }
            }
        }
        return rows.count < n ? rows : nil
    }

    func merge(_ other: any Accumulator, _ mapping: [Int32]) throws {
        let o = other as! DistinctAccumulator
        guard !o.valueChunks.isEmpty else { return }
        // Their value numbers → ours (adding their values), their groups → ours.
        let renumbered = number(Column.concatenate(o.valueChunks))
        addPairs(o.pairGroups.map { mapping[Int($0)] }, o.pairValues.map { renumbered[Int($0)] })
    }

    func finish() throws -> Column {
        base.resize(groupCount)
        if !pairGroups.isEmpty {
            try base.update(pairGroups, Column.concatenate(valueChunks).take(pairValues), include: nil)
        }
        return try base.finish()
    }

    var memoryBytes: Int { values.memoryBytes + pairs.memoryBytes + valueBytes + pairGroups.count * 8 }
}

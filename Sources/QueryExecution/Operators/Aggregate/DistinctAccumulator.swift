import Columnar
import Foundation
import QueryPlanner
import TarnCore

/// DISTINCT aggregates (and approx_distinct, computed exactly): collects distinct
/// (group, value) pairs in a hash table and feeds them to the base accumulator at the end, so
/// partial tables from parallel workers merge without double counting.
final class DistinctAccumulator: Accumulator {
    let base: any Accumulator
    let table = KeyTable()
    var pairGroups: [Int32] = []
    var values: [Column] = []
    var groupCount = 0

    init(base: any Accumulator) { self.base = base }

    func resize(_ groups: Int) { groupCount = max(groupCount, groups) }

    func update(_ groupIDs: [Int32], _ input: Column?, include: [Bool]?) throws {
        guard var input else { return }
        var ids = groupIDs
        if let include {
            var indices: [Int32] = []
            for i in 0..<include.count where include[i] { indices.append(Int32(i)) }
            input = input.take(indices)
            ids = indices.map { groupIDs[Int($0)] }
        }
        let groupColumn = Column(type: .int64, storage: .int64(ids.map { Int64($0) }))
        let keys = KeyEncoder.encode([groupColumn, input], count: ids.count)
        var newRows: [Int32] = []
        _ = table.groups(keys, insert: true, newGroupRows: &newRows)
        if newRows.isEmpty { return }
        for row in newRows { pairGroups.append(ids[Int(row)]) }
        values.append(input.take(newRows))
    }

    func merge(_ other: any Accumulator, _ mapping: [Int32]) throws {
        let o = other as! DistinctAccumulator
        guard !o.values.isEmpty else { return }
        let otherValues = Column.concatenate(o.values)
        try update(o.pairGroups.map { mapping[Int($0)] }, otherValues, include: nil)
    }

    func finish() throws -> Column {
        base.resize(groupCount)
        if !values.isEmpty {
            try base.update(pairGroups, Column.concatenate(values), include: nil)
        }
        return try base.finish()
    }

    var memoryBytes: Int { table.memoryBytes + values.reduce(0) { $0 + ColumnSize.bytes($1) } + pairGroups.count * 4 }
}

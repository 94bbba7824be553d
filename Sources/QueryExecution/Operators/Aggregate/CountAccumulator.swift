import Columnar
import Foundation
import QueryPlanner
import TarnCore

/// count(*), count(x), count_if(x).
final class CountAccumulator: Accumulator {
    let countNulls: Bool
    let onlyTrue: Bool
    var counts: [Int64] = []

    init(countNulls: Bool, onlyTrue: Bool) {
        self.countNulls = countNulls
        self.onlyTrue = onlyTrue
    }

    func resize(_ groups: Int) {
        if groups > counts.count { counts.append(contentsOf: repeatElement(0, count: groups - counts.count)) }
    }

    func update(_ groupIDs: [Int32], _ input: Column?, include: [Bool]?) throws {
        let validity = countNulls ? nil : input?.validity
        let truth = onlyTrue ? input?.boolValues : nil
        counts.withUnsafeMutableBufferPointer { c in
            groupIDs.withUnsafeBufferPointer { g in
                if validity == nil && include == nil && truth == nil {
                    for i in 0..<g.count { c[Int(g[i])] += 1 }
                } else {
                    for i in 0..<g.count where included(include, validity, i) && (truth?[i] ?? true) { c[Int(g[i])] += 1 }
                }
            }
        }
    }

    func merge(_ other: any Accumulator, _ mapping: [Int32]) throws {
        let o = other as! CountAccumulator
        for (g, value) in o.counts.enumerated() { counts[Int(mapping[g])] += value }
    }

    func finish() throws -> Column { Column(type: .int64, storage: .int64(counts)) }
    var memoryBytes: Int { counts.count * 8 }
}

import Columnar
import Foundation
import QueryPlanner
import TarnCore

/// bool_and / bool_or.
final class BooleanAccumulator: Accumulator {
    let isAnd: Bool
    var state: [Int8] = []  // -1 none, 0 false, 1 true

    init(isAnd: Bool) { self.isAnd = isAnd }

    func resize(_ groups: Int) {
        if groups > state.count { state.append(contentsOf: repeatElement(-1, count: groups - state.count)) }
    }

    func combine(_ a: Int8, _ b: Bool) -> Int8 {
        if a < 0 { return b ? 1 : 0 }
        return isAnd ? (a == 1 && b ? 1 : 0) : (a == 1 || b ? 1 : 0)
    }

    func update(_ groupIDs: [Int32], _ input: Column?, include: [Bool]?) throws {
        guard let input else { return }
        let values = input.boolValues
        for i in 0..<groupIDs.count where included(include, input.validity, i) {
            let g = Int(groupIDs[i])
            state[g] = combine(state[g], values[i])
        }
    }

    func merge(_ other: any Accumulator, _ mapping: [Int32]) throws {
        let o = other as! BooleanAccumulator
        for g in 0..<o.state.count where o.state[g] >= 0 {
            let t = Int(mapping[g])
            state[t] = combine(state[t], o.state[g] == 1)
        }
    }

    func finish() throws -> Column {
        Column(type: .boolean, storage: .bool(state.map { $0 == 1 }), validity: Validity.compact(state.map { $0 >= 0 }))
    }

    var memoryBytes: Int { state.count }
}

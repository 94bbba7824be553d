import Columnar
import Foundation
import QueryPlanner
import TarnCore

/// Per-group state of one aggregate function in flat arrays indexed by group number.
protocol Accumulator: AnyObject {
    /// Makes room for `groups` groups (new groups start empty).
    func resize(_ groups: Int)
    /// Adds the rows of `input` to their groups; rows with `include[i] == false` are skipped.
    func update(_ groupIDs: [Int32], _ input: Column?, include: [Bool]?) throws
    /// Adds another accumulator's groups: its group `g` is this one's `mapping[g]`.
    func merge(_ other: any Accumulator, _ mapping: [Int32]) throws
    /// The result per group.
    func finish() throws -> Column
    /// Approximate bytes held.
    var memoryBytes: Int { get }
}

enum Accumulators {
    /// The accumulator for an aggregate call (DISTINCT ones defer to a distinct set).
    static func make(_ call: AggregateCall) throws -> any Accumulator {
        let inputType = call.arguments.first?.type ?? .int64
        let base: any Accumulator
        switch call.function {
        case .countStar: base = CountAccumulator(countNulls: true, onlyTrue: false)
        case .count: base = CountAccumulator(countNulls: false, onlyTrue: false)
        case .countIf: base = CountAccumulator(countNulls: false, onlyTrue: true)
        case .sum: base = SumAccumulator(resultType: call.type)
        case .avg: base = AverageAccumulator(resultType: call.type, inputType: inputType)
        case .min, .arbitrary: base = ExtremeAccumulator(type: call.type, keepGreater: false)
        case .max: base = ExtremeAccumulator(type: call.type, keepGreater: true)
        case .boolAnd: base = BooleanAccumulator(isAnd: true)
        case .boolOr: base = BooleanAccumulator(isAnd: false)
        case .stddevSamp, .stddevPop, .varianceSamp, .variancePop: base = VarianceAccumulator(function: call.function)
        case .approxDistinct:
            // Exact distinct count (a hash set of values per group), a valid approx_distinct answer.
            return DistinctAccumulator(base: CountAccumulator(countNulls: false, onlyTrue: false))
        }
        return call.distinct ? DistinctAccumulator(base: base) : base
    }
}

@inline(__always) func included(_ include: [Bool]?, _ validity: [Bool]?, _ i: Int) -> Bool {
    (include?[i] ?? true) && (validity?[i] ?? true)
}

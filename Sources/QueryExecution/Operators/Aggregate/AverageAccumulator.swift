import Columnar
import Foundation
import QueryPlanner
import TarnCore

/// avg(x): double average, or a decimal average rounded half up to the input scale.
final class AverageAccumulator: Accumulator {
    let resultType: DataType
    let decimal: Bool
    var sums: [Double] = []
    var wide: [Int128] = []
    var counts: [Int64] = []

    init(resultType: DataType, inputType: DataType) {
        self.resultType = resultType
        if case .decimal = resultType { decimal = true } else { decimal = false }
    }

    func resize(_ groups: Int) {
        guard groups > counts.count else { return }
        let extra = groups - counts.count
        counts.append(contentsOf: repeatElement(0, count: extra))
        if decimal { wide.append(contentsOf: repeatElement(0, count: extra)) } else { sums.append(contentsOf: repeatElement(0, count: extra)) }
    }

    func update(_ groupIDs: [Int32], _ input: Column?, include: [Bool]?) throws {
        guard let input else { return }
        let validity = input.validity
        if decimal {
            let values = input.int128Values
            for i in 0..<groupIDs.count where included(include, validity, i) {
                let g = Int(groupIDs[i])
                wide[g] += values[i]
                counts[g] += 1
            }
        } else {
            let values = input.doubleValues
            for i in 0..<groupIDs.count where included(include, validity, i) {
                let g = Int(groupIDs[i])
                sums[g] += values[i]
                counts[g] += 1
            }
        }
    }

    func merge(_ other: any Accumulator, _ mapping: [Int32]) throws {
        let o = other as! AverageAccumulator
        for g in 0..<o.counts.count where o.counts[g] > 0 {
            let t = Int(mapping[g])
            counts[t] += o.counts[g]
            if decimal { wide[t] += o.wide[g] } else { sums[t] += o.sums[g] }
        }
    }

    func finish() throws -> Column {
        let validity = Validity.compact(counts.map { $0 > 0 })
        if decimal {
            let values = (0..<counts.count).map { counts[$0] > 0 ? ArithmeticKernels.roundDiv(wide[$0], Int128(counts[$0])) : 0 }
            return Column.fromInt128(values, type: resultType, validity: validity)
        }
        let values = (0..<counts.count).map { counts[$0] > 0 ? sums[$0] / Double(counts[$0]) : 0 }
        return Column.fromDouble(values, type: resultType, validity: validity)
    }

    var memoryBytes: Int { counts.count * 24 }
}

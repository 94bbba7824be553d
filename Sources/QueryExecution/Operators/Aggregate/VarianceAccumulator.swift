import Columnar
import Foundation
import QueryPlanner
import TarnCore

/// stddev / variance with Welford's update and Chan's parallel merge.
final class VarianceAccumulator: Accumulator {
    let function: AggregateFunction
    var counts: [Double] = []
    var means: [Double] = []
    var m2: [Double] = []

    init(function: AggregateFunction) { self.function = function }

    func resize(_ groups: Int) {
        guard groups > counts.count else { return }
        let extra = groups - counts.count
        counts.append(contentsOf: repeatElement(0, count: extra))
        means.append(contentsOf: repeatElement(0, count: extra))
        m2.append(contentsOf: repeatElement(0, count: extra))
    }

    func update(_ groupIDs: [Int32], _ input: Column?, include: [Bool]?) throws {
        guard let input else { return }
        let values = input.doubleValues
        for i in 0..<groupIDs.count where included(include, input.validity, i) {
            let g = Int(groupIDs[i])
            counts[g] += 1
            let delta = values[i] - means[g]
            means[g] += delta / counts[g]
            m2[g] += delta * (values[i] - means[g])
        }
    }

    func merge(_ other: any Accumulator, _ mapping: [Int32]) throws {
        let o = other as! VarianceAccumulator
        for g in 0..<o.counts.count where o.counts[g] > 0 {
            let t = Int(mapping[g])
            let n = counts[t] + o.counts[g]
            let delta = o.means[g] - means[t]
            m2[t] += o.m2[g] + delta * delta * counts[t] * o.counts[g] / n
            means[t] += delta * o.counts[g] / n
            counts[t] = n
        }
    }

    func finish() throws -> Column {
        var values = [Double](repeating: 0, count: counts.count)
        var validity = [Bool](repeating: true, count: counts.count)
        let sample = function == .stddevSamp || function == .varianceSamp
        for g in 0..<counts.count {
            let n = counts[g]
            if n == 0 || (sample && n < 2) { validity[g] = false; continue }
            let variance = m2[g] / (sample ? n - 1 : n)
            values[g] = function == .stddevSamp || function == .stddevPop ? variance.squareRoot() : variance
        }
        return Column(type: .float64, storage: .float64(values), validity: Validity.compact(validity))
    }

    var memoryBytes: Int { counts.count * 24 }
}

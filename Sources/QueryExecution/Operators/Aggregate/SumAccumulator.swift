import Columnar
import Foundation
import QueryPlanner
import TarnCore

/// sum(x): bigint sums fail on overflow (Trino), decimals sum exactly, floats in double.
final class SumAccumulator: Accumulator {
    let resultType: DataType
    var ints: [Int64] = []
    var wide: [Int128] = []
    var doubles: [Double] = []
    var seen: [Bool] = []

    init(resultType: DataType) { self.resultType = resultType }

    func resize(_ groups: Int) {
        guard groups > seen.count else { return }
        let extra = groups - seen.count
        seen.append(contentsOf: repeatElement(false, count: extra))
        switch resultType {
        case .decimal: wide.append(contentsOf: repeatElement(0, count: extra))
        case .float32, .float64: doubles.append(contentsOf: repeatElement(0, count: extra))
        default: ints.append(contentsOf: repeatElement(0, count: extra))
        }
    }

    func update(_ groupIDs: [Int32], _ input: Column?, include: [Bool]?) throws {
        guard let input else { return }
        let validity = input.validity
        let n = groupIDs.count
        switch resultType {
        case .decimal:
            let values = input.int128Values
            for i in 0..<n where included(include, validity, i) {
                let g = Int(groupIDs[i])
                let (r, o) = wide[g].addingReportingOverflow(values[i])
                if o { throw TarnError(.invalidValue, "Decimal overflow in sum") }
                wide[g] = r
                seen[g] = true
            }
        case .float32, .float64:
            let values = input.doubleValues
            if let g = Self.singleGroup(groupIDs) {
                // One group for the whole batch (a partition-column key): sum in a register, in
                // the same order as the per-row loop, so the result is bit for bit the same
                // without a load and store of `doubles[g]` per row.
                var sum = doubles[g], any = false
                for i in 0..<n where included(include, validity, i) {
                    sum += values[i]
                    any = true
                }
                doubles[g] = sum
                if any { seen[g] = true }
                return
            }
            doubles.withUnsafeMutableBufferPointer { d in
                seen.withUnsafeMutableBufferPointer { s in
                    for i in 0..<n where included(include, validity, i) {
                        let g = Int(groupIDs[i])
                        d[g] += values[i]
                        s[g] = true
                    }
                }
            }
        default:
            let values = input.int64Values
            var overflow = false
            ints.withUnsafeMutableBufferPointer { d in
                seen.withUnsafeMutableBufferPointer { s in
                    for i in 0..<n where included(include, validity, i) {
                        let g = Int(groupIDs[i])
                        let (r, o) = d[g].addingReportingOverflow(values[i])
                        overflow = overflow || o
                        d[g] = r
                        s[g] = true
                    }
                }
            }
            if overflow { throw TarnError(.invalidValue, "bigint addition overflow in sum") }
        }
    }

    /// The group of every row when all rows have the same one.
    static func singleGroup(_ groupIDs: [Int32]) -> Int? {
        guard let first = groupIDs.first else { return nil }
        return ConstantKeys.sameBits(groupIDs, groupIDs.count) ? Int(first) : nil
    }

    func merge(_ other: any Accumulator, _ mapping: [Int32]) throws {
        let o = other as! SumAccumulator
        for g in 0..<o.seen.count where o.seen[g] {
            let t = Int(mapping[g])
            seen[t] = true
            switch resultType {
            case .decimal: wide[t] += o.wide[g]
            case .float32, .float64: doubles[t] += o.doubles[g]
            default:
                let (r, overflow) = ints[t].addingReportingOverflow(o.ints[g])
                if overflow { throw TarnError(.invalidValue, "bigint addition overflow in sum") }
                ints[t] = r
            }
        }
    }

    func finish() throws -> Column {
        let validity = Validity.compact(seen)
        switch resultType {
        case .decimal: return Column.fromInt128(wide, type: resultType, validity: validity)
        case .float32, .float64: return Column.fromDouble(doubles, type: resultType, validity: validity)
        default: return Column.fromInt64(ints, type: resultType, validity: validity)
        }
    }

    var memoryBytes: Int { seen.count * 17 }
}

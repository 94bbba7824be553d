import Columnar
import Foundation
import QueryPlanner
import TarnCore

/// min / max for any orderable type (integers, dates and timestamps as Int64; floats; wide
/// decimals; strings as byte arrays; booleans).
final class ExtremeAccumulator: Accumulator {
    let type: DataType
    let keepGreater: Bool
    var ints: [Int64] = []
    var doubles: [Double] = []
    var wide: [Int128] = []
    var strings: [[UInt8]] = []
    var stringBytes = 0
    var seen: [Bool] = []

    init(type: DataType, keepGreater: Bool) {
        self.type = type
        self.keepGreater = keepGreater
    }

    enum Kind { case int, double, wide, bytes }
    var kind: Kind {
        switch type.physical {
        case .float32, .float64: .double
        case .int128: .wide
        case .bytes, .fixedBytes: .bytes
        default: .int
        }
    }

    func resize(_ groups: Int) {
        guard groups > seen.count else { return }
        let extra = groups - seen.count
        seen.append(contentsOf: repeatElement(false, count: extra))
        switch kind {
        case .int: ints.append(contentsOf: repeatElement(0, count: extra))
        case .double: doubles.append(contentsOf: repeatElement(0, count: extra))
        case .wide: wide.append(contentsOf: repeatElement(0, count: extra))
        case .bytes: strings.append(contentsOf: repeatElement([], count: extra))
        }
    }

    @inline(__always) func better<T: Comparable>(_ candidate: T, _ current: T) -> Bool {
        keepGreater ? candidate > current : candidate < current
    }

    func update(_ groupIDs: [Int32], _ input: Column?, include: [Bool]?) throws {
        guard let input else { return }
        let validity = input.validity
        let n = groupIDs.count
        switch kind {
        case .int:
            let values = input.int64Values
            ints.withUnsafeMutableBufferPointer { d in
                seen.withUnsafeMutableBufferPointer { s in
                    for i in 0..<n where included(include, validity, i) {
                        let g = Int(groupIDs[i])
                        if !s[g] || better(values[i], d[g]) {
                            d[g] = values[i]
                            s[g] = true
                        }
                    }
                }
            }
        case .double:
            let values = input.doubleValues
            for i in 0..<n where included(include, validity, i) {
                let g = Int(groupIDs[i])
                if !seen[g] || better(values[i], doubles[g]) {
                    doubles[g] = values[i]
                    seen[g] = true
                }
            }
        case .wide:
            let values = input.int128Values
            for i in 0..<n where included(include, validity, i) {
                let g = Int(groupIDs[i])
                if !seen[g] || better(values[i], wide[g]) {
                    wide[g] = values[i]
                    seen[g] = true
                }
            }
        case .bytes:
            let view = StringView(input)
            view.data.withUnsafeBytes { d in
                for i in 0..<n where included(include, validity, i) {
                    let g = Int(groupIDs[i])
                    let candidate = UnsafeRawBufferPointer(rebasing: d[view.range(i)])
                    let replace: Bool
                    if !seen[g] {
                        replace = true
                    } else {
                        let c = strings[g].withUnsafeBytes { ByteCompare.compare(candidate, $0) }
                        replace = keepGreater ? c > 0 : c < 0
                    }
                    if replace {
                        stringBytes += candidate.count - strings[g].count
                        strings[g] = Array(candidate)
                        seen[g] = true
                    }
                }
            }
        }
    }

    func merge(_ other: any Accumulator, _ mapping: [Int32]) throws {
        let o = other as! ExtremeAccumulator
        for g in 0..<o.seen.count where o.seen[g] {
            let t = Int(mapping[g])
            switch kind {
            case .int: if !seen[t] || better(o.ints[g], ints[t]) { ints[t] = o.ints[g] }
            case .double: if !seen[t] || better(o.doubles[g], doubles[t]) { doubles[t] = o.doubles[g] }
            case .wide: if !seen[t] || better(o.wide[g], wide[t]) { wide[t] = o.wide[g] }
            case .bytes:
                let c = o.strings[g].withUnsafeBytes { a in strings[t].withUnsafeBytes { ByteCompare.compare(a, $0) } }
                if !seen[t] || (keepGreater ? c > 0 : c < 0) {
                    stringBytes += o.strings[g].count - strings[t].count
                    strings[t] = o.strings[g]
                }
            }
            seen[t] = true
        }
    }

    func finish() throws -> Column {
        let validity = Validity.compact(seen)
        switch kind {
        case .int: return Column.fromInt64(ints, type: type, validity: validity)
        case .double: return Column.fromDouble(doubles, type: type, validity: validity)
        case .wide: return Column.fromInt128(wide, type: type, validity: validity)
        case .bytes:
            var builder = StringColumnBuilder(capacity: seen.count)
            for g in 0..<seen.count {
                if seen[g] { builder.append(bytes: strings[g]) } else { builder.appendNull() }
            }
            return builder.build(type: type == .binary ? .binary : .string)
        }
    }

    var memoryBytes: Int { seen.count * 17 + strings.count * 24 + stringBytes }
}

import Foundation
import Columnar
import QueryPlanner
import TarnCore

/// Comparisons of two vectors of the same logical type, typed by physical storage: integers and
/// dates compare as integers, decimals as unscaled integers (the binder gives both sides the same
/// scale), floats as IEEE values, strings bytewise (UTF-8 byte order is code point order, as in
/// Trino's varchar comparison). A NULL on either side gives NULL.
enum CompareKernels {
    static func compare(_ op: CompareOperator, _ a: Vector, _ b: Vector, count: Int) throws -> Vector {
        if a.isNullScalar || b.isNullScalar { return .scalar(.null, .boolean) }
        switch (a, b) {
        case (.column(let x), .scalar(let v, _)):
            return .column(try compareScalar(op, x, v))
        case (.scalar(let v, _), .column(let y)):
            return .column(try compareScalar(op.flipped, y, v))
        case (.scalar(let x, let t), .scalar(let y, _)):
            let cx = ConstantColumn.make(x, type: t, count: 1)
            let result = try compareScalar(op, cx, y)
            return .scalar(result.value(at: 0), .boolean)
        case (.column(let x), .column(let y)):
            return .column(try compareColumns(op, x, y))
        }
    }

    @inline(__always)
    static func apply<T: Comparable>(_ op: CompareOperator, _ a: UnsafeBufferPointer<T>, _ b: UnsafeBufferPointer<T>, _ out: UnsafeMutableBufferPointer<Bool>) {
        let n = out.count
        switch op {
        case .equal: for i in 0..<n { out[i] = a[i] == b[i] }
        case .notEqual: for i in 0..<n { out[i] = a[i] != b[i] }
        case .less: for i in 0..<n { out[i] = a[i] < b[i] }
        case .lessOrEqual: for i in 0..<n { out[i] = a[i] <= b[i] }
        case .greater: for i in 0..<n { out[i] = a[i] > b[i] }
        case .greaterOrEqual: for i in 0..<n { out[i] = a[i] >= b[i] }
        }
    }

    @inline(__always)
    static func applyScalar<T: Comparable>(_ op: CompareOperator, _ a: UnsafeBufferPointer<T>, _ b: T, _ out: UnsafeMutableBufferPointer<Bool>) {
        let n = out.count
        switch op {
        case .equal: for i in 0..<n { out[i] = a[i] == b }
        case .notEqual: for i in 0..<n { out[i] = a[i] != b }
        case .less: for i in 0..<n { out[i] = a[i] < b }
        case .lessOrEqual: for i in 0..<n { out[i] = a[i] <= b }
        case .greater: for i in 0..<n { out[i] = a[i] > b }
        case .greaterOrEqual: for i in 0..<n { out[i] = a[i] >= b }
        }
    }

    static func arrays<T: Comparable>(_ op: CompareOperator, _ a: [T], _ b: [T]) -> [Bool] {
        // (Capacity 0 would write into the shared empty-array singleton: see Column+Take.)
        if a.isEmpty { return [] }
        return [Bool](unsafeUninitializedCapacity: a.count) { out, initialized in
            a.withUnsafeBufferPointer { pa in b.withUnsafeBufferPointer { pb in apply(op, pa, pb, out) } }
            initialized = a.count
        }
    }

    static func scalar<T: Comparable>(_ op: CompareOperator, _ a: [T], _ b: T) -> [Bool] {
        if a.isEmpty { return [] }
        return [Bool](unsafeUninitializedCapacity: a.count) { out, initialized in
            a.withUnsafeBufferPointer { pa in applyScalar(op, pa, b, out) }
            initialized = a.count
        }
    }

    static func compareColumns(_ op: CompareOperator, _ x: Column, _ y: Column) throws -> Column {
        let validity = Validity.and(x.validity, y.validity)
        let values: [Bool]
        switch (x.storage, y.storage) {
        case (.int64(let a), .int64(let b)): values = arrays(op, a, b)
        case (.int32(let a), .int32(let b)): values = arrays(op, a, b)
        case (.int16(let a), .int16(let b)): values = arrays(op, a, b)
        case (.int8(let a), .int8(let b)): values = arrays(op, a, b)
        case (.float64(let a), .float64(let b)): values = arrays(op, a, b)
        case (.float32(let a), .float32(let b)): values = arrays(op, a, b)
        case (.int128(let a), .int128(let b)): values = arrays(op, a, b)
        case (.bool(let a), .bool(let b)): values = arrays(op, a.map { $0 ? 1 as UInt8 : 0 }, b.map { $0 ? 1 as UInt8 : 0 })
        case (.bytes, .bytes):
            let va = StringView(x), vb = StringView(y)
            values = (0..<x.count).map { i in
                va.withBytes(i) { ba in vb.withBytes(i) { bb in test(op, ByteCompare.compare(ba, bb)) } }
            }
        default:
            // Mixed storage for one logical type (e.g. decimal int64 vs int128): widen.
            switch x.type {
            case .float32, .float64: values = arrays(op, x.doubleValues, y.doubleValues)
            case .decimal: values = arrays(op, x.int128Values, y.int128Values)
            default:
                guard x.type.physical != .bytes, y.type.physical != .bytes else {
                    throw TarnError(.internal, "cannot compare \(x.type) with \(y.type)")
                }
                values = arrays(op, x.int64Values, y.int64Values)
            }
        }
        return Column(type: .boolean, storage: .bool(values), validity: validity)
    }

    @inline(__always) static func test(_ op: CompareOperator, _ c: Int) -> Bool {
        switch op {
        case .equal: c == 0
        case .notEqual: c != 0
        case .less: c < 0
        case .lessOrEqual: c <= 0
        case .greater: c > 0
        case .greaterOrEqual: c >= 0
        }
    }

    static func compareScalar(_ op: CompareOperator, _ x: Column, _ v: Value) throws -> Column {
        let values: [Bool]
        switch x.storage {
        case .int64(let a): values = scalar(op, a, ValueConversion.int64(v) ?? 0)
        case .int32(let a):
            let s = ValueConversion.int64(v) ?? 0
            if let narrow = Int32(exactly: s) { values = scalar(op, a, narrow) } else { values = scalar(op, a.map { Int64($0) }, s) }
        case .int16(let a): values = scalar(op, a.map { Int64($0) }, ValueConversion.int64(v) ?? 0)
        case .int8(let a): values = scalar(op, a.map { Int64($0) }, ValueConversion.int64(v) ?? 0)
        case .float64(let a): values = scalar(op, a, ValueConversion.double(v) ?? 0)
        case .float32(let a): values = scalar(op, a, Float(ValueConversion.double(v) ?? 0))
        case .int128(let a): values = scalar(op, a, ValueConversion.int128(v) ?? 0)
        case .bool(let a):
            guard case .bool(let b) = v else { throw TarnError(.internal, "boolean compared with \(v)") }
            values = scalar(op, a.map { $0 ? 1 as UInt8 : 0 }, b ? 1 : 0)
        case .bytes(let offsets, let data):
            var needle: [UInt8]
            switch v {
            case .string(let s): needle = Array(s.utf8)
            case .bytes(let b): needle = b
            default: throw TarnError(.internal, "string compared with \(v)")
            }
            let n = x.count
            values = n == 0 ? [] : [Bool](unsafeUninitializedCapacity: n) { out, initialized in
                data.withUnsafeBytes { d in
                    needle.withUnsafeBytes { nb in
                        if op == .equal || op == .notEqual {
                            let want = op == .equal
                            for i in 0..<n {
                                let start = Int(offsets[i]), end = Int(offsets[i + 1])
                                let len = end - start
                                out[i] = (len == nb.count && (len == 0 || memcmp(d.baseAddress! + start, nb.baseAddress!, len) == 0)) == want
                            }
                        } else {
                            for i in 0..<n {
                                let start = Int(offsets[i]), end = Int(offsets[i + 1])
                                out[i] = test(op, ByteCompare.compare(UnsafeRawBufferPointer(rebasing: d[start..<end]), nb))
                            }
                        }
                    }
                }
                initialized = n
            }
            _ = needle.count
            needle = []
        default:
            throw TarnError(.internal, "cannot compare \(x.type)")
        }
        return Column(type: .boolean, storage: .bool(values), validity: x.validity)
    }
}

/// Lexicographic byte comparison.
enum ByteCompare {
    @inline(__always) static func compare(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Int {
        let n = min(a.count, b.count)
        if n > 0 {
            let c = memcmp(a.baseAddress!, b.baseAddress!, n)
            if c != 0 { return Int(c) }
        }
        return a.count - b.count
    }
}

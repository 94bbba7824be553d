import Columnar

/// Checks every row of a batch against the job's column rules, column by column (one loop per
/// rule and physical type), and reports the first rule each rejected row breaks, with the value.
///
/// A reference type because it owns the pattern matchers (and their memo tables); one per
/// pipeline thread.
final class RowValidator {
    private let plan: JobPlan
    private var matchers: [Int: PatternMatcher] = [:]

    /// A broken rule: the row, the column and why.
    struct Violation {
        var row: Int
        var column: Int
        var reason: String
    }

    init(plan: JobPlan) throws {
        self.plan = plan
        for (index, column) in plan.columns.enumerated() {
            if let pattern = column.rules.pattern { matchers[index] = try PatternMatcher(pattern) }
        }
    }

    /// The rows of `columns` (in table order) that break a rule; `rejected` marks rows already
    /// rejected (skipped) and receives the new ones.
    func validate(_ columns: [Column], rowCount: Int, rejected: inout [Bool]) -> [Violation] {
        var violations: [Violation] = []
        for (index, planned) in plan.columns.enumerated() {
            let rules = planned.rules
            guard rules.required || rules.checksValues else { continue }
            check(columns[index], index, rules, rowCount, &rejected, &violations)
        }
        return violations
    }

    private func check(_ column: Column, _ index: Int, _ rules: CompiledRules, _ rows: Int, _ rejected: inout [Bool], _ violations: inout [Violation]) {
        let name = plan.columns[index].name
        func reject(_ row: Int, _ reason: String) {
            rejected[row] = true
            violations.append(Violation(row: row, column: index, reason: reason))
        }
        let validity = column.validity
        if rules.required, let validity {
            for row in 0..<rows where !rejected[row] && !validity[row] { reject(row, "\(name) is required but NULL") }
        }
        guard rules.checksValues || (rules.required && column.type == .string) else { return }
        @inline(__always) func present(_ row: Int) -> Bool { !rejected[row] && (validity?[row] ?? true) }

        switch column.storage {
        case .bytes(let offsets, let data):
            let matcher = matchers[index]
            data.withUnsafeBytes { raw in
                for row in 0..<rows where present(row) {
                    let start = Int(offsets[row]), end = Int(offsets[row + 1])
                    let value = UnsafeRawBufferPointer(rebasing: raw[start..<end])
                    if rules.required && value.isEmpty {
                        reject(row, "\(name) is required but empty")
                    } else if let limit = rules.maxLength, value.count > limit {
                        reject(row, "\(name) is \(value.count) bytes long, longer than maxLength \(limit)")
                    } else if let allowed = rules.allowedStrings, !allowed.contains(value) {
                        reject(row, "\(name) \(ValueText.literal(column, row)) is not one of the allowed values \(Self.list(rules.allowedText))")
                    } else if let matcher, !matcher.matches(value) {
                        reject(row, "\(name) \(ValueText.literal(column, row)) does not match the pattern '\(rules.pattern!)'")
                    }
                }
            }
        case .int8(let v): checkIntegers(v.count) { Int64(v[$0]) }
        case .int16(let v): checkIntegers(v.count) { Int64(v[$0]) }
        case .int32(let v): checkIntegers(v.count) { Int64(v[$0]) }
        case .int64(let v): checkIntegers(v.count) { v[$0] }
        case .uint8(let v): checkIntegers(v.count) { Int64(v[$0]) }
        case .uint16(let v): checkIntegers(v.count) { Int64(v[$0]) }
        case .uint32(let v): checkIntegers(v.count) { Int64(v[$0]) }
        case .uint64(let v): checkIntegers(v.count) { Int64(truncatingIfNeeded: v[$0]) }
        case .float32(let v): checkDoubles(v.count) { Double(v[$0]) }
        case .float64(let v): checkDoubles(v.count) { v[$0] }
        case .int128(let v):
            for row in 0..<rows where present(row) {
                if case .wide(let minimum) = rules.minimum, v[row] < minimum { reject(row, belowMinimum(row)) }
                else if case .wide(let maximum) = rules.maximum, v[row] > maximum { reject(row, aboveMaximum(row)) }
            }
        default: break
        }

        func belowMinimum(_ row: Int) -> String { "\(name) \(ValueText.literal(column, row)) is below the minimum \(rules.minimumText ?? "")" }
        func aboveMaximum(_ row: Int) -> String { "\(name) \(ValueText.literal(column, row)) is above the maximum \(rules.maximumText ?? "")" }

        func checkIntegers(_ count: Int, _ value: (Int) -> Int64) {
            var minimum = Int64.min, maximum = Int64.max
            if case .integer(let bound) = rules.minimum { minimum = bound }
            if case .integer(let bound) = rules.maximum { maximum = bound }
            let allowed = rules.allowedIntegers
            for row in 0..<count where present(row) {
                let x = value(row)
                if x < minimum { reject(row, belowMinimum(row)) }
                else if x > maximum { reject(row, aboveMaximum(row)) }
                else if let allowed, !allowed.contains(x) {
                    reject(row, "\(name) \(ValueText.literal(column, row)) is not one of the allowed values \(Self.list(rules.allowedText))")
                }
            }
        }

        func checkDoubles(_ count: Int, _ value: (Int) -> Double) {
            var minimum = -Double.infinity, maximum = Double.infinity
            if case .real(let bound) = rules.minimum { minimum = bound }
            if case .real(let bound) = rules.maximum { maximum = bound }
            let allowed = rules.allowedDoubles
            let bounded = rules.minimum != nil || rules.maximum != nil
            for row in 0..<count where present(row) {
                let x = value(row)
                // NaN is outside every range.
                if bounded && (x.isNaN || x < minimum) { reject(row, belowMinimum(row)) }
                else if x > maximum { reject(row, aboveMaximum(row)) }
                else if let allowed, !allowed.contains(x) {
                    reject(row, "\(name) \(ValueText.literal(column, row)) is not one of the allowed values \(Self.list(rules.allowedText))")
                }
            }
        }
    }

    /// `[a, b, c]`, or the first ten and a count.
    static func list(_ values: [String]) -> String {
        let shown = values.prefix(10).joined(separator: ", ")
        return "[" + shown + (values.count > 10 ? ", … \(values.count - 10) more" : "") + "]"
    }
}

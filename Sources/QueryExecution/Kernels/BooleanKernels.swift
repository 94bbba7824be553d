import Columnar
import QueryPlanner
import TarnCore

/// AND, OR, NOT with SQL's three-valued logic: FALSE AND NULL is FALSE, TRUE OR NULL is TRUE,
/// otherwise a NULL operand makes the result NULL.
enum BooleanKernels {
    static func and(_ items: [Column], count: Int) -> Column {
        combine(items, count: count, dominant: false)
    }

    static func or(_ items: [Column], count: Int) -> Column {
        combine(items, count: count, dominant: true)
    }

    /// `dominant` is the value that decides the result whatever the other operands are.
    private static func combine(_ items: [Column], count: Int, dominant: Bool) -> Column {
        var decided = [Bool](repeating: false, count: count)
        var sawNull = [Bool](repeating: false, count: count)
        var anyNull = false
        for item in items {
            let values = item.boolValues
            if let validity = item.validity {
                anyNull = true
                for i in 0..<count {
                    if validity[i] {
                        if values[i] == dominant { decided[i] = true }
                    } else {
                        sawNull[i] = true
                    }
                }
            } else {
                values.withUnsafeBufferPointer { v in
                    decided.withUnsafeMutableBufferPointer { d in
                        for i in 0..<count where v[i] == dominant { d[i] = true }
                    }
                }
            }
        }
        // Result: dominant where decided; NULL where undecided and a NULL was seen; else !dominant.
        let values = decided.map { $0 ? dominant : !dominant }
        guard anyNull else { return Column(type: .boolean, storage: .bool(values)) }
        var validity = [Bool](repeating: true, count: count)
        for i in 0..<count where !decided[i] && sawNull[i] { validity[i] = false }
        return Column(type: .boolean, storage: .bool(values), validity: Validity.compact(validity))
    }

    static func not(_ column: Column) -> Column {
        Column(type: .boolean, storage: .bool(column.boolValues.map { !$0 }), validity: column.validity)
    }

    /// Rows where the predicate is TRUE (NULL and FALSE both drop the row).
    static func selection(_ column: Column) -> [Bool] {
        var values = column.boolValues
        if let validity = column.validity {
            for i in 0..<values.count where !validity[i] { values[i] = false }
        }
        return values
    }
}

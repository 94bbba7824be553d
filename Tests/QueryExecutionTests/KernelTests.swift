import Columnar
import Foundation
import QueryPlanner
import TarnCore
import Testing
@testable import QueryExecution

@Suite struct KernelTests {
    let a = ColumnRef(id: 1, name: "a", type: .int32)
    let b = ColumnRef(id: 2, name: "b", type: .boolean)
    let s = ColumnRef(id: 3, name: "s", type: .string)

    func batch() -> RecordBatch {
        var strings = ColumnBuilder(.string)
        for v in ["abc", "", "ABC", "xyz"] { strings.append(string: v) }
        strings = { var x = ColumnBuilder(.string); x.append(string: "abc"); x.appendNull(); x.append(string: "a%c"); x.append(string: "xyz"); return x }()
        return RecordBatch(
            schema: Schema([Field("a", .int32), Field("b", .boolean), Field("s", .string)]),
            columns: [
                Column(type: .int32, storage: .int32([1, 0, -3, 2_000_000_000]), validity: [true, false, true, true]),
                Column(type: .boolean, storage: .bool([true, false, false, true]), validity: [true, true, false, true]),
                strings.build(),
            ])
    }

    func eval(_ expr: Expr) throws -> [Value] {
        let evaluator = ExpressionEvaluator(inputs: [a, b, s])
        let column = try evaluator.column(expr, batch())
        return (0..<column.count).map { column.value(at: $0) }
    }

    @Test func threeValuedLogic() throws {
        let t = Expr.literal(.bool(true), .boolean), f = Expr.literal(.bool(false), .boolean), null = Expr.null(.boolean)
        #expect(try eval(.and([.column(b), f])) == [.bool(false), .bool(false), .bool(false), .bool(false)])
        #expect(try eval(.and([.column(b), t])) == [.bool(true), .bool(false), .null, .bool(true)])
        #expect(try eval(.or([.column(b), null])) == [.bool(true), .null, .null, .bool(true)])
        #expect(try eval(.not(.column(b))) == [.bool(false), .bool(true), .null, .bool(false)])
    }

    @Test func comparisonsPropagateNull() throws {
        let one = Expr.literal(.int(1), .int32)
        #expect(try eval(.compare(.greaterOrEqual, .column(a), one)) == [.bool(true), .null, .bool(false), .bool(true)])
        #expect(try eval(.isNull(.column(a))) == [.bool(false), .bool(true), .bool(false), .bool(false)])
        #expect(try eval(.isDistinctFrom(.column(a), .null(.int32))) == [.bool(true), .bool(false), .bool(true), .bool(true)])
        #expect(try eval(.inList(.column(a), [one, .null(.int32)])) == [.bool(true), .null, .null, .null])
    }

    @Test func integerOverflowIsAnError() throws {
        let expr = Expr.arithmetic(.multiply, .column(a), .literal(.int(2), .int32), .int32)
        #expect(throws: TarnError(.invalidValue, "integer multiplication overflow: 2000000000 * 2")) { try eval(expr) }
        // The null row's slot (0) does not cause a spurious division by zero.
        let division = Expr.arithmetic(.divide, .literal(.int(10), .int32), .column(a), .int32)
        #expect(try eval(division) == [.int(10), .null, .int(-3), .int(0)])
        let byZero = Expr.arithmetic(.divide, .column(a), .literal(.int(0), .int32), .int32)
        #expect(throws: TarnError(.invalidValue, "Division by zero")) { try eval(byZero) }
    }

    @Test func integerDivisionTruncates() throws {
        let expr = Expr.arithmetic(.divide, .column(a), .literal(.int(2), .int32), .int32)
        #expect(try eval(expr) == [.int(0), .null, .int(-1), .int(1_000_000_000)])
    }

    @Test func likeWithEscape() throws {
        let pattern = Expr.literal(.string("a!%c"), .string)
        let expr = Expr.like(.column(s), pattern: pattern, escape: .literal(.string("!"), .string))
        #expect(try eval(expr) == [.bool(false), .null, .bool(true), .bool(false)])
        let wildcard = Expr.like(.column(s), pattern: .literal(.string("_b%"), .string), escape: nil)
        #expect(try eval(wildcard) == [.bool(true), .null, .bool(false), .bool(false)])
    }

    @Test func caseEvaluatesBranchesLazily() throws {
        // 10 / a only runs where a <> 0; the NULL row and the others never divide by zero.
        let guarded = Expr.caseWhen(
            conditions: [.compare(.notEqual, .column(a), .literal(.int(0), .int32))],
            results: [.arithmetic(.divide, .literal(.int(10), .int32), .column(a), .int32)], otherwise: .literal(.int(-1), .int32), .int32)
        #expect(try eval(guarded) == [.int(10), .int(-1), .int(-3), .int(0)])
    }

    @Test func decimalArithmeticRoundsHalfUp() throws {
        let x = Expr.literal(.decimal(1000, scale: 2), .decimal(precision: 4, scale: 2))  // 10.00
        let three = Expr.literal(.decimal(3, scale: 0), .decimal(precision: 10, scale: 0))
        let evaluator = ExpressionEvaluator(inputs: [])
        #expect(try evaluator.constant(.arithmetic(.divide, x, three, .decimal(precision: 6, scale: 2))) == .decimal(333, scale: 2))
        let two = Expr.literal(.decimal(2, scale: 0), .decimal(precision: 10, scale: 0))
        let five = Expr.literal(.decimal(5, scale: 0), .decimal(precision: 10, scale: 0))
        // 2 / 3 → 0.67 at scale 2; 5 / 2 at scale 0 → 3 (half up).
        #expect(try evaluator.constant(.arithmetic(.divide, .cast(two, .decimal(precision: 12, scale: 2), safe: false), three, .decimal(precision: 12, scale: 2))) == .decimal(67, scale: 2))
        #expect(try evaluator.constant(.arithmetic(.divide, five, two, .decimal(precision: 10, scale: 0))) == .decimal(3, scale: 0))
    }

    @Test func castsFollowTrino() throws {
        let evaluator = ExpressionEvaluator(inputs: [])
        #expect(try evaluator.constant(.cast(.literal(.double(2.5), .float64), .int32, safe: false)) == .int(3))
        #expect(try evaluator.constant(.cast(.literal(.double(-2.5), .float64), .int64, safe: false)) == .int(-3))
        #expect(try evaluator.constant(.cast(.literal(.string(" 42 "), .string), .int32, safe: false)) == .int(42))
        #expect(try evaluator.constant(.cast(.literal(.string("x"), .string), .int32, safe: true)) == .null)
        #expect(try evaluator.constant(.cast(.literal(.int(3_000_000_000), .int64), .int32, safe: true)) == .null)
        #expect(try evaluator.constant(.cast(.literal(.string("12.345"), .string), .decimal(precision: 5, scale: 2), safe: false)) == .decimal(1235, scale: 2))
        #expect(try evaluator.constant(.cast(.literal(.timestamp(90_061_000_000, .microseconds), SQLTypes.timestamp), .date, safe: false)) == .date(1))
    }

    @Test func dateFunctions() throws {
        let evaluator = ExpressionEvaluator(inputs: [])
        let ts = Expr.literal(.timestamp(CivilTime.parseTimestamp("2024-02-29 13:45:30.250")!, .microseconds), SQLTypes.timestamp)
        func call(_ f: ScalarFunction, _ args: [Expr], _ type: DataType) throws -> Value { try evaluator.constant(.call(f, args, type)) }
        #expect(try call(.year, [ts], .int64) == .int(2024))
        #expect(try call(.dayOfWeek, [ts], .int64) == .int(4))
        #expect(try call(.millisecond, [ts], .int64) == .int(250))
        let truncated = try call(.dateTrunc, [.literal(.string("month"), .string), ts], SQLTypes.timestamp)
        #expect(truncated == .timestamp(CivilTime.parseTimestamp("2024-02-01 00:00:00")!, .microseconds))
        let nextYear = try call(.dateAdd, [.literal(.string("year"), .string), .literal(.int(1), .int64), ts], SQLTypes.timestamp)
        #expect(nextYear == .timestamp(CivilTime.parseTimestamp("2025-02-28 13:45:30.250")!, .microseconds))
        let formatted = try call(.formatDatetime, [ts, .literal(.string("EEEE, d MMMM yyyy h:mm a"), .string)], .string)
        #expect(formatted == .string("Thursday, 29 February 2024 1:45 PM"))
    }

    @Test func roundingIsHalfAwayFromZero() throws {
        let evaluator = ExpressionEvaluator(inputs: [])
        func round(_ v: Double, _ d: Int64) throws -> Value {
            try evaluator.constant(.call(.round, [.literal(.double(v), .float64), .literal(.int(d), .int64)], .float64))
        }
        #expect(try round(2.5, 0) == .double(3))
        #expect(try round(-2.5, 0) == .double(-3))
        #expect(try round(1.005, 2) == .double(1.0))  // 1.005 is 1.00499… in binary
        #expect(try round(123.456, -1) == .double(120))
    }

    @Test func stringFunctionsCountCodePoints() throws {
        let evaluator = ExpressionEvaluator(inputs: [])
        let text = Expr.literal(.string("añb€c"), .string)
        #expect(try evaluator.constant(.call(.length, [text], .int64)) == .int(5))
        #expect(try evaluator.constant(.call(.substr, [text, .literal(.int(2), .int64), .literal(.int(3), .int64)], .string)) == .string("ñb€"))
        #expect(try evaluator.constant(.call(.strpos, [text, .literal(.string("€"), .string)], .int64)) == .int(4))
        #expect(try evaluator.constant(.call(.upper, [text], .string)) == .string("AÑB€C"))
    }

    @Test func keyTableGroupsNullsTogether() throws {
        var builder = ColumnBuilder(.string)
        for v in ["x", nil, "y", "x", nil] as [String?] { if let v { builder.append(string: v) } else { builder.appendNull() } }
        let keys = KeyEncoder.encode([builder.build(), Column(type: .int64, storage: .int64([1, 1, 1, 1, 1]))], count: 5)
        let table = KeyTable(capacity: 1)
        var newRows: [Int32] = []
        let groups = table.groups(keys, insert: true, newGroupRows: &newRows)
        #expect(groups == [0, 1, 2, 0, 1])
        #expect(newRows == [0, 1, 2])
    }
}

@Suite struct SingleStringKeyTests {
    @Test func nullSlotsWithBytesStillGroupTogether() {
        // Row 1 and 3 are NULL but their slots hold bytes ("zz", "q"), as some readers leave them.
        let data = Array("a".utf8) + Array("zz".utf8) + Array("".utf8) + Array("q".utf8) + Array("a".utf8)
        let offsets: [Int32] = [0, 1, 3, 3, 4, 5]
        let column = Column(type: .string, storage: .bytes(offsets: offsets, data: data), validity: [true, false, true, false, true])
        let keys = KeyEncoder.encode([column], count: 5)
        let table = KeyTable(capacity: 1)
        var newRows: [Int32] = []
        let groups = table.groups(keys, insert: true, newGroupRows: &newRows)
        // "a", NULL, "", NULL, "a": NULL is its own group, distinct from the empty string.
        #expect(groups == [0, 1, 2, 1, 0])
        var none: [Int32] = []
        let probe = Column(type: .string, storage: .bytes(offsets: [0, 0, 1], data: Array("a".utf8)), validity: [false, true])
        #expect(table.groups(KeyEncoder.encode([probe], count: 2), insert: false, newGroupRows: &none) == [1, 0])
    }
}

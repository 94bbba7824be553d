import Columnar
import Foundation
import QueryPlanner
import TarnCore
import Testing
@testable import QueryExecution

/// Batches whose whole group key is one value (hive partition columns) take one group lookup per
/// batch; mixed with varying batches, NULL keys and strings, the groups are the same.
@Suite struct ConstantKeysTests {
    @Test func detectsConstantColumns() {
        #expect(ConstantKeys.isConstant(Column(type: .int64, storage: .int64([4, 4, 4])), count: 3))
        #expect(!ConstantKeys.isConstant(Column(type: .int64, storage: .int64([4, 4, 5])), count: 3))
        #expect(ConstantKeys.isConstant(Column(type: .int64, storage: .int64([1, 9]), validity: [false, false]), count: 2))
        #expect(!ConstantKeys.isConstant(Column(type: .int64, storage: .int64([0, 0]), validity: [true, false]), count: 2))
        var same = ColumnBuilder(.string)
        var different = ColumnBuilder(.string)
        for value in ["ab", "ab", "ab"] { same.append(string: value) }
        for value in ["ab", "ab", "ba"] { different.append(string: value) }
        #expect(ConstantKeys.isConstant(same.build(), count: 3))
        #expect(!ConstantKeys.isConstant(different.build(), count: 3))
        #expect(!ConstantKeys.isConstant(Column(type: .float64, storage: .float64([1.5, 2.5])), count: 2))
    }

    @Test(arguments: [1, 2])
    func constantAndVaryingBatchesGroupAlike(parallelism: Int) throws {
        let schema = Schema([Field("d", .int32), Field("c", .string), Field("x", .int64)])
        func batch(_ d: [Int32?], _ c: [String], _ x: [Int64]) -> RecordBatch {
            var strings = ColumnBuilder(.string)
            for value in c { strings.append(string: value) }
            let validity = d.contains(nil) ? d.map { $0 != nil } : nil
            return RecordBatch(schema: schema, columns: [
                Column(type: .int32, storage: .int32(d.map { $0 ?? 0 }), validity: validity), strings.build(),
                Column(type: .int64, storage: .int64(x)),
            ])
        }
        let batches = [
            batch([1, 1, 1], ["a", "a", "a"], [1, 2, 3]),  // constant: one lookup
            batch([1, 2, 1], ["a", "a", "b"], [10, 20, 30]),  // varying
            batch([nil, nil], ["a", "a"], [100, 200]),  // constant NULL d
            batch([2, 2], ["a", "a"], [1000, 2000]),  // constant, a group first seen row-wise
            batch([nil, 1], ["a", "a"], [5, 6]),  // NULL then value: not constant
            batch([2, 2, 2, 2], ["b", "a", "b", "c"], [1, 2, 3, 4]),  // d constant, c varying: deduplicated by c's number
            batch([nil, nil, nil], ["c", "b", "c"], [7, 8, 9]),  // d constant NULL, c varying
        ]
        let table = InMemoryTable(name: "t", schema: schema, batches: batches)
        let engine = QueryEngine(catalog: StaticCatalog(tables: ["t": table]), options: EngineOptions(parallelism: parallelism))
        let result = try engine.execute("SELECT d, c, count(*), sum(x) FROM t GROUP BY d, c ORDER BY d NULLS LAST, c")
        #expect(result.textRows == [
            ["1", "a", "5", "22"], ["1", "b", "1", "30"], ["2", "a", "4", "3022"], ["2", "b", "2", "4"], ["2", "c", "1", "4"],
            ["NULL", "a", "3", "305"], ["NULL", "b", "1", "8"], ["NULL", "c", "2", "16"],
        ])
        let single = try engine.execute("SELECT d, sum(x) FROM t GROUP BY d ORDER BY d NULLS LAST")
        #expect(single.textRows == [["1", "52"], ["2", "3030"], ["NULL", "329"]])
    }
}

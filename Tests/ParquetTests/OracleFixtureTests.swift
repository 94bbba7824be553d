import Columnar
import Foundation
import Parquet
import TarnCore
import TarnTesting
import Testing

/// Every `data/*.parquet` that pyarrow can read decodes to the values in its
/// `expected/<name>.expected.json` (pyarrow 26's decoding, the oracle).
@Suite struct OracleFixtureTests {
    static let expectedFiles: [String] = {
        let directory = Fixtures.path("ParquetTests", "expected")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.hasSuffix(".expected.json") }.map { String($0.dropLast(".expected.json".count)) }.sorted()
    }()

    /// Options the oracle was produced with for particular files.
    static func options(for name: String) -> ReadOptions {
        // The oracle coerced INT96 to microseconds for this file (its values overflow nanoseconds).
        name == "int96_from_spark" ? ReadOptions(int96Unit: .microseconds) : ReadOptions()
    }

    /// Places where the oracle is known to be wrong, with the value the upstream notes give.
    /// int96_from_spark.md lists the last value as 9089380393200000000 µs (year 290000); pyarrow 26
    /// wraps it through nanoseconds and prints -7188624036226874385.
    static let corrections: [String: [String: JSONValue]] = [
        "int96_from_spark": ["row 5.a": .object(["epoch": .int(9_089_380_393_200_000_000), "unit": .string("us")])],
    ]

    @Test func oracleCoversTheFixtures() {
        #expect(Self.expectedFiles.count == 63)
    }

    @Test(arguments: expectedFiles)
    func matchesOracle(_ name: String) throws {
        let expectedData = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("ParquetTests", "expected/\(name).expected.json")))
        guard case .object(let expected) = try JSONParser.parse(expectedData) else { throw JSONParser.Failure(description: "not an object") }
        func integer(_ key: String) -> Int64? { if case .int(let i) = expected[key] { return i } else { return nil } }
        let reader = try ParquetFileReader(path: Fixtures.path("ParquetTests", "data/\(name).parquet"), options: Self.options(for: name))
        #expect(reader.metadata.rowCount == integer("num_rows") || name == "repeated_no_annotation")
        #expect(Int64(reader.metadata.rowGroupCount) == integer("num_row_groups"))
        if case .string(let createdBy) = expected["created_by"] { #expect((reader.metadata.createdBy ?? "") == createdBy) }
        guard case .array(let columns) = expected["columns"], case .array(let rows) = expected["rows"] else {
            Issue.record("oracle file lacks columns or rows")
            return
        }
        #expect(reader.schema.fields.map(\.name) == columns.map { $0["name"]?.description.trimmingCharacters(in: CharacterSet(charactersIn: "\"")) ?? "" })

        let batch = try reader.readAll()
        #expect(Int64(batch.rowCount) == reader.metadata.rowCount)
        if case .string("all") = expected["rows_included"] { #expect(rows.count == batch.rowCount) }
        for (column, description) in zip(batch.columns, columns) {
            if case .int(let nullCount) = description["null_count"] {
                #expect(column.nullCount == Int(nullCount), "null count of \(description["name"]!)")
            }
        }
        for (rowIndex, row) in rows.enumerated() {
            for (columnIndex, field) in batch.schema.fields.enumerated() {
                let actual = OracleJSON.render(batch.columns[columnIndex], row: rowIndex)
                var difference: String?
                let path = "row \(rowIndex).\(field.name)"
                let want = Self.corrections[name]?[path] ?? row[field.name] ?? .null
                let ok = OracleJSON.matches(want, actual, path: path, difference: &difference)
                #expect(ok, "\(name): \(difference ?? "")")
                if !ok { return }
            }
        }
    }
}

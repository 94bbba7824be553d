import Columnar
import Foundation
import QueryExecution
import QueryPlanner
import SQLParser
import TarnCore
import TarnTesting

/// Loads the golden-test tables: CSV files whose header names each column with its SQL type
/// (`order_id:bigint,name:varchar,…`); an empty field is NULL. `regen.py` loads the same files
/// into DuckDB with the same types.
enum FixtureTables {
    static func load(_ name: String, batchRows: Int = 4) throws -> InMemoryTable {
        let path = Fixtures.path("QueryExecutionTests", "tables/\(name).csv")
        let text = String(decoding: try FileSystem.readFile(path), as: UTF8.self)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        let header = lines.removeFirst()
        let fields = try splitHeader(header).map { spec -> Field in
            let parts = spec.split(separator: ":", maxSplits: 1)
            let typeName = try SQLParser.parseExpression("CAST(NULL AS \(parts[1]))")
            guard case .cast(_, let type, _) = typeName.kind else { throw TarnError(.internal, "bad type \(parts[1])") }
            return Field(String(parts[0]), try SQLTypes.resolve(type))
        }
        var batches: [RecordBatch] = []
        var start = 0
        while start < lines.count {
            let chunk = lines[start..<min(lines.count, start + batchRows)]
            var builders = fields.map { ColumnBuilder($0.type, capacity: chunk.count) }
            for line in chunk {
                let cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                for (index, field) in fields.enumerated() {
                    let cell = index < cells.count ? cells[index] : ""
                    if cell.isEmpty && field.type != .string || (field.type == .string && cell.isEmpty) {
                        builders[index].appendNull()
                        continue
                    }
                    builders[index].append(try parse(cell, field.type))
                }
            }
            let columns = builders.map { $0.build() }
            batches.append(RecordBatch(schema: Schema(fields), columns: columns, rowCount: chunk.count))
            start += batchRows
        }
        return InMemoryTable(name: name, schema: Schema(fields), batches: batches)
    }

    /// Splits the header at commas outside parentheses (`decimal(5,2)` stays whole).
    static func splitHeader(_ header: String) -> [String] {
        var parts: [String] = [], current = "", depth = 0
        for c in header {
            if c == "(" { depth += 1 }
            if c == ")" { depth -= 1 }
            if c == "," && depth == 0 {
                parts.append(current)
                current = ""
            } else {
                current.append(c)
            }
        }
        parts.append(current)
        return parts
    }

    static func parse(_ cell: String, _ type: DataType) throws -> Value {
        switch type {
        case .boolean: return .bool(cell == "true")
        case .int8, .int16, .int32, .int64: return .int(Int64(cell)!)
        case .float32, .float64: return .double(Double(cell)!)
        case .decimal(_, let scale): return .decimal(DecimalText.parse(cell, scale: scale)!, scale: scale)
        case .date: return .date(CivilTime.parseDate(cell)!)
        case .timestamp: return .timestamp(CivilTime.parseTimestamp(cell)!, .microseconds)
        default: return .string(cell)
        }
    }

    /// A catalog with every fixture table in database `default`.
    static func catalog() throws -> StaticCatalog {
        var tables: [String: any TableProvider] = [:]
        for name in ["orders", "customers", "items", "nums"] { tables[name] = try load(name) }
        return StaticCatalog(tables: tables)
    }
}

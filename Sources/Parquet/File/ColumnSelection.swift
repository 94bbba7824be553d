import Columnar
import TarnCore

/// Which top-level fields to read, resolved to the leaf columns that hold them.
public struct ColumnSelection: Sendable, Hashable {
    /// Indices of the selected top-level fields, in output order.
    public let fields: [Int]
    /// Leaf columns to read, in file order.
    public let leaves: [Int]

    /// Resolves `names` (top-level field names; nil selects everything) against `schema`.
    /// - Throws: `TarnError(.notFound)` naming a field that does not exist.
    public init(_ names: [String]?, schema: ParquetSchema) throws {
        if let names {
            fields = try names.map { name in
                guard let index = schema.fieldIndex(name) ?? schema.fields.firstIndex(where: { $0.name.lowercased() == name.lowercased() }) else {
                    throw TarnError(.notFound, "no column '\(name)' (columns: \(schema.fields.map(\.name).joined(separator: ", ")))")
                }
                return index
            }
        } else {
            fields = Array(schema.fields.indices)
        }
        leaves = Array(Set(fields.flatMap { schema.leafIndices(ofField: $0) })).sorted()
    }
}

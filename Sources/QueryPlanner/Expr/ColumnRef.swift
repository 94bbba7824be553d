import Columnar

/// A column produced somewhere in a plan, identified by an id unique within the query.
public struct ColumnRef: Hashable, Sendable, CustomStringConvertible {
    /// The id.
    public var id: Int
    /// The name it is known by (for EXPLAIN and result schemas).
    public var name: String
    /// Its type.
    public var type: DataType

    /// Creates a reference.
    public init(id: Int, name: String, type: DataType) {
        self.id = id
        self.name = name
        self.type = type
    }

    /// `name#id`.
    public var description: String { "\(name)#\(id)" }

    /// References compare by id only.
    public static func == (lhs: ColumnRef, rhs: ColumnRef) -> Bool { lhs.id == rhs.id }
    /// Hashes the id.
    public func hash(into hasher: inout Hasher) { hasher.combine(id) }
}

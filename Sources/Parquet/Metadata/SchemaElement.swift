/// One node of the flattened schema tree (`SchemaElement`): a group when `numChildren` is set,
/// otherwise a leaf with a physical type.
public struct SchemaElement: Sendable, Hashable {
    /// Physical type (leaves only).
    public var type: PhysicalType?
    /// Byte width of FIXED_LEN_BYTE_ARRAY values.
    public var typeLength: Int32?
    /// Repetition (absent on the root).
    public var repetition: Repetition?
    /// The field name.
    public var name: String
    /// Number of children (groups only).
    public var numChildren: Int32?
    /// Legacy annotation.
    public var convertedType: ConvertedType?
    /// Decimal scale (legacy location, still required alongside the logical type).
    public var scale: Int32?
    /// Decimal precision (legacy location).
    public var precision: Int32?
    /// Field id from the writer's schema (Iceberg, Spark).
    public var fieldID: Int32?
    /// The logical annotation.
    public var logicalType: LogicalType?

    /// Creates a schema element.
    public init(name: String, type: PhysicalType? = nil, typeLength: Int32? = nil, repetition: Repetition? = nil,
                numChildren: Int32? = nil, convertedType: ConvertedType? = nil, scale: Int32? = nil,
                precision: Int32? = nil, fieldID: Int32? = nil, logicalType: LogicalType? = nil) {
        self.name = name
        self.type = type
        self.typeLength = typeLength
        self.repetition = repetition
        self.numChildren = numChildren
        self.convertedType = convertedType
        self.scale = scale
        self.precision = precision
        self.fieldID = fieldID
        self.logicalType = logicalType
    }

    /// Whether this element is a group (has children) rather than a leaf.
    public var isGroup: Bool { type == nil }
}

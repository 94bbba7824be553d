/// One column of a job's cleansed table: its type, where its value comes from, how it is
/// standardized and which rules it must pass.
public struct JobColumn: Sendable, Codable, Equatable {
    /// Column name in the cleansed table (lower-case, as Glue stores names).
    public var name: String
    /// Hive/Glue type string: `string`, `int`, `bigint`, `double`, `decimal(12,2)`, `date`,
    /// `timestamp`, `boolean`. Raw text is converted to this type; a value that does not convert
    /// rejects its row with the reason (`'two' is not a valid integer`). Timestamps accept ISO
    /// 8601 with `T` or a space, optional fraction and zone (`Z`, `+01:00`), and are stored
    /// converted to UTC; text without a zone is taken as UTC.
    public var type: String
    /// Name of the raw field (CSV header name or JSON member) when it differs from `name`.
    public var source: String?
    /// Computed from another column instead of read; derived columns may not have a `source`.
    public var derived: Derivation?
    /// String standardizations applied in order before the rules (`trim`, `lower`, `upper`).
    public var transforms: [StringTransform]
    /// Validation rules.
    public var rules: ColumnRules

    /// Creates a column.
    public init(
        _ name: String, _ type: String, source: String? = nil, derived: Derivation? = nil, transforms: [StringTransform] = [],
        rules: ColumnRules = ColumnRules()
    ) {
        self.name = name
        self.type = type
        self.source = source
        self.derived = derived
        self.transforms = transforms
        self.rules = rules
    }

    enum CodingKeys: String, CodingKey { case name, type, source, derived, transforms, rules }

    /// Decodes a column; everything but `name` and `type` may be absent.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            try c.decode(String.self, forKey: .name), try c.decode(String.self, forKey: .type),
            source: try c.decodeIfPresent(String.self, forKey: .source),
            derived: try c.decodeIfPresent(Derivation.self, forKey: .derived),
            transforms: try c.decodeIfPresent([StringTransform].self, forKey: .transforms) ?? [],
            rules: try c.decodeIfPresent(ColumnRules.self, forKey: .rules) ?? ColumnRules())
    }

    /// The raw field this column is read from (nil for derived columns).
    public var sourceField: String? { derived == nil ? (source ?? name) : nil }
}

/// A standardization of string values.
public enum StringTransform: String, Sendable, Codable, Equatable, CaseIterable {
    /// Removes leading and trailing ASCII whitespace (space, tab, CR, LF, VT, FF).
    case trim
    /// ASCII lower case (`A`–`Z` → `a`–`z`); other bytes are kept, so UTF-8 stays valid.
    case lower
    /// ASCII upper case.
    case upper
    /// An empty string (after the transforms before it) becomes NULL.
    case emptyAsNull
}

/// How a derived column is computed from another column.
public struct Derivation: Sendable, Codable, Equatable {
    /// What is extracted.
    public var function: Function
    /// The column it is computed from (a `timestamp` or `date` column, read or derived earlier).
    public var column: String

    /// Calendar parts of a UTC timestamp or a date.
    public enum Function: String, Sendable, Codable, Equatable, CaseIterable {
        /// Calendar year (`int`).
        case year
        /// Month 1–12 (`int`).
        case month
        /// Day of month 1–31 (`int`).
        case day
        /// Hour 0–23 (`int`; timestamps only).
        case hour
        /// The UTC date (`date`).
        case date
    }

    /// Creates a derivation.
    public init(_ function: Function, of column: String) {
        self.function = function
        self.column = column
    }

    /// `year(of: "sold_at")`.
    public static func year(of column: String) -> Derivation { Derivation(.year, of: column) }
    /// `month(of: "sold_at")`.
    public static func month(of column: String) -> Derivation { Derivation(.month, of: column) }
    /// `day(of: "sold_at")`.
    public static func day(of column: String) -> Derivation { Derivation(.day, of: column) }
    /// `hour(of: "ts")`.
    public static func hour(of column: String) -> Derivation { Derivation(.hour, of: column) }
    /// `date(of: "ts")`.
    public static func date(of column: String) -> Derivation { Derivation(.date, of: column) }
}

/// The rules a column's values must pass; a row failing any rule is quarantined with the rule
/// and the value in its reason. Bounds and allowed values are written as text and read with the
/// column's own type, so `"2024-01-01"` bounds a date and `"0.01"` a decimal exactly.
public struct ColumnRules: Sendable, Codable, Equatable {
    /// The value may not be NULL (nor, for strings, empty after the transforms).
    public var required: Bool
    /// Smallest allowed value (numbers, dates, timestamps).
    public var minimum: String?
    /// Largest allowed value.
    public var maximum: String?
    /// The only values allowed (compared after the transforms).
    public var allowedValues: [String]?
    /// A regular expression the whole value must match (strings only).
    public var pattern: String?
    /// Longest allowed string, in bytes of UTF-8.
    public var maxLength: Int?

    /// Creates rules; by default a column accepts anything of its type, including NULL.
    public init(
        required: Bool = false, minimum: String? = nil, maximum: String? = nil, allowedValues: [String]? = nil, pattern: String? = nil,
        maxLength: Int? = nil
    ) {
        self.required = required
        self.minimum = minimum
        self.maximum = maximum
        self.allowedValues = allowedValues
        self.pattern = pattern
        self.maxLength = maxLength
    }

    enum CodingKeys: String, CodingKey { case required, minimum, maximum, allowedValues, pattern, maxLength }

    /// Decodes rules; every rule may be absent.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            required: try c.decodeIfPresent(Bool.self, forKey: .required) ?? false,
            minimum: try c.decodeIfPresent(String.self, forKey: .minimum),
            maximum: try c.decodeIfPresent(String.self, forKey: .maximum),
            allowedValues: try c.decodeIfPresent([String].self, forKey: .allowedValues),
            pattern: try c.decodeIfPresent(String.self, forKey: .pattern),
            maxLength: try c.decodeIfPresent(Int.self, forKey: .maxLength))
    }
}

/// Request headers: case-insensitive names, several values per name, in arrival order.
///
/// Kept as a flat array because requests carry a dozen or two headers, so a linear scan beats
/// hashing, and arrival order matters: SigV4 joins repeated headers' values in the order they
/// were sent (test suite case `get-header-value-order`).
public struct HTTPHeaders: Sendable, Equatable, Sequence, ExpressibleByDictionaryLiteral {
    /// One header line.
    public struct Field: Sendable, Equatable {
        /// The name in lowercase (HTTP names are case-insensitive; SigV4 signs them lowercased).
        public var name: String
        /// The value as received.
        public var value: String
    }

    /// The header lines in arrival order.
    public private(set) var fields: [Field] = []

    /// Creates an empty header set.
    public init() {}

    /// Creates headers from name/value pairs, keeping their order and repeats.
    /// - Parameter pairs: `(name, value)` in arrival order; names in any case.
    public init(_ pairs: [(String, String)]) {
        fields.reserveCapacity(pairs.count)
        for (name, value) in pairs { add(name, value) }
    }

    /// Creates headers from a literal; use `init(_:)` when a name repeats.
    public init(dictionaryLiteral elements: (String, String)...) { self.init(elements) }

    /// Appends a header line.
    /// - Parameters:
    ///   - name: the header name in any case.
    ///   - value: the value as received.
    public mutating func add(_ name: String, _ value: String) {
        fields.append(Field(name: Self.lowercase(name), value: value))
    }

    /// Replaces every line called `name` with one line carrying `value`.
    public mutating func set(_ name: String, _ value: String) {
        remove(name)
        add(name, value)
    }

    /// Removes every line called `name`.
    public mutating func remove(_ name: String) {
        fields.removeAll { Self.equalsIgnoringCase($0.name, name) }
    }

    /// The first value of `name`, or `nil` when absent.
    public subscript(_ name: String) -> String? {
        for field in fields where Self.equalsIgnoringCase(field.name, name) { return field.value }
        return nil
    }

    /// Every value of `name`, in arrival order.
    public func values(_ name: String) -> [String] {
        fields.filter { Self.equalsIgnoringCase($0.name, name) }.map(\.value)
    }

    /// Whether a line called `name` is present.
    public func contains(_ name: String) -> Bool { self[name] != nil }

    /// Iterates over the header lines in arrival order.
    public func makeIterator() -> IndexingIterator<[Field]> { fields.makeIterator() }

    /// ASCII-lowercases a header name, without allocating when it is already lowercase (the
    /// common case: HTTP/2 requires it and most clients send it).
    static func lowercase(_ name: String) -> String {
        if !name.utf8.contains(where: { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }) { return name }
        return String(decoding: name.utf8.map { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") ? $0 | 0x20 : $0 }, as: UTF8.self)
    }

    /// Compares a stored (lowercase) name with a name in any case, byte by byte.
    @inline(__always)
    static func equalsIgnoringCase(_ stored: String, _ other: some StringProtocol) -> Bool {
        var a = stored.utf8.makeIterator()
        var b = other.utf8.makeIterator()
        while true {
            switch (a.next(), b.next()) {
            case (nil, nil): return true
            case let (x?, y?):
                let lower = y >= UInt8(ascii: "A") && y <= UInt8(ascii: "Z") ? y | 0x20 : y
                if x != lower { return false }
            default: return false
            }
        }
    }
}

/// The parameters of a raw query string, in order, both as sent and decoded.
///
/// `a=1&b&c=` gives `a`→`1`, `b`→`nil` (no `=`), `c`→`""`. Empty segments (`a=1&&b=2`) are
/// skipped. Decoding turns `+` into a space, as the SDKs' query encoders and S3 read it.
public struct QueryParameters: Sendable, Equatable, Sequence {
    /// One `name[=value]` segment.
    public struct Parameter: Sendable, Equatable {
        /// The name as sent (percent-encoded).
        public var rawName: Substring
        /// The value as sent, or `nil` when the segment had no `=`.
        public var rawValue: Substring?
        /// The decoded name.
        public var name: String
        /// The decoded value; `""` when the segment had no `=`.
        public var value: String
    }

    /// The parameters in the order sent.
    public let parameters: [Parameter]

    /// Parses a raw query string (the part after `?`, without `#fragment`).
    public init(rawQuery: String) {
        var parameters: [Parameter] = []
        for segment in rawQuery[...].split(byte: UInt8(ascii: "&"), omittingEmpty: true) {
            if let equals = segment.firstIndex(byte: UInt8(ascii: "=")) {
                let rawName = segment[..<equals]
                let rawValue = segment[segment.index(after: equals)...]
                parameters.append(
                    Parameter(
                        rawName: rawName, rawValue: rawValue,
                        name: PercentEncoding.decode(rawName, plusAsSpace: true),
                        value: PercentEncoding.decode(rawValue, plusAsSpace: true)))
            } else {
                parameters.append(
                    Parameter(rawName: segment, rawValue: nil, name: PercentEncoding.decode(segment, plusAsSpace: true), value: ""))
            }
        }
        self.parameters = parameters
    }

    /// The decoded value of the first parameter called `name` (case-sensitive, as AWS is).
    public subscript(_ name: String) -> String? {
        for parameter in parameters where parameter.name == name { return parameter.value }
        return nil
    }

    /// Whether a parameter called `name` is present.
    public func contains(_ name: String) -> Bool { self[name] != nil }

    /// Number of parameters.
    public var count: Int { parameters.count }

    /// Iterates over the parameters in the order sent.
    public func makeIterator() -> IndexingIterator<[Parameter]> { parameters.makeIterator() }
}

/// One lexical token of SQL text.
public struct Token: Hashable, Sendable {
    /// What kind of token this is.
    public enum Kind: Hashable, Sendable {
        /// An unquoted word: keyword or identifier (keywords are recognised by the parser).
        case word
        /// A `"double quoted"` or `` `backquoted` `` identifier; `text` is unescaped.
        case quotedIdentifier
        /// A `'single quoted'` string; `text` is unescaped.
        case string
        /// Digits only: an integer literal.
        case integer
        /// Digits with a decimal point: an exact decimal literal (Trino: `DECIMAL`).
        case decimal
        /// Digits with an exponent: a `DOUBLE` literal.
        case double
        /// An operator or punctuation, e.g. `<=`, `||`, `(`.
        case symbol
        /// End of input.
        case end
    }

    /// The kind.
    public var kind: Kind
    /// The text (unescaped for strings and quoted identifiers).
    public var text: String
    /// Upper-cased text for words, so keyword tests do not re-case on every look.
    public var upper: String
    /// Where the token starts.
    public var location: SourceLocation

    /// Creates a token.
    public init(kind: Kind, text: String, location: SourceLocation) {
        self.kind = kind
        self.text = text
        self.upper = kind == .word ? text.uppercased() : text
        self.location = location
    }

    /// How the token is quoted in error messages: `'FORM'`, `'<EOF>'`.
    var display: String {
        switch kind {
        case .end: "<EOF>"
        case .string: "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
        case .quotedIdentifier: "\"" + text + "\""
        default: text
        }
    }
}

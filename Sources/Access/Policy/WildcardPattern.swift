/// A policy pattern with IAM's two wildcards: `*` (any run of characters, including none) and
/// `?` (exactly one character), matched over UTF-8 bytes.
///
/// IAM: actions match case-insensitively ("Action": "S3:get*" covers `s3:GetObject`), ARNs and
/// condition values case-sensitively. Patterns are compiled once when a policy is parsed; a
/// pattern without wildcards compares bytes directly.
public struct WildcardPattern: Sendable, Hashable, CustomStringConvertible {
    /// The pattern as written in the policy.
    public let text: String
    let bytes: [UInt8]
    let caseInsensitive: Bool
    let hasWildcards: Bool
    /// Whether the pattern is `*` alone (matches everything).
    public let matchesEverything: Bool

    /// Compiles a pattern.
    /// - Parameters:
    ///   - text: the pattern.
    ///   - caseInsensitive: whether ASCII letters match either case (actions).
    public init(_ text: String, caseInsensitive: Bool = false) {
        self.text = text
        self.caseInsensitive = caseInsensitive
        let raw = Array(text.utf8)
        bytes = caseInsensitive ? raw.map(Self.lower) : raw
        hasWildcards = raw.contains(UInt8(ascii: "*")) || raw.contains(UInt8(ascii: "?"))
        matchesEverything = text == "*"
    }

    /// The pattern as written.
    public var description: String { text }

    @inline(__always)
    static func lower(_ byte: UInt8) -> UInt8 { byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte }

    /// Whether `value` matches the whole pattern.
    public func matches(_ value: String) -> Bool {
        if matchesEverything { return true }
        var value = value
        return value.withUTF8 { matches(bytes: $0) }
    }

    /// Whether these UTF-8 bytes match the whole pattern.
    public func matches(bytes value: UnsafeBufferPointer<UInt8>) -> Bool {
        if matchesEverything { return true }
        if !hasWildcards {
            guard value.count == bytes.count else { return false }
            for index in 0..<bytes.count where fold(value[index]) != bytes[index] { return false }
            return true
        }
        // Iterative glob matching with one backtrack point: linear in practice, and never
        // exponential (the last `*` seen is the only one that can absorb more characters).
        var p = 0, v = 0
        var starP = -1, starV = 0
        let pattern = bytes
        while v < value.count {
            if p < pattern.count && (pattern[p] == UInt8(ascii: "?") || (pattern[p] != UInt8(ascii: "*") && pattern[p] == fold(value[v]))) {
                // `?` matches one character; a UTF-8 continuation byte belongs to the same one.
                if pattern[p] == UInt8(ascii: "?") {
                    v += 1
                    while v < value.count && value[v] & 0xC0 == 0x80 { v += 1 }
                } else {
                    v += 1
                }
                p += 1
            } else if p < pattern.count && pattern[p] == UInt8(ascii: "*") {
                starP = p
                starV = v
                p += 1
            } else if starP >= 0 {
                p = starP + 1
                starV += 1
                v = starV
            } else {
                return false
            }
        }
        while p < pattern.count && pattern[p] == UInt8(ascii: "*") { p += 1 }
        return p == pattern.count
    }

    @inline(__always)
    private func fold(_ byte: UInt8) -> UInt8 { caseInsensitive ? Self.lower(byte) : byte }
}

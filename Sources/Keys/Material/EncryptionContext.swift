/// An encryption context: non-secret key–value pairs bound to a ciphertext as additional
/// authenticated data (AAD). Decrypting needs exactly the same pairs.
///
/// AWS KMS: "the order of the key-value pairs does not matter", so the pairs are canonicalised
/// before they reach AES-GCM: sorted by the UTF-8 bytes of their keys, each key and value
/// length-prefixed (4 bytes, big-endian), so no two different contexts share an encoding.
public struct EncryptionContext: Sendable, Hashable, ExpressibleByDictionaryLiteral {
    /// The pairs.
    public var pairs: [String: String]

    /// Creates a context from pairs.
    public init(_ pairs: [String: String] = [:]) { self.pairs = pairs }

    /// Creates a context from a literal.
    public init(dictionaryLiteral elements: (String, String)...) {
        self.pairs = Dictionary(elements, uniquingKeysWith: { _, last in last })
    }

    /// Whether there are no pairs.
    public var isEmpty: Bool { pairs.isEmpty }

    /// The canonical byte encoding used as AAD: count, then (key length, key, value length, value)
    /// for each pair in key byte order.
    public var canonicalBytes: [UInt8] {
        var out: [UInt8] = []
        Self.appendLength(pairs.count, to: &out)
        for key in pairs.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
            let value = pairs[key] ?? ""
            Self.appendLength(key.utf8.count, to: &out)
            out += key.utf8
            Self.appendLength(value.utf8.count, to: &out)
            out += value.utf8
        }
        return out
    }

    /// Whether every pair of `other` is also in this context with the same value (the
    /// `EncryptionContextSubset` grant constraint).
    public func contains(_ other: EncryptionContext) -> Bool {
        other.pairs.allSatisfy { pairs[$0.key] == $0.value }
    }

    private static func appendLength(_ length: Int, to out: inout [UInt8]) {
        let value = UInt32(truncatingIfNeeded: length)
        out += [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
    }
}

/// Whole-value regular-expression matching for the `pattern` rule.
///
/// Swift's `Regex` defines the semantics (full Unicode, the usual Perl-style syntax), but it
/// needs a `String` per value and costs about a microsecond per call: ten million IDs would take
/// ten seconds. So patterns in the regular subset are also compiled to a `ByteDFA`, which
/// answers for printable-ASCII values with one table lookup per byte; other values, and
/// patterns outside the subset, go to `Regex`, whose results are remembered per distinct value
/// in a bounded table (raw feeds repeat values a lot).
///
/// A reference type owned by one pipeline thread; not thread-safe.
final class PatternMatcher {
    private let regex: Regex<AnyRegexOutput>
    private let dfa: ByteDFA?
    private var memo = ByteStringMemo(capacity: 1 << 16, byteBudget: 4 << 20)

    /// Compiles `pattern`.
    /// - Throws: the regex compiler's error for an invalid pattern.
    init(_ pattern: String) throws {
        regex = try Regex(pattern)
        dfa = ByteDFA.compile(pattern)
    }

    /// Whether a DFA answers for ASCII values.
    var hasFastPath: Bool { dfa != nil }

    /// Whether the whole of `bytes` (UTF-8) matches.
    func matches(_ bytes: UnsafeRawBufferPointer) -> Bool {
        if let dfa, let answer = dfa.matches(bytes) { return answer }
        return regexMatches(bytes)
    }

    /// The `Regex` answer (memoized), bypassing the DFA.
    func regexMatches(_ bytes: UnsafeRawBufferPointer) -> Bool {
        if let known = memo.lookup(bytes) { return known }
        let text = String(decoding: bytes, as: UTF8.self)
        let result = (try? regex.wholeMatch(in: text)) != nil
        memo.insert(bytes, result)
        return result
    }
}

/// A bounded map from byte strings to booleans: open addressing over a 64-bit hash, keys stored
/// back to back in one buffer. Once `capacity` entries or `byteBudget` key bytes are used it
/// stops remembering (lookups still work), so a column of unique values cannot grow it without bound.
struct ByteStringMemo {
    private var slots: [Int32]
    private var hashes: [UInt64] = []
    private var starts: [Int] = []
    private var lengths: [Int32] = []
    private var results: [Bool] = []
    private var bytes: [UInt8] = []
    private let capacity: Int
    private let byteBudget: Int
    private let mask: Int

    init(capacity: Int, byteBudget: Int) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = [Int32](repeating: -1, count: size)
        mask = size - 1
        self.capacity = capacity
        self.byteBudget = byteBudget
    }

    @inline(__always)
    private static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 { KeyHasher.hashBytes(bytes, seed: 0x6A09_E667_F3BC_C908) }

    /// The remembered result for `key`, if any.
    func lookup(_ key: UnsafeRawBufferPointer) -> Bool? {
        let hash = Self.hash(key)
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let index = Int(slots[slot])
            if index < 0 { return nil }
            if hashes[index] == hash && Int(lengths[index]) == key.count && equal(index, key) { return results[index] }
            slot = (slot + 1) & mask
        }
    }

    private func equal(_ index: Int, _ key: UnsafeRawBufferPointer) -> Bool {
        bytes.withUnsafeBytes { stored in
            UnsafeRawBufferPointer(rebasing: stored[starts[index]..<starts[index] + key.count]).elementsEqual(key)
        }
    }

    /// Remembers `result` for `key` while there is room.
    mutating func insert(_ key: UnsafeRawBufferPointer, _ result: Bool) {
        guard results.count < capacity, bytes.count + key.count <= byteBudget else { return }
        let hash = Self.hash(key)
        var slot = Int(truncatingIfNeeded: hash) & mask
        while slots[slot] >= 0 { slot = (slot + 1) & mask }
        slots[slot] = Int32(results.count)
        hashes.append(hash)
        starts.append(bytes.count)
        lengths.append(Int32(key.count))
        results.append(result)
        bytes.append(contentsOf: key)
    }
}

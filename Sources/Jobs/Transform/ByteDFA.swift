/// A deterministic automaton over bytes for the regular subset of pattern syntax, so the
/// `pattern` rule costs one table lookup per byte instead of a `Regex` call per value.
///
/// Supported: literals and escaped metacharacters, `.`, classes `[a-z0-9_]` and `[^…]`, the
/// escapes `\d \w \s \D \W \S`, groups `( … )` and `(?: … )`, alternation `|`, the quantifiers
/// `* + ? {n} {n,} {n,m}` (greedy or lazy: for a whole-value yes/no answer they match the same
/// strings), and `^`/`$` at the ends (whole-value matching makes them redundant). Anything else
/// (backreferences, lookaround, `\b`, Unicode properties, inline options) makes `compile` return
/// nil, and the caller keeps using `Regex`.
///
/// The semantics equal `Regex.wholeMatch` for ASCII values; callers only use the DFA for values
/// whose bytes are all ASCII, since `.` and negated classes match one Unicode character there,
/// not one byte.
///
/// Construction: the pattern becomes a Thompson NFA (fragments joined by ε-edges), then subset
/// construction over byte equivalence classes builds the DFA table, refusing to grow past
/// `maxStates` (pathological patterns such as `(a|b)*a(a|b){20}` fall back to `Regex`).
struct ByteDFA: Sendable {
    /// `table[state * classCount + class[byte]]` is the next state; state 0 is dead.
    private let table: [Int32]
    private let classes: [UInt8]
    private let classCount: Int
    private let accepting: [Bool]
    private let start: Int32

    static let maxStates = 2048
    static let maxNFAStates = 20_000

    /// Whether all of `bytes` matches, or nil when the value holds a byte outside printable ASCII
    /// and tab: there a byte is not always one `Character` (`\r\n` is one, so is every non-ASCII
    /// scalar with what combines with it), and only `Regex` answers exactly.
    @inline(__always)
    func matches(_ bytes: UnsafeRawBufferPointer) -> Bool? {
        var state = Int(start)
        for byte in bytes {
            if byte >= 0x7F || (byte < 0x20 && byte != 0x09) { return nil }
            state = Int(table[state &* classCount &+ Int(classes[Int(byte)])])
            if state == 0 {
                // Dead: no continuation matches, but a later non-ASCII byte would still change
                // the rules, so finish the check for bytes the DFA does not model.
                for rest in bytes where rest >= 0x7F || (rest < 0x20 && rest != 0x09) { return nil }
                return false
            }
        }
        return accepting[state]
    }

    /// The automaton for `pattern`, or nil when the pattern uses syntax outside the regular subset.
    static func compile(_ pattern: String) -> ByteDFA? {
        guard pattern.utf8.allSatisfy({ $0 < 0x80 }) else { return nil }
        var parser = Parser(bytes: Array(pattern.utf8))
        guard let node = parser.parse() else { return nil }
        var nfa = NFA()
        guard let fragment = nfa.build(node), nfa.states.count <= maxNFAStates else { return nil }
        nfa.accept = fragment.end
        return determinize(nfa, start: fragment.start)
    }

    // MARK: - Syntax

    /// A set of bytes as four 64-bit words.
    struct ByteSet: Hashable {
        var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

        static func == (a: ByteSet, b: ByteSet) -> Bool { a.words == b.words }
        func hash(into hasher: inout Hasher) {
            hasher.combine(words.0)
            hasher.combine(words.1)
            hasher.combine(words.2)
            hasher.combine(words.3)
        }

        mutating func insert(_ byte: UInt8) {
            let bit = UInt64(1) << UInt64(byte & 63)
            switch byte >> 6 {
            case 0: words.0 |= bit
            case 1: words.1 |= bit
            case 2: words.2 |= bit
            default: words.3 |= bit
            }
        }

        mutating func insert(_ range: ClosedRange<UInt8>) { for byte in range { insert(byte) } }

        func contains(_ byte: UInt8) -> Bool {
            let bit = UInt64(1) << UInt64(byte & 63)
            switch byte >> 6 {
            case 0: return words.0 & bit != 0
            case 1: return words.1 & bit != 0
            case 2: return words.2 & bit != 0
            default: return words.3 & bit != 0
            }
        }

        /// The complement within ASCII (values reaching the DFA are ASCII).
        var inverted: ByteSet {
            var result = ByteSet()
            for byte in UInt8(0)...0x7F where !contains(byte) { result.insert(byte) }
            return result
        }

        mutating func formUnion(_ other: ByteSet) {
            words = (words.0 | other.words.0, words.1 | other.words.1, words.2 | other.words.2, words.3 | other.words.3)
        }

        static let digits: ByteSet = { var set = ByteSet(); set.insert(0x30...0x39); return set }()
        static let word: ByteSet = {
            var set = digits
            set.insert(0x41...0x5A)
            set.insert(0x61...0x7A)
            set.insert(0x5F)
            return set
        }()
        static let space: ByteSet = { var set = ByteSet(); set.insert(0x09...0x0D); set.insert(0x20); return set }()
        /// `.`: any ASCII byte but line feed (Regex's default: dot does not match newlines).
        static let dot: ByteSet = { var set = ByteSet(); set.insert(0x00...0x7F); return ByteSet(excluding: set, 0x0A) }()

        init() {}
        init(excluding set: ByteSet, _ byte: UInt8) {
            self = ByteSet()
            for value in UInt8(0)...0x7F where set.contains(value) && value != byte { insert(value) }
        }
    }

    indirect enum Node {
        case set(ByteSet)
        case concat([Node])
        case alternation([Node])
        case repeatNode(Node, min: Int, max: Int?)
        case empty
    }

    struct Parser {
        let bytes: [UInt8]
        var position = 0

        init(bytes: [UInt8]) { self.bytes = bytes }

        mutating func parse() -> Node? {
            var end = bytes.count
            if position < end && bytes[position] == UInt8(ascii: "^") { position += 1 }
            if end > position && bytes[end - 1] == UInt8(ascii: "$") && (end < 2 || bytes[end - 2] != UInt8(ascii: "\\")) { end -= 1 }
            let limited = Parser(bytes: Array(bytes[position..<end]))
            var inner = limited
            guard let node = inner.alternation(), inner.position == inner.bytes.count else { return nil }
            return node
        }

        private var current: UInt8? { position < bytes.count ? bytes[position] : nil }

        mutating func alternation() -> Node? {
            var branches: [Node] = []
            guard let first = concatenation() else { return nil }
            branches.append(first)
            while current == UInt8(ascii: "|") {
                position += 1
                guard let next = concatenation() else { return nil }
                branches.append(next)
            }
            return branches.count == 1 ? branches[0] : .alternation(branches)
        }

        mutating func concatenation() -> Node? {
            var items: [Node] = []
            while let byte = current, byte != UInt8(ascii: "|"), byte != UInt8(ascii: ")") {
                guard var atom = atom() else { return nil }
                while let quantified = quantifier(atom) {
                    if case .repeatNode(_, let min, let max) = quantified, let max, max < min { return nil }
                    atom = quantified
                    if current == UInt8(ascii: "?") { position += 1 }  // lazy: same strings match
                    if let next = current, next == UInt8(ascii: "+") { return nil }  // possessive: not regular syntax we model
                }
                items.append(atom)
            }
            return items.isEmpty ? .empty : items.count == 1 ? items[0] : .concat(items)
        }

        mutating func quantifier(_ atom: Node) -> Node? {
            guard let byte = current else { return nil }
            switch byte {
            case UInt8(ascii: "*"): position += 1; return .repeatNode(atom, min: 0, max: nil)
            case UInt8(ascii: "+"): position += 1; return .repeatNode(atom, min: 1, max: nil)
            case UInt8(ascii: "?"): position += 1; return .repeatNode(atom, min: 0, max: 1)
            case UInt8(ascii: "{"):
                let save = position
                position += 1
                guard let low = number() else { position = save; return nil }
                var high: Int? = low
                if current == UInt8(ascii: ",") {
                    position += 1
                    high = number()
                }
                guard current == UInt8(ascii: "}"), low <= 1000, (high ?? 0) <= 1000 else { position = save; return nil }
                position += 1
                return .repeatNode(atom, min: low, max: high)
            default: return nil
            }
        }

        mutating func number() -> Int? {
            var value = 0
            var digits = 0
            while let byte = current, byte >= 0x30, byte <= 0x39, digits < 5 {
                value = value * 10 + Int(byte - 0x30)
                digits += 1
                position += 1
            }
            return digits > 0 ? value : nil
        }

        mutating func atom() -> Node? {
            guard let byte = current else { return nil }
            position += 1
            switch byte {
            case UInt8(ascii: "("):
                if current == UInt8(ascii: "?") {
                    guard position + 1 < bytes.count, bytes[position + 1] == UInt8(ascii: ":") else { return nil }  // lookaround, options
                    position += 2
                }
                guard let inner = alternation(), current == UInt8(ascii: ")") else { return nil }
                position += 1
                return inner
            case UInt8(ascii: "["): return characterClass()
            case UInt8(ascii: "."): return .set(ByteSet.dot)
            case UInt8(ascii: "\\"): return escape(inClass: false).map { .set($0) }
            case UInt8(ascii: "^"), UInt8(ascii: "$"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "?"), UInt8(ascii: "{"),
                UInt8(ascii: "}"), UInt8(ascii: "]"):
                return nil  // anchors inside, dangling quantifiers and braces: leave to Regex
            default:
                var set = ByteSet()
                set.insert(byte)
                return .set(set)
            }
        }

        /// The byte set of `\x` (the backslash already consumed).
        mutating func escape(inClass: Bool) -> ByteSet? {
            guard let byte = current else { return nil }
            position += 1
            switch byte {
            case UInt8(ascii: "d"): return ByteSet.digits
            case UInt8(ascii: "D"): return ByteSet.digits.inverted
            case UInt8(ascii: "w"): return ByteSet.word
            case UInt8(ascii: "W"): return ByteSet.word.inverted
            case UInt8(ascii: "s"): return ByteSet.space
            case UInt8(ascii: "S"): return ByteSet.space.inverted
            case UInt8(ascii: "t"): var set = ByteSet(); set.insert(0x09); return set
            case UInt8(ascii: "n"): var set = ByteSet(); set.insert(0x0A); return set
            case UInt8(ascii: "r"): var set = ByteSet(); set.insert(0x0D); return set
            default:
                // Escaped punctuation is literal; escaped letters and digits name features
                // (\b, \p, \1, \x…) this subset does not model.
                guard !CharacterClass.isAlphanumeric(byte) else { return nil }
                var set = ByteSet()
                set.insert(byte)
                return set
            }
        }

        mutating func characterClass() -> Node? {
            var set = ByteSet()
            var negated = false
            if current == UInt8(ascii: "^") {
                negated = true
                position += 1
            }
            // A `]` right after `[` or `[^` would be literal in POSIX but is an error for Regex;
            // it ends the (then empty) class here, and an empty class is left to Regex.
            guard current != UInt8(ascii: "]") else { return nil }
            while let byte = current, byte != UInt8(ascii: "]") {
                position += 1
                var low: UInt8
                if byte == UInt8(ascii: "\\") {
                    guard let escaped = escape(inClass: true) else { return nil }
                    // A class escape (\d, \w, …) cannot start a range.
                    if escaped.words.0.nonzeroBitCount + escaped.words.1.nonzeroBitCount > 1 {
                        set.formUnion(escaped)
                        continue
                    }
                    low = (0...0x7F).first { escaped.contains(UInt8($0)) }.map(UInt8.init) ?? 0
                } else if byte == UInt8(ascii: "[") {
                    return nil  // POSIX classes and nested sets
                } else {
                    low = byte
                }
                if current == UInt8(ascii: "-"), position + 1 < bytes.count, bytes[position + 1] != UInt8(ascii: "]") {
                    position += 1
                    guard var high = current else { return nil }
                    position += 1
                    if high == UInt8(ascii: "\\") {
                        guard let escaped = escape(inClass: true), escaped.words.0.nonzeroBitCount + escaped.words.1.nonzeroBitCount == 1 else { return nil }
                        high = (0...0x7F).first { escaped.contains(UInt8($0)) }.map(UInt8.init) ?? 0
                    }
                    guard low <= high else { return nil }
                    set.insert(low...high)
                } else {
                    set.insert(low)
                }
            }
            guard current == UInt8(ascii: "]") else { return nil }
            position += 1
            return .set(negated ? set.inverted : set)
        }
    }

    // MARK: - NFA

    struct NFA {
        /// Per state: byte-set edges and ε-edges.
        var states: [(edges: [(ByteSet, Int)], epsilon: [Int])] = []
        var accept = 0

        mutating func newState() -> Int {
            states.append(([], []))
            return states.count - 1
        }

        /// Builds `node` as a fragment with one start and one end state; nil when too large.
        mutating func build(_ node: Node) -> (start: Int, end: Int)? {
            guard states.count <= ByteDFA.maxNFAStates else { return nil }
            switch node {
            case .empty:
                let state = newState()
                return (state, state)
            case .set(let set):
                let start = newState(), end = newState()
                states[start].edges.append((set, end))
                return (start, end)
            case .concat(let items):
                var first: (Int, Int)? = nil
                var last = 0
                for item in items {
                    guard let fragment = build(item) else { return nil }
                    if first == nil { first = fragment } else { states[last].epsilon.append(fragment.start) }
                    last = fragment.end
                }
                guard let first else { return build(.empty) }
                return (first.0, last)
            case .alternation(let branches):
                let start = newState(), end = newState()
                for branch in branches {
                    guard let fragment = build(branch) else { return nil }
                    states[start].epsilon.append(fragment.start)
                    states[fragment.end].epsilon.append(end)
                }
                return (start, end)
            case .repeatNode(let inner, let min, let max):
                let start = newState()
                var tail = start
                for _ in 0..<min {
                    guard let fragment = build(inner) else { return nil }
                    states[tail].epsilon.append(fragment.start)
                    tail = fragment.end
                }
                let end = newState()
                if let max {
                    states[tail].epsilon.append(end)
                    for _ in min..<max {
                        guard let fragment = build(inner) else { return nil }
                        states[tail].epsilon.append(fragment.start)
                        states[fragment.end].epsilon.append(end)
                        tail = fragment.end
                    }
                } else {
                    guard let fragment = build(inner) else { return nil }
                    states[tail].epsilon.append(fragment.start)
                    states[tail].epsilon.append(end)
                    states[fragment.end].epsilon.append(fragment.start)
                    states[fragment.end].epsilon.append(end)
                }
                return (start, end)
            }
        }

        func closure(_ seeds: [Int]) -> [Int] {
            var seen = Set(seeds)
            var stack = seeds
            while let state = stack.popLast() {
                for next in states[state].epsilon where seen.insert(next).inserted { stack.append(next) }
            }
            return seen.sorted()
        }
    }

    /// Subset construction over byte equivalence classes (bytes no edge tells apart share a column).
    static func determinize(_ nfa: NFA, start: Int) -> ByteDFA? {
        var edgeSets: [ByteSet] = []
        for state in nfa.states { for (set, _) in state.edges where !edgeSets.contains(set) { edgeSets.append(set) } }
        var signatureToClass: [[Bool]: UInt8] = [:]
        var classes = [UInt8](repeating: 0, count: 256)
        var representatives: [UInt8] = []
        for byte in 0..<256 {
            let signature = edgeSets.map { $0.contains(UInt8(byte)) }
            if let known = signatureToClass[signature] {
                classes[byte] = known
            } else {
                guard representatives.count < 255 else { return nil }
                let id = UInt8(representatives.count)
                signatureToClass[signature] = id
                classes[byte] = id
                representatives.append(UInt8(byte))
            }
        }
        let classCount = representatives.count
        var table = [Int32](repeating: 0, count: classCount)  // dead state 0 loops to itself
        var accepting = [false]
        var ids: [[Int]: Int32] = [:]
        var pending: [[Int]] = []
        func id(of subset: [Int]) -> Int32? {
            if subset.isEmpty { return 0 }
            if let known = ids[subset] { return known }
            guard accepting.count < maxStates else { return nil }
            let new = Int32(accepting.count)
            ids[subset] = new
            accepting.append(subset.contains(nfa.accept))
            table += [Int32](repeating: 0, count: classCount)
            pending.append(subset)
            return new
        }
        guard let startID = id(of: nfa.closure([start])) else { return nil }
        while let subset = pending.popLast() {
            let from = Int(ids[subset]!)
            for (classID, byte) in representatives.enumerated() {
                var targets: [Int] = []
                for state in subset { for (set, next) in nfa.states[state].edges where set.contains(byte) { targets.append(next) } }
                guard let target = id(of: nfa.closure(targets)) else { return nil }
                table[from * classCount + classID] = target
            }
        }
        return ByteDFA(table: table, classes: classes, classCount: classCount, accepting: accepting, start: startID)
    }
}

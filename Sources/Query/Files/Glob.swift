/// Path globs as table functions accept them (DuckDB's and the shell's spelling):
/// `*` matches any run of characters within one path component, `?` one character, `[abc]` /
/// `[a-z]` / `[!a]` one character of a set, and a component that is exactly `**` matches any
/// number of components (zero or more).
enum Glob {
    /// Whether `text` contains a wildcard.
    static func hasWildcards(_ text: String) -> Bool {
        text.contains { $0 == "*" || $0 == "?" || $0 == "[" }
    }

    /// The longest leading run of whole components without wildcards, with its trailing slash
    /// (`lake/sales/*/x.parquet` → `lake/sales/`): the prefix to list before matching.
    static func literalPrefix(_ pattern: String) -> String {
        var prefix = ""
        var component = ""
        for character in pattern {
            if character == "/" {
                prefix += component + "/"
                component = ""
            } else if character == "*" || character == "?" || character == "[" {
                return prefix
            } else {
                component.append(character)
            }
        }
        return prefix
    }

    /// Whether `path` matches `pattern` component by component.
    static func matches(_ path: String, pattern: String) -> Bool {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true).map(Array.init)
        let patterns = pattern.split(separator: "/", omittingEmptySubsequences: true).map(Array.init)
        return matchComponents(parts[...], patterns[...])
    }

    private static func matchComponents(_ parts: ArraySlice<[Character]>, _ patterns: ArraySlice<[Character]>) -> Bool {
        guard let first = patterns.first else { return parts.isEmpty }
        if first == ["*", "*"] {
            // `**` consumes zero or more components.
            var rest = parts
            while true {
                if matchComponents(rest, patterns.dropFirst()) { return true }
                guard !rest.isEmpty else { return false }
                rest = rest.dropFirst()
            }
        }
        guard let part = parts.first, matchComponent(part[...], first[...]) else { return false }
        return matchComponents(parts.dropFirst(), patterns.dropFirst())
    }

    /// One component against one pattern component (iterative, with backtracking to the last `*`).
    private static func matchComponent(_ text: ArraySlice<Character>, _ pattern: ArraySlice<Character>) -> Bool {
        var t = text.startIndex, p = pattern.startIndex
        var starP: Int? = nil, starT = 0
        while t < text.endIndex {
            if p < pattern.endIndex {
                let c = pattern[p]
                if c == "*" {
                    starP = p
                    starT = t
                    p += 1
                    continue
                }
                if c == "?" {
                    t += 1
                    p += 1
                    continue
                }
                if c == "[", let (matched, next) = matchSet(text[t], pattern, from: p) {
                    if matched {
                        t += 1
                        p = next
                        continue
                    }
                } else if c == text[t] {
                    t += 1
                    p += 1
                    continue
                }
            }
            guard let star = starP else { return false }
            p = star + 1
            starT += 1
            t = starT
        }
        while p < pattern.endIndex && pattern[p] == "*" { p += 1 }
        return p == pattern.endIndex
    }

    /// Matches `character` against a `[…]` set starting at `start`; nil when the set is unclosed
    /// (then `[` is literal).
    private static func matchSet(_ character: Character, _ pattern: ArraySlice<Character>, from start: Int) -> (Bool, Int)? {
        var i = start + 1
        var negate = false
        if i < pattern.endIndex && (pattern[i] == "!" || pattern[i] == "^") {
            negate = true
            i += 1
        }
        var matched = false
        var first = true
        while i < pattern.endIndex && (pattern[i] != "]" || first) {
            first = false
            if i + 2 < pattern.endIndex && pattern[i + 1] == "-" && pattern[i + 2] != "]" {
                if pattern[i] <= character && character <= pattern[i + 2] { matched = true }
                i += 3
            } else {
                if pattern[i] == character { matched = true }
                i += 1
            }
        }
        guard i < pattern.endIndex else { return nil }
        return (matched != negate, i + 1)
    }
}

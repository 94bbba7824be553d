/// Splits a script into statements at top-level `;` — outside string literals (`'…'` with
/// `''` escapes), quoted identifiers (`"…"`, `` `…` ``) and comments (`-- …`, `/* … */`).
/// Statements that are empty or only comments are dropped.
public enum SQLScript {
    /// The statements of `script`, in order, without their `;`.
    public static func split(_ script: String) -> [String] {
        var statements: [String] = []
        var current: [UInt8] = []
        var meaningful = false
        let bytes = Array(script.utf8)
        var i = 0
        func flush() {
            if meaningful { statements.append(String(decoding: current, as: UTF8.self)) }
            current.removeAll()
            meaningful = false
        }
        while i < bytes.count {
            let c = bytes[i]
            switch c {
            case UInt8(ascii: "'"), UInt8(ascii: "\""), UInt8(ascii: "`"):
                // Copy through the closing quote; a doubled quote is an escaped quote.
                var j = i + 1
                while j < bytes.count {
                    if bytes[j] == c {
                        if j + 1 < bytes.count && bytes[j + 1] == c { j += 2; continue }
                        break
                    }
                    j += 1
                }
                let end = min(j + 1, bytes.count)
                current += bytes[i..<end]
                meaningful = true
                i = end
            case UInt8(ascii: "-") where i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "-"):
                var j = i
                while j < bytes.count && bytes[j] != UInt8(ascii: "\n") { j += 1 }
                current += bytes[i..<j]
                i = j
            case UInt8(ascii: "/") where i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "*"):
                var j = i + 2
                while j + 1 < bytes.count && !(bytes[j] == UInt8(ascii: "*") && bytes[j + 1] == UInt8(ascii: "/")) { j += 1 }
                let end = min(j + 2, bytes.count)
                current += bytes[i..<end]
                i = end
            case UInt8(ascii: ";"):
                flush()
                i += 1
            default:
                if c != UInt8(ascii: " ") && c != UInt8(ascii: "\n") && c != UInt8(ascii: "\t") && c != UInt8(ascii: "\r") { meaningful = true }
                current.append(c)
                i += 1
            }
        }
        flush()
        return statements
    }
}

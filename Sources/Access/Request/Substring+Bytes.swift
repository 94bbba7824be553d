/// Byte-level splitting and trimming for the ASCII delimiters of HTTP and SigV4.
///
/// `Substring`'s own `split(separator:)` and `trimmingCharacters` work on `Character`s (grapheme
/// clusters), which costs more than the HMACs on the verification path; every delimiter here is
/// ASCII, so scanning UTF-8 bytes gives the same result.
extension Substring {
    /// Splits at every `separator` byte.
    /// - Parameters:
    ///   - separator: an ASCII byte.
    ///   - omittingEmpty: drop empty pieces.
    func split(byte separator: UInt8, omittingEmpty: Bool) -> [Substring] {
        var pieces: [Substring] = []
        let bytes = utf8
        var start = bytes.startIndex
        var index = start
        while index != bytes.endIndex {
            if bytes[index] == separator {
                if !(omittingEmpty && start == index) { pieces.append(self[start..<index]) }
                start = bytes.index(after: index)
            }
            index = bytes.index(after: index)
        }
        if !(omittingEmpty && start == bytes.endIndex) { pieces.append(self[start..<bytes.endIndex]) }
        return pieces
    }

    /// Calls `body` with each piece between `separator` bytes, without building an array.
    func forEachPiece(byte separator: UInt8, omittingEmpty: Bool, _ body: (Substring) throws -> Void) rethrows {
        let bytes = utf8
        var start = bytes.startIndex
        var index = start
        while index != bytes.endIndex {
            if bytes[index] == separator {
                if !(omittingEmpty && start == index) { try body(self[start..<index]) }
                start = bytes.index(after: index)
            }
            index = bytes.index(after: index)
        }
        if !(omittingEmpty && start == bytes.endIndex) { try body(self[start..<bytes.endIndex]) }
    }

    /// Whether one of the `separator`-delimited pieces equals `piece`.
    func containsPiece(_ piece: String, separator: UInt8) -> Bool {
        var found = false
        forEachPiece(byte: separator, omittingEmpty: true) { if !found && $0 == piece { found = true } }
        return found
    }

    /// The index of the first `byte`, or `nil`.
    func firstIndex(byte: UInt8) -> String.Index? { utf8.firstIndex(of: byte) }

    /// The text without leading and trailing spaces and tabs.
    var trimmingSpaces: Substring {
        let bytes = utf8
        var start = bytes.startIndex
        var end = bytes.endIndex
        while start != end, bytes[start] == UInt8(ascii: " ") || bytes[start] == UInt8(ascii: "\t") { start = bytes.index(after: start) }
        while start != end {
            let before = bytes.index(before: end)
            guard bytes[before] == UInt8(ascii: " ") || bytes[before] == UInt8(ascii: "\t") else { break }
            end = before
        }
        return self[start..<end]
    }
}

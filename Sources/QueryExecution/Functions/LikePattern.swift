import Foundation
import TarnCore

/// A compiled SQL LIKE pattern: `%` matches any sequence, `_` any one character, and the escape
/// character makes the next `%`, `_` or escape literal. Matching works on UTF-8 bytes; `_`
/// consumes one whole UTF-8 sequence so it matches one character, as SQL requires.
struct LikePattern {
    enum Piece: Equatable {
        case literal([UInt8])
        case anyOne
        case anySequence
    }
    let pieces: [Piece]
    /// Fast paths for the common shapes.
    enum Shape {
        case exact([UInt8]), prefix([UInt8]), suffix([UInt8]), contains([UInt8]), general
    }
    let shape: Shape

    init(_ pattern: String, escape: String?) throws {
        var pieces: [Piece] = []
        var literal: [UInt8] = []
        let escapeScalar: Unicode.Scalar?
        if let escape {
            guard escape.unicodeScalars.count == 1 else {
                throw TarnError(.invalidValue, "Escape string must be a single character")
            }
            escapeScalar = escape.unicodeScalars.first
        } else {
            escapeScalar = nil
        }
        var escaping = false
        for scalar in pattern.unicodeScalars {
            if escaping {
                guard scalar == "%" || scalar == "_" || scalar == escapeScalar else {
                    throw TarnError(.invalidValue, "Escape character must be followed by '%', '_' or the escape character")
                }
                literal.append(contentsOf: String(scalar).utf8)
                escaping = false
                continue
            }
            if scalar == escapeScalar {
                escaping = true
                continue
            }
            if scalar == "%" || scalar == "_" {
                if !literal.isEmpty {
                    pieces.append(.literal(literal))
                    literal = []
                }
                if scalar == "%" {
                    if pieces.last != .anySequence { pieces.append(.anySequence) }
                } else {
                    pieces.append(.anyOne)
                }
                continue
            }
            literal.append(contentsOf: String(scalar).utf8)
        }
        if escaping { throw TarnError(.invalidValue, "LIKE pattern must not end with escape character") }
        if !literal.isEmpty { pieces.append(.literal(literal)) }
        self.pieces = pieces
        switch pieces.count {
        case 0: shape = .exact([])
        case 1:
            if case .literal(let l) = pieces[0] { shape = .exact(l) } else { shape = .general }
        case 2:
            if case .literal(let l) = pieces[0], pieces[1] == .anySequence {
                shape = .prefix(l)
            } else if pieces[0] == .anySequence, case .literal(let l) = pieces[1] {
                shape = .suffix(l)
            } else {
                shape = .general
            }
        case 3:
            if pieces[0] == .anySequence, pieces[2] == .anySequence, case .literal(let l) = pieces[1] { shape = .contains(l) } else { shape = .general }
        default: shape = .general
        }
    }

    func matches(_ s: UnsafeRawBufferPointer) -> Bool {
        switch shape {
        case .exact(let l): return s.count == l.count && l.withUnsafeBytes { equal(s, 0, $0) }
        case .prefix(let l): return s.count >= l.count && l.withUnsafeBytes { equal(s, 0, $0) }
        case .suffix(let l): return s.count >= l.count && l.withUnsafeBytes { equal(s, s.count - l.count, $0) }
        case .contains(let l): return l.withUnsafeBytes { find(s, 0, $0) != nil }
        case .general: return match(s, 0, 0)
        }
    }

    @inline(__always) private func equal(_ s: UnsafeRawBufferPointer, _ at: Int, _ l: UnsafeRawBufferPointer) -> Bool {
        if l.count == 0 { return true }
        return memcmp(s.baseAddress! + at, l.baseAddress!, l.count) == 0
    }

    private func find(_ s: UnsafeRawBufferPointer, _ from: Int, _ l: UnsafeRawBufferPointer) -> Int? {
        if l.count == 0 { return from }
        if s.count - from < l.count { return nil }
        let first = l[0]
        var i = from
        let last = s.count - l.count
        while i <= last {
            if s[i] == first && memcmp(s.baseAddress! + i, l.baseAddress!, l.count) == 0 { return i }
            i += 1
        }
        return nil
    }

    @inline(__always) private func sequenceLength(_ lead: UInt8) -> Int {
        if lead < 0x80 { return 1 }
        if lead >= 0xF0 { return 4 }
        if lead >= 0xE0 { return 3 }
        if lead >= 0xC0 { return 2 }
        return 1
    }

    private func match(_ s: UnsafeRawBufferPointer, _ position: Int, _ piece: Int) -> Bool {
        var position = position
        var piece = piece
        while piece < pieces.count {
            switch pieces[piece] {
            case .literal(let l):
                guard s.count - position >= l.count, l.withUnsafeBytes({ equal(s, position, $0) }) else { return false }
                position += l.count
            case .anyOne:
                guard position < s.count else { return false }
                position += sequenceLength(s[position])
            case .anySequence:
                if piece == pieces.count - 1 { return true }
                // Try every start for the rest (next literal narrows the candidates).
                var start = position
                while start <= s.count {
                    if case .literal(let l) = pieces[piece + 1] {
                        guard let found = l.withUnsafeBytes({ find(s, start, $0) }) else { return false }
                        start = found
                    }
                    if match(s, start, piece + 1) { return true }
                    if start >= s.count { break }
                    start += sequenceLength(s[start])
                }
                return false
            }
            piece += 1
        }
        return position == s.count
    }
}

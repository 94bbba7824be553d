import TarnCore

/// An HTTP `Range: bytes=…` request header as S3 interprets it
/// (RFC 9110 §14.1.2; S3 serves a single range and ignores multi-range requests).
public enum ByteRangeRequest: Sendable, Equatable {
    /// `bytes=first-last` or `bytes=first-` (last nil).
    case fromStart(first: Int64, last: Int64?)
    /// `bytes=-n`: the last n bytes.
    case suffix(length: Int64)

    /// Parses a header value; nil when it is not a single, well-formed byte range (S3 then
    /// ignores the header and returns the whole object).
    public init?(header: String) {
        let trimmed = header.trimmingCharacters(in: " ")
        guard trimmed.hasPrefix("bytes=") else { return nil }
        let spec = trimmed.dropFirst("bytes=".count)
        guard !spec.contains(","), let dash = spec.firstIndex(of: "-") else { return nil }
        let first = spec[..<dash].trimmingCharacters(in: " "), last = spec[spec.index(after: dash)...].trimmingCharacters(in: " ")
        if first.isEmpty {
            guard let length = Int64(last), length >= 0 else { return nil }
            self = .suffix(length: length)
        } else {
            guard let start = Int64(first), start >= 0 else { return nil }
            if last.isEmpty {
                self = .fromStart(first: start, last: nil)
            } else {
                guard let end = Int64(last), end >= start else { return nil }
                self = .fromStart(first: start, last: end)
            }
        }
    }

    /// The byte range this selects from an object of `size` bytes.
    /// - Throws: `InvalidRange` (HTTP 416) when the range is unsatisfiable.
    public func resolve(size: Int64) throws -> Range<Int64> {
        switch self {
        case .fromStart(let first, let last):
            guard first < size else {
                throw TarnError(.invalidRange, "The requested range is not satisfiable (bytes=\(first)-\(last.map(String.init) ?? "") of \(size) bytes)")
            }
            return first..<min(size, (last ?? (size - 1)) + 1)
        case .suffix(let length):
            guard length > 0, size > 0 else {
                throw TarnError(.invalidRange, "The requested range is not satisfiable (bytes=-\(length) of \(size) bytes)")
            }
            return max(0, size - length)..<size
        }
    }
}

extension StringProtocol {
    func trimmingCharacters(in character: Character) -> String {
        var text = Substring(self)
        while text.first == character { text = text.dropFirst() }
        while text.last == character { text = text.dropLast() }
        return String(text)
    }
}

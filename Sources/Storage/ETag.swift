import Crypto
import TarnCore

/// Entity tags as S3 computes them (docs.aws.amazon.com/AmazonS3/latest/API/API_Object.html):
/// for a single PUT the hex MD5 of the bytes; for a completed multipart upload the hex MD5 of the
/// concatenated binary MD5s of the parts, followed by `-` and the part count. Always quoted on
/// the wire.
public enum ETag {
    /// The ETag of a single-part object, unquoted.
    public static func single(md5: [UInt8]) -> String { Hex.encode(md5) }

    /// The ETag of a multipart object, unquoted, from its parts' unquoted hex ETags.
    /// - Returns: nil when a part ETag is not 32 hex digits.
    public static func multipart(partETags: [String]) -> String? {
        var concatenated: [UInt8] = []
        for etag in partETags {
            guard let bytes = Hex.decode(etag), bytes.count == 16 else { return nil }
            concatenated += bytes
        }
        return Hex.encode(Insecure.MD5.hash(data: concatenated)) + "-\(partETags.count)"
    }

    /// `"…"` around an unquoted ETag.
    public static func quoted(_ etag: String) -> String { "\"\(etag)\"" }

    /// Removes surrounding quotes (and a weak `W/` prefix) from a client-sent ETag.
    public static func unquoted(_ etag: some StringProtocol) -> String {
        var text = Substring(etag).trimmingWhitespace()
        if text.hasPrefix("W/") { text = text.dropFirst(2) }
        if text.count >= 2, text.first == "\"", text.last == "\"" { text = text.dropFirst().dropLast() }
        return String(text)
    }
}

extension Substring {
    /// Drops leading and trailing spaces and tabs.
    func trimmingWhitespace() -> Substring {
        var text = self
        while let first = text.first, first == " " || first == "\t" { text = text.dropFirst() }
        while let last = text.last, last == " " || last == "\t" { text = text.dropLast() }
        return text
    }
}

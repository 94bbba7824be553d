/// Percent-encoding as SigV4 defines it.
///
/// From the SigV4 spec ("Create a canonical request", `UriEncode`):
/// > URI encode every byte. UriEncode() must enforce the following rules:
/// > - URI encode every byte except the unreserved characters: 'A'-'Z', 'a'-'z', '0'-'9', '-',
/// >   '.', '_', and '~'.
/// > - The space character is a reserved character and must be encoded as "%20" (and not as "+").
/// > - Each URI encoded byte is formed by a '%' and the two-digit hexadecimal value of the byte.
/// > - Letters in the hexadecimal value must be uppercase, for example "%1A".
/// > - Encode the forward slash character, '/', everywhere except in the object key name.
public enum PercentEncoding {
    private static let upperHex: [UInt8] = Array("0123456789ABCDEF".utf8)

    /// Whether `byte` is one of SigV4's unreserved characters, which are never encoded.
    @inline(__always)
    static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
            UInt8(ascii: "_"), UInt8(ascii: "~"):
            true
        default: false
        }
    }

    /// Appends `UriEncode(byte)`.
    @inline(__always)
    static func appendEncoded(_ byte: UInt8, keepSlash: Bool, into out: inout [UInt8]) {
        if isUnreserved(byte) || (keepSlash && byte == UInt8(ascii: "/")) {
            out.append(byte)
        } else {
            out.append(UInt8(ascii: "%"))
            out.append(upperHex[Int(byte >> 4)])
            out.append(upperHex[Int(byte & 0x0F)])
        }
    }

    /// Appends `UriEncode(bytes)`.
    static func appendEncoded(_ bytes: some Sequence<UInt8>, keepSlash: Bool, into out: inout [UInt8]) {
        for byte in bytes { appendEncoded(byte, keepSlash: keepSlash, into: &out) }
    }

    /// The value of a hex digit, or `nil`.
    @inline(__always)
    static func hexValue(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// Decodes `%XX` escapes; a `%` not followed by two hex digits stays literal.
    /// - Parameters:
    ///   - text: percent-encoded text.
    ///   - plusAsSpace: decode `+` as a space, as query strings do (HTML form encoding, which S3
    ///     and every SDK's query parser follow).
    /// - Returns: the decoded bytes.
    static func decode(_ text: Substring.UTF8View, plusAsSpace: Bool) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(text.count)
        var index = text.startIndex
        while index != text.endIndex {
            let byte = text[index]
            if byte == UInt8(ascii: "%") {
                let first = text.index(after: index)
                if first != text.endIndex {
                    let second = text.index(after: first)
                    if second != text.endIndex, let high = hexValue(text[first]), let low = hexValue(text[second]) {
                        out.append(high << 4 | low)
                        index = text.index(after: second)
                        continue
                    }
                }
                out.append(byte)
            } else if plusAsSpace && byte == UInt8(ascii: "+") {
                out.append(UInt8(ascii: " "))
            } else {
                out.append(byte)
            }
            index = text.index(after: index)
        }
        return out
    }

    /// Decodes percent-encoded text to a string (invalid UTF-8 is repaired with U+FFFD).
    /// - Parameters:
    ///   - text: percent-encoded text.
    ///   - plusAsSpace: decode `+` as a space (query strings).
    public static func decode(_ text: some StringProtocol, plusAsSpace: Bool = false) -> String {
        let substring = Substring(text)
        if !substring.utf8.contains(UInt8(ascii: "%")) && !(plusAsSpace && substring.utf8.contains(UInt8(ascii: "+"))) {
            return String(substring)
        }
        return String(decoding: decode(substring.utf8, plusAsSpace: plusAsSpace), as: UTF8.self)
    }

    /// `UriEncode(text)` with `/` encoded too: for query names and values.
    public static func encodeQueryComponent(_ text: some StringProtocol) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        appendEncoded(text.utf8, keepSlash: false, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// `UriEncode(path)` keeping `/`: turns an object key path like `/bucket/my key` into the form
    /// sent on the wire (`/bucket/my%20key`), as the SDKs do.
    public static func encodePath(_ path: some StringProtocol) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(path.utf8.count)
        appendEncoded(path.utf8, keepSlash: true, into: &out)
        return String(decoding: out, as: UTF8.self)
    }
}

/// Hive-style partition directories in object keys and file paths:
/// `s3://bucket/sales/year=2024/month=03/day=07/part-0.parquet` carries year, month and day.
///
/// Hive escapes special characters in values as `%XX` (`dt=2024-01-01 10%3A00%3A00`); a value of
/// `__HIVE_DEFAULT_PARTITION__` stands for NULL. Sources read the values with `values(in:)`, turn
/// them into `.string` (or `.null`) values and ask `PartitionPruning.mayMatch` whether to read
/// the file.
public enum HivePartitionPath {
    /// Hive's marker for a NULL partition value.
    public static let nullMarker = "__HIVE_DEFAULT_PARTITION__"

    /// The `key=value` directory components of a path, in order; nil values are NULL.
    /// - Parameter path: an object key, `s3://` URL or file path.
    public static func values(in path: String) -> [(name: String, value: String?)] {
        var result: [(name: String, value: String?)] = []
        let components = path.split(separator: "/", omittingEmptySubsequences: true)
        for component in components.dropLast() {
            guard let equals = component.firstIndex(of: "="), equals != component.startIndex else { continue }
            let name = unescape(component[..<equals])
            let value = unescape(component[component.index(after: equals)...])
            result.append((name, value == nullMarker ? nil : value))
        }
        return result
    }

    /// Characters Hive escapes in partition names and values besides control characters
    /// (`FileUtils.escapePathName`).
    static let escaped: Set<UInt8> = Set("\"#%'*/:=?\\{[]^".utf8).union([0x7F])

    /// Percent-escapes what Hive escapes (`%XX`, uppercase hex), the inverse of `unescape`.
    public static func escape(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 < 0x20 || escaped.contains($0) }) else { return text }
        var out: [UInt8] = []
        let digits = Array("0123456789ABCDEF".utf8)
        for byte in text.utf8 {
            if byte < 0x20 || escaped.contains(byte) {
                out += [UInt8(ascii: "%"), digits[Int(byte >> 4)], digits[Int(byte & 0xF)]]
            } else {
                out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// A partition value as a path holds it: escaped, with NULL and the empty string written as
    /// `nullMarker` (Hive cannot tell them apart in a path).
    public static func pathValue(_ value: String?) -> String {
        guard let value, !value.isEmpty else { return nullMarker }
        return escape(value)
    }

    /// Decodes Hive's `%XX` escapes; malformed escapes are kept as written.
    public static func unescape(_ text: Substring) -> String {
        guard text.contains("%") else { return String(text) }
        var bytes: [UInt8] = []
        let utf8 = Array(text.utf8)
        var i = 0
        func hex(_ c: UInt8) -> UInt8? {
            switch c {
            case 48...57: c - 48
            case 65...70: c - 55
            case 97...102: c - 87
            default: nil
            }
        }
        while i < utf8.count {
            if utf8[i] == 37, i + 2 < utf8.count, let high = hex(utf8[i + 1]), let low = hex(utf8[i + 2]) {
                bytes.append(high << 4 | low)
                i += 3
            } else {
                bytes.append(utf8[i])
                i += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

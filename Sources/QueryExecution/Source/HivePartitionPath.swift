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

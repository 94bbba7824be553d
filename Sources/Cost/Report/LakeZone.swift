/// The data-lake zone an object belongs to, as the retail design names them (raw → cleansed →
/// curated/analytics): the key's first path segment when it names a zone (`raw/sales/…`), else
/// a zone word in the bucket's name (`retail-raw`), else `-`.
public enum LakeZone {
    /// Zone names recognised, in the order they are tried.
    public static let names = ["landing", "raw", "staging", "cleansed", "clean", "curated", "analytics", "marts", "mart", "archive", "results"]

    /// The zone of `key` in `bucket`.
    public static func of(bucket: String, key: String) -> String {
        if let slash = key.firstIndex(of: "/") {
            let first = key[..<slash].lowercased()
            if names.contains(first) { return first }
        }
        let words = bucket.lowercased().split(whereSeparator: { $0 == "-" || $0 == "." || $0 == "_" })
        for name in names where words.contains(Substring(name)) { return name }
        return "-"
    }
}

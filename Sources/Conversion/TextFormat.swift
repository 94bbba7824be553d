import TarnCore

/// The text formats raw data arrives in.
public enum TextFormat: String, Sendable, CaseIterable {
    /// Comma- (or otherwise) delimited values with a header row.
    case csv
    /// One JSON object per line.
    case jsonLines = "jsonl"

    /// The format and compression a file name suggests: `.csv`, `.tsv`, `.jsonl`, `.ndjson`,
    /// `.json`, each optionally followed by `.gz`.
    /// - Returns: nil when the extension says nothing.
    public static func detect(fileName: String) -> (format: TextFormat, gzip: Bool)? {
        var name = fileName.lowercased()
        var gzip = false
        if name.hasSuffix(".gz") {
            gzip = true
            name.removeLast(3)
        }
        if name.hasSuffix(".csv") || name.hasSuffix(".tsv") || name.hasSuffix(".txt") { return (.csv, gzip) }
        if name.hasSuffix(".jsonl") || name.hasSuffix(".ndjson") || name.hasSuffix(".json") { return (.jsonLines, gzip) }
        return nil
    }

    /// Whether bytes start with the gzip magic number (RFC 1952: 0x1f 0x8b).
    public static func looksGzipped(_ prefix: [UInt8]) -> Bool { prefix.count >= 2 && prefix[0] == 0x1F && prefix[1] == 0x8B }
}

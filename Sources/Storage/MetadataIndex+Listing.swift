import TarnCore

/// One page of a bucket listing.
public struct ListPage: Sendable {
    /// Objects in key order.
    public var objects: [ObjectInfo]
    /// Common prefixes (with a delimiter), in order.
    public var commonPrefixes: [String]
    /// Whether more entries follow.
    public var isTruncated: Bool
    /// The last key or common prefix returned: the marker to continue after.
    public var nextMarker: String?
}

extension MetadataIndex {
    /// Lists a bucket the way ListObjects/ListObjectsV2 do (docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html).
    ///
    /// Keys are returned in UTF-8 byte order. With a delimiter, keys that contain it after the
    /// prefix roll up into one common prefix each (the part up to and including the first
    /// delimiter); a common prefix counts as one entry toward `maxKeys`. Entries at or before
    /// `after` are skipped, including common prefixes that sort at or before it, so a
    /// common prefix returned as a marker is never returned again.
    /// - Parameters:
    ///   - bucket: the bucket (must exist; checked by the caller).
    ///   - prefix: only keys starting with this.
    ///   - delimiter: roll-up delimiter, or nil.
    ///   - after: exclusive start (start-after / marker / decoded continuation token).
    ///   - maxKeys: page size (0–1000 as S3 clamps it).
    public func list(bucket: String, prefix: String, delimiter: String?, after: String?, maxKeys: Int) throws -> ListPage {
        let prefixBytes = Array(prefix.utf8)
        let delimiterBytes = delimiter.flatMap { $0.isEmpty ? nil : Array($0.utf8) }
        let afterBytes = after.map { Array($0.utf8) }
        let upper = Self.upperBound(prefixBytes)
        // The cursor is the lowest key still to consider; `inclusive` says whether it may match.
        var cursor = prefixBytes
        var inclusive = true
        if let afterBytes, afterBytes.lexicographicallyPrecedes(prefixBytes) == false {
            cursor = afterBytes
            inclusive = false
        }
        var objects: [ObjectInfo] = []
        var prefixes: [String] = []
        var entries = 0
        var truncated = false
        var lastMarker: String? = nil
        let database = reader

        scan: while true {
            let fetch = min(1000, maxKeys + 1 - entries)
            if fetch <= 0 { break }
            var sql = "SELECT \(Self.objectColumns) FROM objects WHERE bucket = ? AND key \(inclusive ? ">=" : ">") ?"
            var parameters: [any SQLiteBindable] = [bucket, cursor]
            if let upper {
                sql += " AND key < ?"
                parameters.append(upper)
            }
            sql += " ORDER BY key LIMIT ?"
            parameters.append(fetch)
            let rows = try database.query(sql, parameters)
            if rows.isEmpty { break }
            for row in rows {
                guard let key = row["key"].bytes else { throw TarnError(.corrupt, "object row without key in \(bucket)") }
                // A common prefix rolls up every key that shares it.
                if let delimiterBytes, let cut = Self.firstIndex(of: delimiterBytes, in: key, from: prefixBytes.count) {
                    let common = Array(key[..<(cut + delimiterBytes.count)])
                    cursor = Self.upperBound(common) ?? key
                    inclusive = Self.upperBound(common) != nil
                    if let afterBytes, !afterBytes.lexicographicallyPrecedes(common) { continue scan }
                    if entries == maxKeys {
                        truncated = true
                        break scan
                    }
                    let text = String(decoding: common, as: UTF8.self)
                    prefixes.append(text)
                    lastMarker = text
                    entries += 1
                    continue scan
                }
                if entries == maxKeys {
                    truncated = true
                    break scan
                }
                let info = try Self.objectInfo(bucket: bucket, row: row)
                objects.append(info)
                lastMarker = info.key
                entries += 1
                cursor = key
                inclusive = false
            }
            if rows.count < fetch { break }
        }
        return ListPage(objects: objects, commonPrefixes: prefixes, isTruncated: truncated, nextMarker: truncated ? lastMarker : nil)
    }

    /// The smallest byte string greater than every string starting with `prefix`, or nil when
    /// there is none (empty prefix or all 0xFF).
    static func upperBound(_ prefix: [UInt8]) -> [UInt8]? {
        var bytes = prefix
        while let last = bytes.last {
            if last < 0xFF {
                bytes[bytes.count - 1] = last + 1
                return bytes
            }
            bytes.removeLast()
        }
        return nil
    }

    static func firstIndex(of needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard needle.count > 0, haystack.count >= needle.count, start <= haystack.count - needle.count else { return nil }
        var index = start
        while index <= haystack.count - needle.count {
            if haystack[index] == needle[0] && haystack[index..<index + needle.count].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }
}

import Foundation
import TarnCore

/// The JSON form of `ObjectAttributes` kept in the metadata index, read and written by hand.
///
/// Every GET and HEAD decodes an object's attributes and every PUT encodes them; through
/// Foundation's `JSONDecoder`/`JSONEncoder` that was 9 % and 5 % of a 4 KiB request's server
/// CPU (profile in docs/BENCHMARKS.md). The document is the one the `Codable` conformance
/// describes — same keys, nil fields left out, dates as seconds since 2001-01-01 — so rows
/// written by either are read by both, and `sqlite3` still shows readable text.
enum ObjectAttributesJSON {
    // MARK: encoding

    /// The document for `attributes`, keys sorted as `JSONEncoder(.sortedKeys)` sorts them.
    static func encode(_ attributes: ObjectAttributes) -> String {
        var out = JSONText()
        out.open()
        if let checksum = attributes.checksum {
            out.key("checksum")
            out.open()
            out.key("algorithm"); out.string(checksum.algorithm.rawValue)
            out.key("type"); out.string(checksum.type.rawValue)
            out.key("value"); out.string(checksum.value)
            out.close()
        }
        if let encryption = attributes.encryption {
            out.key("encryption")
            out.open()
            out.key("algorithm"); out.string(encryption.algorithm)
            out.key("bucketKeyEnabled"); out.bool(encryption.bucketKeyEnabled)
            out.key("context"); out.map(encryption.context)
            if let arn = encryption.kmsKeyARN { out.key("kmsKeyARN"); out.string(arn) }
            if let salt = encryption.salt { out.key("salt"); out.string(salt) }
            out.key("wrappedKey"); out.string(encryption.wrappedKey)
            out.close()
        }
        out.key("headers")
        out.open()
        let headers = attributes.headers
        if let value = headers.cacheControl { out.key("cacheControl"); out.string(value) }
        if let value = headers.contentDisposition { out.key("contentDisposition"); out.string(value) }
        if let value = headers.contentEncoding { out.key("contentEncoding"); out.string(value) }
        if let value = headers.contentLanguage { out.key("contentLanguage"); out.string(value) }
        if let value = headers.contentType { out.key("contentType"); out.string(value) }
        if let value = headers.expires { out.key("expires"); out.string(value) }
        out.close()
        if let checksums = attributes.partChecksums {
            out.key("partChecksums")
            out.array(checksums) { out, value in out.string(value) }
        }
        if let sizes = attributes.partSizes {
            out.key("partSizes")
            out.array(sizes) { out, value in out.integer(value) }
        }
        if let placement = attributes.placement {
            out.key("placement")
            out.open()
            out.key("compressed"); out.bool(placement.compressed)
            if let flag = placement.compressedBeforeEncryption { out.key("compressedBeforeEncryption"); out.bool(flag) }
            out.key("tier"); out.string(placement.tier)
            out.close()
        }
        if let restore = attributes.restore {
            out.key("restore")
            out.open()
            out.key("days"); out.integer(Int64(restore.days))
            out.key("expiry"); out.date(restore.expiry)
            out.key("readyAt"); out.date(restore.readyAt)
            out.key("requested"); out.date(restore.requested)
            out.key("tier"); out.string(restore.tier.rawValue)
            out.close()
        }
        out.key("storageClass"); out.string(attributes.storageClass)
        out.key("tags")
        out.array(attributes.tags) { out, tag in
            out.open()
            out.key("key"); out.string(tag.key)
            out.key("value"); out.string(tag.value)
            out.close()
        }
        out.key("userMetadata"); out.map(attributes.userMetadata)
        out.close()
        return out.text
    }

    // MARK: decoding

    /// Reads a document written by `encode` or by `JSONEncoder`.
    /// - Throws: `TarnError(.corrupt)` naming the offset, for text that is not such a document.
    static func decode(_ text: String) throws -> ObjectAttributes {
        var text = text
        return try text.withUTF8 { bytes in
            var reader = JSONReader(bytes)
            var attributes = ObjectAttributes()
            try reader.object { reader, key in
                switch key {
                case "headers": attributes.headers = try headers(&reader)
                case "userMetadata": attributes.userMetadata = try reader.map()
                case "tags":
                    attributes.tags = try reader.array { reader in
                        var key = "", value = ""
                        try reader.object { reader, field in
                            switch field {
                            case "key": key = try reader.string()
                            case "value": value = try reader.string()
                            default: try reader.skip()
                            }
                        }
                        return Tag(key: key, value: value)
                    }
                case "storageClass": attributes.storageClass = try reader.string()
                case "checksum": attributes.checksum = try reader.nullable { try checksum(&$0) }
                case "partSizes": attributes.partSizes = try reader.nullable { try $0.array { try $0.integer() } }
                case "partChecksums": attributes.partChecksums = try reader.nullable { try $0.array { try $0.string() } }
                case "encryption": attributes.encryption = try reader.nullable { try encryption(&$0) }
                case "placement": attributes.placement = try reader.nullable { try placement(&$0) }
                case "restore": attributes.restore = try reader.nullable { try restore(&$0) }
                default: try reader.skip()
                }
            }
            try reader.end()
            return attributes
        }
    }

    private static func headers(_ reader: inout JSONReader) throws -> StandardHeaders {
        var headers = StandardHeaders()
        try reader.object { reader, key in
            switch key {
            case "contentType": headers.contentType = try reader.nullable { try $0.string() }
            case "contentEncoding": headers.contentEncoding = try reader.nullable { try $0.string() }
            case "contentDisposition": headers.contentDisposition = try reader.nullable { try $0.string() }
            case "contentLanguage": headers.contentLanguage = try reader.nullable { try $0.string() }
            case "cacheControl": headers.cacheControl = try reader.nullable { try $0.string() }
            case "expires": headers.expires = try reader.nullable { try $0.string() }
            default: try reader.skip()
            }
        }
        return headers
    }

    private static func checksum(_ reader: inout JSONReader) throws -> ObjectChecksum {
        var algorithm: ChecksumAlgorithm?, type: ChecksumType?, value: String?
        try reader.object { reader, key in
            switch key {
            case "algorithm": algorithm = ChecksumAlgorithm(rawValue: try reader.string())
            case "type": type = ChecksumType(rawValue: try reader.string())
            case "value": value = try reader.string()
            default: try reader.skip()
            }
        }
        guard let algorithm, let type, let value else { throw reader.error("incomplete checksum") }
        return ObjectChecksum(algorithm: algorithm, value: value, type: type)
    }

    private static func encryption(_ reader: inout JSONReader) throws -> StoredEncryption {
        var algorithm: String?, arn: String?, bucketKey = false, wrapped: String?, salt: String?
        var context: [String: String] = [:]
        try reader.object { reader, key in
            switch key {
            case "algorithm": algorithm = try reader.string()
            case "kmsKeyARN": arn = try reader.nullable { try $0.string() }
            case "bucketKeyEnabled": bucketKey = try reader.bool()
            case "wrappedKey": wrapped = try reader.string()
            case "salt": salt = try reader.nullable { try $0.string() }
            case "context": context = try reader.map()
            default: try reader.skip()
            }
        }
        guard let algorithm, let wrapped else { throw reader.error("incomplete encryption") }
        return StoredEncryption(algorithm: algorithm, kmsKeyARN: arn, bucketKeyEnabled: bucketKey, wrappedKey: wrapped, salt: salt, context: context)
    }

    private static func placement(_ reader: inout JSONReader) throws -> BlobPlacement {
        var tier: String?, compressed = false, before: Bool?
        try reader.object { reader, key in
            switch key {
            case "tier": tier = try reader.string()
            case "compressed": compressed = try reader.bool()
            case "compressedBeforeEncryption": before = try reader.nullable { try $0.bool() }
            default: try reader.skip()
            }
        }
        guard let tier else { throw reader.error("placement without a tier") }
        return BlobPlacement(tier: tier, compressed: compressed, compressedBeforeEncryption: before)
    }

    private static func restore(_ reader: inout JSONReader) throws -> RestoreStatus {
        var requested: Date?, tier: RestoreTier?, days: Int64?, readyAt: Date?, expiry: Date?
        try reader.object { reader, key in
            switch key {
            case "requested": requested = try reader.date()
            case "tier": tier = RestoreTier(rawValue: try reader.string())
            case "days": days = try reader.integer()
            case "readyAt": readyAt = try reader.date()
            case "expiry": expiry = try reader.date()
            default: try reader.skip()
            }
        }
        guard let requested, let tier, let days, let readyAt, let expiry else { throw reader.error("incomplete restore status") }
        return RestoreStatus(requested: requested, tier: tier, days: Int(days), readyAt: readyAt, expiry: expiry)
    }
}

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
        var out = Members()
        out.open()
        if let checksum = attributes.checksum {
            out.key("checksum")
            out.open()
            out.key("algorithm"); out.writer.plainString(checksum.algorithm.rawValue)
            out.key("type"); out.writer.plainString(checksum.type.rawValue)
            out.key("value"); out.writer.string(checksum.value)
            out.close()
        }
        if let encryption = attributes.encryption {
            out.key("encryption")
            out.open()
            out.key("algorithm"); out.writer.string(encryption.algorithm)
            out.key("bucketKeyEnabled"); out.bool(encryption.bucketKeyEnabled)
            out.key("context"); out.map(encryption.context)
            if let arn = encryption.kmsKeyARN { out.key("kmsKeyARN"); out.writer.string(arn) }
            if let salt = encryption.salt { out.key("salt"); out.writer.string(salt) }
            out.key("wrappedKey"); out.writer.string(encryption.wrappedKey)
            out.close()
        }
        out.key("headers")
        out.open()
        let headers = attributes.headers
        if let value = headers.cacheControl { out.key("cacheControl"); out.writer.string(value) }
        if let value = headers.contentDisposition { out.key("contentDisposition"); out.writer.string(value) }
        if let value = headers.contentEncoding { out.key("contentEncoding"); out.writer.string(value) }
        if let value = headers.contentLanguage { out.key("contentLanguage"); out.writer.string(value) }
        if let value = headers.contentType { out.key("contentType"); out.writer.string(value) }
        if let value = headers.expires { out.key("expires"); out.writer.string(value) }
        out.close()
        if let checksums = attributes.partChecksums {
            out.key("partChecksums")
            out.array(checksums) { $0.string($1) }
        }
        if let sizes = attributes.partSizes {
            out.key("partSizes")
            out.array(sizes) { $0.integer($1) }
        }
        if let placement = attributes.placement {
            out.key("placement")
            out.open()
            out.key("compressed"); out.bool(placement.compressed)
            if let flag = placement.compressedBeforeEncryption { out.key("compressedBeforeEncryption"); out.bool(flag) }
            out.key("tier"); out.writer.string(placement.tier)
            out.close()
        }
        if let restore = attributes.restore {
            out.key("restore")
            out.open()
            out.key("days"); out.writer.integer(Int64(restore.days))
            out.key("expiry"); out.date(restore.expiry)
            out.key("readyAt"); out.date(restore.readyAt)
            out.key("requested"); out.date(restore.requested)
            out.key("tier"); out.writer.plainString(restore.tier.rawValue)
            out.close()
        }
        out.key("storageClass"); out.writer.string(attributes.storageClass)
        out.key("tags")
        out.writer.raw("[")
        for (index, tag) in attributes.tags.enumerated() {
            if index > 0 { out.writer.raw(",") }
            out.open()
            out.key("key"); out.writer.string(tag.key)
            out.key("value"); out.writer.string(tag.value)
            out.close()
        }
        out.writer.raw("]")
        out.key("userMetadata"); out.map(attributes.userMetadata)
        out.close()
        return String(decoding: out.writer.bytes, as: UTF8.self)
    }

    /// `JSONWriter` plus the commas between an object's members.
    private struct Members {
        var writer = JSONWriter()
        /// Whether the innermost open object has a member yet.
        private var hasMember = false

        mutating func open() {
            writer.raw("{")
            hasMember = false
        }

        mutating func close() {
            writer.raw("}")
            hasMember = true
        }

        /// A member name; its value follows.
        mutating func key(_ name: String) {
            if hasMember { writer.raw(",") }
            hasMember = true
            writer.plainString(name)
            writer.raw(":")
        }

        mutating func bool(_ value: Bool) { value ? writer.raw("true") : writer.raw("false") }

        /// A date as `JSONEncoder`'s default strategy writes it: seconds since 2001-01-01 (Swift's
        /// description is the shortest text that reads back as the same double).
        mutating func date(_ value: Date) { writer.bytes.append(contentsOf: "\(value.timeIntervalSinceReferenceDate)".utf8) }

        mutating func array<C: Collection>(_ elements: C, _ element: (inout JSONWriter, C.Element) -> Void) {
            writer.raw("[")
            for (index, value) in elements.enumerated() {
                if index > 0 { writer.raw(",") }
                element(&writer, value)
            }
            writer.raw("]")
        }

        /// An object of string values, keys sorted.
        mutating func map(_ values: [String: String]) {
            open()
            for key in values.keys.sorted() {
                self.key(key)
                writer.string(values[key]!)
            }
            close()
        }
    }

    // MARK: decoding

    /// Reads a document written by `encode` or by `JSONEncoder`.
    /// - Throws: `TarnError(.corrupt)` naming the offset, for text that is not such a document.
    static func decode(_ text: String) throws -> ObjectAttributes {
        var text = text
        do {
            return try text.withUTF8 { bytes in try decode(UnsafeRawBufferPointer(bytes)) }
        } catch let error as TarnError {
            throw TarnError(.corrupt, "object attributes in metadata index: \(error.message)")
        }
    }

    private static func decode(_ bytes: UnsafeRawBufferPointer) throws -> ObjectAttributes {
            var reader = JSONScanner(bytes)
            var attributes = ObjectAttributes()
            try reader.object { reader, key in
                switch key {
                case "headers": attributes.headers = try headers(&reader)
                case "userMetadata": attributes.userMetadata = try map(&reader)
                case "tags":
                    attributes.tags = try reader.array { reader in
                        var key = "", value = ""
                        try reader.object { reader, field in
                            switch field {
                            case "key": key = try reader.stringValue()
                            case "value": value = try reader.stringValue()
                            default: try reader.skipValue()
                            }
                        }
                        return Tag(key: key, value: value)
                    }
                case "storageClass": attributes.storageClass = try reader.stringValue()
                case "checksum": attributes.checksum = try reader.nullable { try checksum(&$0) }
                case "partSizes": attributes.partSizes = try reader.nullable { try $0.array { try $0.integer() } }
                case "partChecksums": attributes.partChecksums = try reader.nullable { try $0.array { try $0.stringValue() } }
                case "encryption": attributes.encryption = try reader.nullable { try encryption(&$0) }
                case "placement": attributes.placement = try reader.nullable { try placement(&$0) }
                case "restore": attributes.restore = try reader.nullable { try restore(&$0) }
                default: try reader.skipValue()
                }
            }
            try reader.expectEnd()
            return attributes
    }

    private static func map(_ reader: inout JSONScanner) throws -> [String: String] {
        var result: [String: String] = [:]
        try reader.object { reader, key in result[key] = try reader.stringValue() }
        return result
    }

    private static func incomplete(_ what: String) -> TarnError { TarnError(.corrupt, "object attributes in metadata index: \(what)") }

    private static func headers(_ reader: inout JSONScanner) throws -> StandardHeaders {
        var headers = StandardHeaders()
        try reader.object { reader, key in
            switch key {
            case "contentType": headers.contentType = try reader.nullable { try $0.stringValue() }
            case "contentEncoding": headers.contentEncoding = try reader.nullable { try $0.stringValue() }
            case "contentDisposition": headers.contentDisposition = try reader.nullable { try $0.stringValue() }
            case "contentLanguage": headers.contentLanguage = try reader.nullable { try $0.stringValue() }
            case "cacheControl": headers.cacheControl = try reader.nullable { try $0.stringValue() }
            case "expires": headers.expires = try reader.nullable { try $0.stringValue() }
            default: try reader.skipValue()
            }
        }
        return headers
    }

    private static func checksum(_ reader: inout JSONScanner) throws -> ObjectChecksum {
        var algorithm: ChecksumAlgorithm?, type: ChecksumType?, value: String?
        try reader.object { reader, key in
            switch key {
            case "algorithm": algorithm = ChecksumAlgorithm(rawValue: try reader.stringValue())
            case "type": type = ChecksumType(rawValue: try reader.stringValue())
            case "value": value = try reader.stringValue()
            default: try reader.skipValue()
            }
        }
        guard let algorithm, let type, let value else { throw incomplete("incomplete checksum") }
        return ObjectChecksum(algorithm: algorithm, value: value, type: type)
    }

    private static func encryption(_ reader: inout JSONScanner) throws -> StoredEncryption {
        var algorithm: String?, arn: String?, bucketKey = false, wrapped: String?, salt: String?
        var context: [String: String] = [:]
        try reader.object { reader, key in
            switch key {
            case "algorithm": algorithm = try reader.stringValue()
            case "kmsKeyARN": arn = try reader.nullable { try $0.stringValue() }
            case "bucketKeyEnabled": bucketKey = try reader.bool()
            case "wrappedKey": wrapped = try reader.stringValue()
            case "salt": salt = try reader.nullable { try $0.stringValue() }
            case "context": context = try map(&reader)
            default: try reader.skipValue()
            }
        }
        guard let algorithm, let wrapped else { throw incomplete("incomplete encryption") }
        return StoredEncryption(algorithm: algorithm, kmsKeyARN: arn, bucketKeyEnabled: bucketKey, wrappedKey: wrapped, salt: salt, context: context)
    }

    private static func placement(_ reader: inout JSONScanner) throws -> BlobPlacement {
        var tier: String?, compressed = false, before: Bool?
        try reader.object { reader, key in
            switch key {
            case "tier": tier = try reader.stringValue()
            case "compressed": compressed = try reader.bool()
            case "compressedBeforeEncryption": before = try reader.nullable { try $0.bool() }
            default: try reader.skipValue()
            }
        }
        guard let tier else { throw incomplete("placement without a tier") }
        return BlobPlacement(tier: tier, compressed: compressed, compressedBeforeEncryption: before)
    }

    private static func restore(_ reader: inout JSONScanner) throws -> RestoreStatus {
        var requested: Date?, tier: RestoreTier?, days: Int64?, readyAt: Date?, expiry: Date?
        try reader.object { reader, key in
            switch key {
            case "requested": requested = Date(timeIntervalSinceReferenceDate: try reader.number())
            case "tier": tier = RestoreTier(rawValue: try reader.stringValue())
            case "days": days = try reader.integer()
            case "readyAt": readyAt = Date(timeIntervalSinceReferenceDate: try reader.number())
            case "expiry": expiry = Date(timeIntervalSinceReferenceDate: try reader.number())
            default: try reader.skipValue()
            }
        }
        guard let requested, let tier, let days, let readyAt, let expiry else { throw incomplete("incomplete restore status") }
        return RestoreStatus(requested: requested, tier: tier, days: Int(days), readyAt: readyAt, expiry: expiry)
    }
}

import Foundation
import HTTPTypes
import Storage
import TarnCore

/// Translating between HTTP headers and stored object attributes.
enum ObjectHeaders {
    /// S3's limit on user-defined metadata: 2 KB of names and values together.
    static let userMetadataLimit = 2048

    /// The storage classes S3 accepts in `x-amz-storage-class`.
    static let storageClasses: Set<String> = [
        "STANDARD", "REDUCED_REDUNDANCY", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "GLACIER", "DEEP_ARCHIVE", "GLACIER_IR",
    ]

    /// Attributes from a PUT / CreateMultipartUpload / copy-with-REPLACE request.
    static func attributes(from call: S3Call) throws -> ObjectAttributes {
        var headers = StandardHeaders()
        headers.contentType = call.header("content-type")
        // `aws-chunked` describes the transfer, not the object; S3 strips it.
        if let encoding = call.header("content-encoding") {
            let kept = encoding.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { $0 != "aws-chunked" && !$0.isEmpty }
            headers.contentEncoding = kept.isEmpty ? nil : kept.joined(separator: ",")
        }
        headers.contentDisposition = call.header("content-disposition")
        headers.contentLanguage = call.header("content-language")
        headers.cacheControl = call.header("cache-control")
        headers.expires = call.header("expires")
        var metadata: [String: String] = [:]
        var metadataSize = 0
        for (name, value) in call.allHeaders where name.hasPrefix("x-amz-meta-") {
            let key = String(name.dropFirst("x-amz-meta-".count))
            metadata[key] = metadata[key].map { $0 + "," + value } ?? value
            metadataSize += key.utf8.count + value.utf8.count
        }
        if metadataSize > userMetadataLimit {
            throw TarnError(.init("MetadataTooLarge"), "Your metadata headers exceed the maximum allowed metadata size (\(metadataSize) > \(userMetadataLimit) bytes).")
        }
        let tags = try call.header("x-amz-tagging").map(TagSetXML.parseHeader) ?? []
        let storageClass = call.header("x-amz-storage-class") ?? "STANDARD"
        guard storageClasses.contains(storageClass) else {
            throw TarnError(.invalidStorageClass, "The storage class you specified is not valid: \(storageClass)")
        }
        return ObjectAttributes(headers: headers, userMetadata: metadata, tags: tags, storageClass: storageClass)
    }

    /// The checksum algorithm a write request asks for, from `x-amz-checksum-algorithm`,
    /// `x-amz-sdk-checksum-algorithm`, a `x-amz-checksum-*` value header or a declared trailer.
    static func requestedChecksum(_ call: S3Call) throws -> (algorithm: ChecksumAlgorithm?, value: String?) {
        for (name, value) in call.allHeaders {
            if let algorithm = ChecksumAlgorithm(header: name), name != "x-amz-checksum-algorithm", name != "x-amz-checksum-type",
                name != "x-amz-checksum-mode"
            {
                return (algorithm, value)
            }
        }
        if let trailer = call.header("x-amz-trailer"), let algorithm = ChecksumAlgorithm(header: trailer.lowercased().trimmingCharacters(in: .whitespaces)) {
            return (algorithm, nil)
        }
        for header in ["x-amz-checksum-algorithm", "x-amz-sdk-checksum-algorithm"] {
            if let name = call.header(header) {
                guard let algorithm = ChecksumAlgorithm(name: name) else {
                    throw TarnError(.invalidRequest, "Checksum algorithm provided is unsupported. Please try again with any of the valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]")
                }
                return (algorithm, nil)
            }
        }
        return (nil, nil)
    }

    /// Response headers describing a stored object (GET and HEAD).
    static func describe(_ object: ObjectInfo, into headers: inout HTTPFields, includeChecksum: Bool) {
        let attributes = object.attributes
        headers[.eTag] = ETag.quoted(object.etag)
        headers[.lastModified] = HTTPDate.imfFixdate(object.lastModified)
        headers[.acceptRanges] = "bytes"
        headers[.contentType] = attributes.headers.contentType ?? "binary/octet-stream"
        if let value = attributes.headers.contentEncoding { headers[.contentEncoding] = value }
        if let value = attributes.headers.contentDisposition { headers[.contentDisposition] = value }
        if let value = attributes.headers.contentLanguage { headers[.contentLanguage] = value }
        if let value = attributes.headers.cacheControl { headers[.cacheControl] = value }
        if let value = attributes.headers.expires { headers[.expires] = value }
        for (name, value) in attributes.userMetadata.sorted(by: { $0.key < $1.key }) {
            if let field = HTTPField.Name("x-amz-meta-" + name) { headers[field] = value }
        }
        if !attributes.tags.isEmpty { headers[.init("x-amz-tagging-count")!] = String(attributes.tags.count) }
        if attributes.storageClass != "STANDARD" { headers[.init("x-amz-storage-class")!] = attributes.storageClass }
        if includeChecksum, let checksum = attributes.checksum {
            headers[.init(checksum.algorithm.headerName)!] = checksum.value
            headers[.init("x-amz-checksum-type")!] = checksum.type.rawValue
        }
    }
}

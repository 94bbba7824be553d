import Foundation
import HTTPTypes
import Hummingbird
import Storage
import TarnCore

extension S3Handler {
    /// ListObjectsV2 (docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html).
    /// The continuation token is the base64 of the marker to continue after.
    func listObjectsV2(_ call: S3Call, bucket: String) throws -> Response {
        let query = call.query
        let prefix = query["prefix"] ?? "", delimiter = query["delimiter"].flatMap { $0.isEmpty ? nil : $0 }
        let maxKeys = try call.intParameter("max-keys", default: 1000, range: 0...Int.max)
        let encodeURL = try encodingType(call)
        var after = query["start-after"]
        if let token = query["continuation-token"] {
            guard let data = Data(base64Encoded: token), let marker = String(data: data, encoding: .utf8) else {
                throw TarnError(.invalidArgument, "The continuation token provided is incorrect")
            }
            after = marker
        }
        let page = try store.list(bucket: bucket, prefix: prefix, delimiter: delimiter, after: after, maxKeys: maxKeys)
        let fetchOwner = query["fetch-owner"] == "true"
        var writer = XMLWriter()
        writer.element("ListBucketResult", namespace: true) { xml in
            xml.leaf("Name", bucket)
            xml.leaf("Prefix", encode(prefix, encodeURL))
            if let token = query["continuation-token"] { xml.leaf("ContinuationToken", token) }
            if let start = query["start-after"] { xml.leaf("StartAfter", encode(start, encodeURL)) }
            xml.leaf("KeyCount", String(page.objects.count + page.commonPrefixes.count))
            xml.leaf("MaxKeys", String(maxKeys))
            if let delimiter { xml.leaf("Delimiter", encode(delimiter, encodeURL)) }
            if encodeURL { xml.leaf("EncodingType", "url") }
            xml.leaf("IsTruncated", page.isTruncated ? "true" : "false")
            if let next = page.nextMarker { xml.leaf("NextContinuationToken", Data(next.utf8).base64EncodedString()) }
            contents(&xml, page, encodeURL: encodeURL, owner: fetchOwner)
        }
        return S3Response.xml(writer)
    }

    /// ListObjects (version 1), with Marker/NextMarker.
    func listObjectsV1(_ call: S3Call, bucket: String) throws -> Response {
        let query = call.query
        let prefix = query["prefix"] ?? "", delimiter = query["delimiter"].flatMap { $0.isEmpty ? nil : $0 }
        let maxKeys = try call.intParameter("max-keys", default: 1000, range: 0...Int.max)
        let encodeURL = try encodingType(call)
        let marker = query["marker"]
        let page = try store.list(bucket: bucket, prefix: prefix, delimiter: delimiter, after: marker, maxKeys: maxKeys)
        var writer = XMLWriter()
        writer.element("ListBucketResult", namespace: true) { xml in
            xml.leaf("Name", bucket)
            xml.leaf("Prefix", encode(prefix, encodeURL))
            xml.leaf("Marker", encode(marker ?? "", encodeURL))
            xml.leaf("MaxKeys", String(maxKeys))
            if let delimiter { xml.leaf("Delimiter", encode(delimiter, encodeURL)) }
            if encodeURL { xml.leaf("EncodingType", "url") }
            xml.leaf("IsTruncated", page.isTruncated ? "true" : "false")
            // S3 returns NextMarker only when a delimiter is given; clients otherwise use the last key.
            if delimiter != nil, let next = page.nextMarker { xml.leaf("NextMarker", encode(next, encodeURL)) }
            contents(&xml, page, encodeURL: encodeURL, owner: true)
        }
        return S3Response.xml(writer)
    }

    /// ListObjectVersions for an unversioned bucket: every object is its own "null" version.
    func listObjectVersions(_ call: S3Call, bucket: String) throws -> Response {
        let query = call.query
        let prefix = query["prefix"] ?? "", delimiter = query["delimiter"].flatMap { $0.isEmpty ? nil : $0 }
        let maxKeys = try call.intParameter("max-keys", default: 1000, range: 0...Int.max)
        let encodeURL = try encodingType(call)
        let keyMarker = query["key-marker"].flatMap { $0.isEmpty ? nil : $0 }
        let page = try store.list(bucket: bucket, prefix: prefix, delimiter: delimiter, after: keyMarker, maxKeys: maxKeys)
        var writer = XMLWriter()
        writer.element("ListVersionsResult", namespace: true) { xml in
            xml.leaf("Name", bucket)
            xml.leaf("Prefix", encode(prefix, encodeURL))
            xml.leaf("KeyMarker", encode(keyMarker ?? "", encodeURL))
            xml.leaf("VersionIdMarker", "")
            xml.leaf("MaxKeys", String(maxKeys))
            if let delimiter { xml.leaf("Delimiter", encode(delimiter, encodeURL)) }
            if encodeURL { xml.leaf("EncodingType", "url") }
            xml.leaf("IsTruncated", page.isTruncated ? "true" : "false")
            if let next = page.nextMarker {
                xml.leaf("NextKeyMarker", encode(next, encodeURL))
                xml.leaf("NextVersionIdMarker", "null")
            }
            for object in page.objects {
                xml.element("Version") { entry in
                    entry.leaf("Key", encode(object.key, encodeURL))
                    entry.leaf("VersionId", "null")
                    entry.leaf("IsLatest", "true")
                    entry.leaf("LastModified", HTTPDate.iso8601(object.lastModified))
                    entry.leaf("ETag", ETag.quoted(object.etag))
                    entry.leaf("Size", String(object.size))
                    entry.leaf("StorageClass", object.attributes.storageClass)
                    owner(&entry)
                }
            }
            for common in page.commonPrefixes {
                xml.element("CommonPrefixes") { $0.leaf("Prefix", encode(common, encodeURL)) }
            }
        }
        return S3Response.xml(writer)
    }

    func encodingType(_ call: S3Call) throws -> Bool {
        guard let type = call.query["encoding-type"] else { return false }
        guard type == "url" else { throw TarnError(.invalidArgument, "Invalid Encoding Method specified in Request") }
        return true
    }

    /// S3's `encoding-type=url` form: every byte outside the unreserved set percent-encoded,
    /// except `/`, as the S3 API encodes keys.
    func encode(_ text: String, _ url: Bool) -> String {
        guard url else { return text }
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"), UInt8(ascii: "/"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += "%" + Hex.encode([byte], uppercase: true)
            }
        }
        return out
    }

    func owner(_ xml: inout XMLWriter) {
        xml.element("Owner") { owner in
            owner.leaf("ID", "tarn")
            owner.leaf("DisplayName", "tarn")
        }
    }

    private func contents(_ xml: inout XMLWriter, _ page: ListPage, encodeURL: Bool, owner includeOwner: Bool) {
        for object in page.objects {
            xml.element("Contents") { entry in
                entry.leaf("Key", encode(object.key, encodeURL))
                entry.leaf("LastModified", HTTPDate.iso8601(object.lastModified))
                entry.leaf("ETag", ETag.quoted(object.etag))
                if let checksum = object.attributes.checksum {
                    entry.leaf("ChecksumAlgorithm", checksum.algorithm.rawValue)
                    entry.leaf("ChecksumType", checksum.type.rawValue)
                }
                entry.leaf("Size", String(object.size))
                entry.leaf("StorageClass", object.attributes.storageClass)
                if includeOwner { owner(&entry) }
            }
        }
        for common in page.commonPrefixes {
            xml.element("CommonPrefixes") { $0.leaf("Prefix", encode(common, encodeURL)) }
        }
    }
}

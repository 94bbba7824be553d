import Foundation
import HTTPTypes
import Hummingbird
import Storage
import TarnCore

extension S3Handler {
    func createMultipartUpload(_ call: S3Call) async throws -> Response {
        let bucket = try call.bucket(), key = try call.key()
        var attributes = try ObjectHeaders.attributes(from: call)
        let (algorithm, _) = try ObjectHeaders.requestedChecksum(call)
        if let algorithm {
            // Remember the algorithm: every part must carry it, and Complete builds the composite.
            attributes.checksum = ObjectChecksum(algorithm: algorithm, value: "", type: .composite)
        }
        let uploadID = try await store.createMultipartUpload(
            bucket: bucket, key: key, attributes: attributes, encryption: try requestedEncryption(call), caller: keyCaller(call))
        var headers = HTTPFields()
        Self.describeEncryption(try store.upload(uploadID, bucket: bucket, key: key).attributes.encryption, into: &headers)
        if let algorithm {
            headers[.init("x-amz-checksum-algorithm")!] = algorithm.rawValue
            headers[.init("x-amz-checksum-type")!] = ChecksumType.composite.rawValue
        }
        var writer = XMLWriter()
        writer.element("InitiateMultipartUploadResult", namespace: true) { xml in
            xml.leaf("Bucket", bucket)
            xml.leaf("Key", key)
            xml.leaf("UploadId", uploadID)
        }
        return S3Response.xml(writer, headers: headers)
    }

    func uploadPart(_ call: inout S3Call, uploadID: String) async throws -> Response {
        let bucket = try call.bucket(), key = try call.key()
        let partNumber = try call.intParameter("partNumber", default: 0, range: 1...MetadataIndex.maximumPartNumber)
        let (algorithm, checksumValue) = try ObjectHeaders.requestedChecksum(call)
        let (upload, info) = try store.beginPartUpload(
            bucket: bucket, key: key, uploadID: uploadID, partNumber: partNumber, checksum: algorithm, caller: keyCaller(call))
        let received: ReceivedBody
        do {
            received = try await BodyReceiver.receive(&call, into: upload, limit: Self.maxSinglePutSize)
        } catch {
            upload.abort()
            throw error
        }
        let expected = ExpectedDigests(contentMD5: call.header("content-md5"), checksum: received.trailerChecksum ?? checksumValue, length: received.declaredLength)
        let part = try await upload.commitPart(key: key, uploadID: uploadID, partNumber: partNumber, expected: expected)
        var headers = HTTPFields()
        headers[.eTag] = ETag.quoted(part.etag)
        Self.describeEncryption(info.attributes.encryption, into: &headers)
        if let checksum = part.checksum, let algorithm = upload.checksumAlgorithm {
            headers[.init(algorithm.headerName)!] = checksum
        }
        return S3Response.empty(.ok, headers: headers)
    }

    func uploadPartCopy(_ call: S3Call, uploadID: String) async throws -> Response {
        let source = try copySource(call)
        let partNumber = try call.intParameter("partNumber", default: 0, range: 1...MetadataIndex.maximumPartNumber)
        var range: ByteRangeRequest? = nil
        if let header = call.header("x-amz-copy-source-range") {
            guard let parsed = ByteRangeRequest(header: header), case .fromStart(_, .some) = parsed else {
                throw TarnError(.invalidArgument, "The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy")
            }
            range = parsed
        }
        let part = try await store.uploadPartCopy(
            sourceBucket: source.bucket, sourceKey: source.key, range: range, bucket: try call.bucket(), key: try call.key(), uploadID: uploadID,
            partNumber: partNumber, sourceConditions: readConditions(call, prefix: "x-amz-copy-source-"), caller: keyCaller(call))
        var writer = XMLWriter()
        writer.element("CopyPartResult", namespace: true) { xml in
            xml.leaf("ETag", ETag.quoted(part.etag))
            xml.leaf("LastModified", HTTPDate.iso8601(part.lastModified))
        }
        return S3Response.xml(writer)
    }

    func completeMultipartUpload(_ call: inout S3Call, uploadID: String) async throws -> Response {
        let bucket = try call.bucket(), key = try call.key()
        let body = try await call.collectBody(limit: 4 * 1024 * 1024)
        let document = try XMLDocument.parse(body)
        guard document.name == "CompleteMultipartUpload" else {
            throw XMLDocument.malformed("expected CompleteMultipartUpload, found \(document.name)")
        }
        let parts = try document.children("Part").map { element -> CompletedPart in
            guard let number = element.value("PartNumber").flatMap(Int.init), let etag = element.value("ETag") else {
                throw XMLDocument.malformed("Part needs PartNumber and ETag")
            }
            let checksum = ChecksumAlgorithm.allCases.lazy.compactMap { element.value("Checksum\($0.rawValue)") }.first
            return CompletedPart(number: number, etag: etag, checksum: checksum)
        }
        let object = try await store.completeMultipartUpload(bucket: bucket, key: key, uploadID: uploadID, parts: parts, condition: try writeCondition(call))
        var headers = HTTPFields()
        Self.describeEncryption(object.attributes.encryption, into: &headers)
        var writer = XMLWriter()
        writer.element("CompleteMultipartUploadResult", namespace: true) { xml in
            xml.leaf("Location", "/\(bucket)/\(key)")
            xml.leaf("Bucket", bucket)
            xml.leaf("Key", key)
            xml.leaf("ETag", ETag.quoted(object.etag))
            if let checksum = object.attributes.checksum {
                xml.leaf("Checksum\(checksum.algorithm.rawValue)", checksum.value)
                xml.leaf("ChecksumType", checksum.type.rawValue)
            }
        }
        return S3Response.xml(writer, headers: headers)
    }

    func listParts(_ call: S3Call, uploadID: String) throws -> Response {
        let bucket = try call.bucket(), key = try call.key()
        let upload = try store.upload(uploadID, bucket: bucket, key: key)
        let maxParts = try call.intParameter("max-parts", default: 1000, range: 0...Int.max)
        let marker = try call.intParameter("part-number-marker", default: 0, range: 0...MetadataIndex.maximumPartNumber)
        let fetched = try store.index.parts(uploadID: uploadID, after: marker, limit: min(maxParts, 1000) + 1)
        let parts = Array(fetched.prefix(min(maxParts, 1000)))
        let truncated = fetched.count > parts.count
        var writer = XMLWriter()
        writer.element("ListPartsResult", namespace: true) { xml in
            xml.leaf("Bucket", bucket)
            xml.leaf("Key", key)
            xml.leaf("UploadId", uploadID)
            xml.leaf("PartNumberMarker", String(marker))
            if let last = parts.last { xml.leaf("NextPartNumberMarker", String(last.number)) }
            xml.leaf("MaxParts", String(maxParts))
            xml.leaf("IsTruncated", truncated ? "true" : "false")
            xml.leaf("StorageClass", upload.attributes.storageClass)
            if let algorithm = upload.attributes.checksum?.algorithm { xml.leaf("ChecksumAlgorithm", algorithm.rawValue) }
            owner(&xml)
            for part in parts {
                xml.element("Part") { entry in
                    entry.leaf("PartNumber", String(part.number))
                    entry.leaf("LastModified", HTTPDate.iso8601(part.lastModified))
                    entry.leaf("ETag", ETag.quoted(part.etag))
                    entry.leaf("Size", String(part.size))
                    if let checksum = part.checksum, let algorithm = upload.attributes.checksum?.algorithm {
                        entry.leaf("Checksum\(algorithm.rawValue)", checksum)
                    }
                }
            }
        }
        return S3Response.xml(writer)
    }

    func listMultipartUploads(_ call: S3Call, bucket: String) throws -> Response {
        try store.bucket(bucket)
        let query = call.query
        let prefix = query["prefix"] ?? "", delimiter = query["delimiter"].flatMap { $0.isEmpty ? nil : $0 }
        let maxUploads = try call.intParameter("max-uploads", default: 1000, range: 0...Int.max)
        let keyMarker = query["key-marker"].flatMap { $0.isEmpty ? nil : $0 }
        let uploadIDMarker = query["upload-id-marker"].flatMap { $0.isEmpty ? nil : $0 }
        let encodeURL = try encodingType(call)
        let limit = min(maxUploads, 1000)
        let candidates = try store.index.uploads(bucket: bucket, prefix: prefix, keyMarker: keyMarker, uploadIDMarker: uploadIDMarker, limit: Int.max)
        var uploads: [UploadInfo] = []
        var prefixes: [String] = []
        var truncated = false
        for upload in candidates {
            if let delimiter, let range = upload.key.dropFirst(prefix.count).range(of: delimiter) {
                let common = String(upload.key[..<range.upperBound])
                if prefixes.last == common { continue }
                if uploads.count + prefixes.count == limit { truncated = true; break }
                prefixes.append(common)
                continue
            }
            if uploads.count + prefixes.count == limit { truncated = true; break }
            uploads.append(upload)
        }
        var writer = XMLWriter()
        writer.element("ListMultipartUploadsResult", namespace: true) { xml in
            xml.leaf("Bucket", bucket)
            xml.leaf("KeyMarker", encode(keyMarker ?? "", encodeURL))
            xml.leaf("UploadIdMarker", uploadIDMarker ?? "")
            if truncated, let last = uploads.last {
                xml.leaf("NextKeyMarker", encode(last.key, encodeURL))
                xml.leaf("NextUploadIdMarker", last.uploadID)
            }
            xml.leaf("Prefix", encode(prefix, encodeURL))
            if let delimiter { xml.leaf("Delimiter", delimiter) }
            xml.leaf("MaxUploads", String(maxUploads))
            xml.leaf("IsTruncated", truncated ? "true" : "false")
            for upload in uploads {
                xml.element("Upload") { entry in
                    entry.leaf("Key", encode(upload.key, encodeURL))
                    entry.leaf("UploadId", upload.uploadID)
                    owner(&entry)
                    entry.element("Initiator") { initiator in
                        initiator.leaf("ID", "tarn")
                        initiator.leaf("DisplayName", "tarn")
                    }
                    entry.leaf("StorageClass", upload.attributes.storageClass)
                    entry.leaf("Initiated", HTTPDate.iso8601(upload.initiated))
                }
            }
            for common in prefixes { xml.element("CommonPrefixes") { $0.leaf("Prefix", encode(common, encodeURL)) } }
        }
        return S3Response.xml(writer)
    }
}

import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Storage
import TarnCore

extension S3Handler {
    /// S3's largest single PUT: 5 GiB.
    static let maxSinglePutSize: Int64 = 5 * 1024 * 1024 * 1024

    func putObject(_ call: inout S3Call) async throws -> Response {
        let bucket = try call.bucket(), key = try call.key()
        try ObjectKey.validate(key)
        let attributes = try ObjectHeaders.attributes(from: call)
        let (algorithm, checksumValue) = try ObjectHeaders.requestedChecksum(call)
        let condition = try writeCondition(call)
        let upload = try store.beginUpload(
            bucket: bucket, checksum: algorithm ?? .crc64nvme, key: key, encryption: try requestedEncryption(call), caller: keyCaller(call),
            storageClass: try StorageClass(header: attributes.storageClass))
        let received: ReceivedBody
        do {
            received = try await BodyReceiver.receive(&call, into: upload, limit: Self.maxSinglePutSize)
        } catch {
            upload.abort()
            throw error
        }
        let expected = ExpectedDigests(contentMD5: call.header("content-md5"), checksum: received.trailerChecksum ?? checksumValue, length: received.declaredLength)
        let object = try await upload.commit(key: key, attributes: attributes, condition: condition, expected: expected)
        var headers = HTTPFields()
        headers[.eTag] = ETag.quoted(object.etag)
        Self.describeEncryption(object.attributes.encryption, into: &headers)
        if algorithm != nil, let checksum = object.attributes.checksum {
            headers[.init(checksum.algorithm.headerName)!] = checksum.value
            headers[.init("x-amz-checksum-type")!] = checksum.type.rawValue
        }
        return S3Response.empty(.ok, headers: headers)
    }

    /// `If-None-Match: *` / `If-Match` on a write (S3 conditional writes).
    func writeCondition(_ call: S3Call) throws -> WriteCondition? {
        if let value = call.header("if-none-match") {
            guard value.trimmingCharacters(in: .whitespaces) == "*" else {
                throw TarnError(.init("NotImplemented"), "A header you provided implies functionality that is not implemented: If-None-Match on writes accepts only '*'.")
            }
            return .ifNoneMatchAny
        }
        if let value = call.header("if-match") { return .ifMatch(value) }
        return nil
    }

    /// GET and HEAD of an object, with conditions, `Range`, `partNumber` and `response-*` overrides.
    func getObject(_ call: S3Call) async throws -> Response {
        let bucket = try call.bucket(), key = try call.key()
        // HEAD reads only metadata, so it needs no data key (as in S3, where HeadObject works
        // without kms:Decrypt), and it works on archived objects (it reports x-amz-restore);
        // GET needs them restored.
        let reader = call.method == .head ? nil : try store.open(bucket: bucket, key: key, caller: keyCaller(call))
        let object = try reader?.info ?? store.object(bucket: bucket, key: key)
        try readConditions(call).check(object)
        var headers = HTTPFields()
        var status = HTTPResponse.Status.ok
        var range: Range<Int64> = 0..<object.size
        let partNumber = try call.intParameter("partNumber", default: 0, range: 0...MetadataIndex.maximumPartNumber)
        if partNumber > 0 {
            // A part is itself a range; S3 refuses both together.
            if call.header("range") != nil {
                throw TarnError(.invalidRequest, "Cannot specify both Range header and partNumber query parameter")
            }
            let parts = object.attributes.partSizes ?? [object.size]
            guard partNumber <= parts.count else {
                throw TarnError(.invalidPartNumber, "The requested partnumber is not satisfiable")
            }
            let start = parts.prefix(partNumber - 1).reduce(0, +)
            range = start..<start + parts[partNumber - 1]
            headers[.init("x-amz-mp-parts-count")!] = String(parts.count)
            if object.size > 0 {
                status = .partialContent
                headers[.contentRange] = "bytes \(range.lowerBound)-\(range.upperBound - 1)/\(object.size)"
            }
        } else if let rangeHeader = call.header("range"), let request = ByteRangeRequest(header: rangeHeader) {
            range = try request.resolve(size: object.size)
            status = .partialContent
            headers[.contentRange] = "bytes \(range.lowerBound)-\(range.upperBound - 1)/\(object.size)"
        }
        let wholeObject = status == .ok
        ObjectHeaders.describe(object, into: &headers, includeChecksum: wholeObject && call.header("x-amz-checksum-mode")?.uppercased() == "ENABLED")
        Self.describeEncryption(object.attributes.encryption, into: &headers)
        describeRestore(object, into: &headers)
        for (parameter, field) in Self.responseOverrides {
            if let value = call.query[parameter] { headers[field] = value }
        }
        let length = range.upperBound - range.lowerBound
        headers[.contentLength] = String(length)
        guard let reader else { return Response(status: status, headers: headers) }
        return Response(status: status, headers: headers, body: try ObjectBody.make(reader: reader, range: range, pacing: call.eventLoop))
    }

    static let responseOverrides: [(String, HTTPField.Name)] = [
        ("response-content-type", .contentType), ("response-content-language", .contentLanguage), ("response-expires", .expires),
        ("response-cache-control", .cacheControl), ("response-content-disposition", .contentDisposition),
        ("response-content-encoding", .contentEncoding),
    ]

    func readConditions(_ call: S3Call, prefix: String = "") -> ReadConditions {
        ReadConditions(
            ifMatch: call.header(prefix + "if-match"), ifNoneMatch: call.header(prefix + "if-none-match"),
            ifModifiedSince: call.header(prefix + "if-modified-since").flatMap(HTTPDate.parse),
            ifUnmodifiedSince: call.header(prefix + "if-unmodified-since").flatMap(HTTPDate.parse))
    }

    /// `x-amz-copy-source: /bucket/key` (URL-encoded, leading slash optional, `?versionId=` ignored
    /// for unversioned buckets).
    func copySource(_ call: S3Call) throws -> (bucket: String, key: String) {
        guard var source = call.header("x-amz-copy-source") else { throw TarnError(.invalidArgument, "Copy Source must mention the source bucket and key: sourcebucket/sourcekey") }
        if let question = source.firstIndex(of: "?") { source = String(source[..<question]) }
        let decoded = try S3Address.decode(source)
        let trimmed = decoded.hasPrefix("/") ? String(decoded.dropFirst()) : decoded
        guard let slash = trimmed.firstIndex(of: "/"), slash != trimmed.startIndex, trimmed.index(after: slash) != trimmed.endIndex else {
            throw TarnError(.invalidArgument, "Copy Source must mention the source bucket and key: sourcebucket/sourcekey")
        }
        return (String(trimmed[..<slash]), String(trimmed[trimmed.index(after: slash)...]))
    }

    func copyObject(_ call: S3Call) async throws -> Response {
        let source = try copySource(call)
        let bucket = try call.bucket(), key = try call.key()
        try ObjectKey.validate(key)
        let directive = call.header("x-amz-metadata-directive")?.uppercased() ?? "COPY"
        let taggingDirective = call.header("x-amz-tagging-directive")?.uppercased() ?? "COPY"
        guard ["COPY", "REPLACE"].contains(directive), ["COPY", "REPLACE"].contains(taggingDirective) else {
            throw TarnError(.invalidArgument, "Unknown metadata or tagging directive.")
        }
        var attributes: ObjectAttributes? = nil
        if directive == "REPLACE" || taggingDirective == "REPLACE" || call.header("x-amz-storage-class") != nil {
            let sourceInfo = try store.object(bucket: source.bucket, key: source.key)
            var replaced = directive == "REPLACE" ? try ObjectHeaders.attributes(from: call) : sourceInfo.attributes
            replaced.tags = taggingDirective == "REPLACE" ? (try call.header("x-amz-tagging").map(TagSetXML.parseHeader) ?? []) : sourceInfo.attributes.tags
            if let storageClass = call.header("x-amz-storage-class") {
                guard ObjectHeaders.storageClasses.contains(storageClass) else {
                    throw TarnError(.invalidStorageClass, "The storage class you specified is not valid: \(storageClass)")
                }
                replaced.storageClass = storageClass
            }
            attributes = replaced
        }
        let (algorithm, _) = try ObjectHeaders.requestedChecksum(call)
        let object = try await store.copyObject(
            sourceBucket: source.bucket, sourceKey: source.key, bucket: bucket, key: key, attributes: attributes,
            sourceConditions: readConditions(call, prefix: "x-amz-copy-source-"), condition: try writeCondition(call), checksum: algorithm,
            encryption: try requestedEncryption(call), caller: keyCaller(call))
        var headers = HTTPFields()
        Self.describeEncryption(object.attributes.encryption, into: &headers)
        var writer = XMLWriter()
        writer.element("CopyObjectResult", namespace: true) { xml in
            xml.leaf("ETag", ETag.quoted(object.etag))
            xml.leaf("LastModified", HTTPDate.iso8601(object.lastModified))
            if let checksum = object.attributes.checksum {
                xml.leaf("Checksum\(checksum.algorithm.rawValue)", checksum.value)
                xml.leaf("ChecksumType", checksum.type.rawValue)
            }
        }
        return S3Response.xml(writer, headers: headers)
    }

    func putObjectTagging(_ call: inout S3Call) async throws -> Response {
        let tags = try TagSetXML.parse(try await call.collectBody(limit: 64 * 1024), limit: 10)
        try await store.setTags(bucket: try call.bucket(), key: try call.key(), tags: tags)
        return S3Response.empty(.ok)
    }

    func getObjectTagging(_ call: S3Call) throws -> Response {
        let object = try store.object(bucket: try call.bucket(), key: try call.key())
        return S3Response.xml(TagSetXML.render(object.attributes.tags))
    }

    /// DeleteObjects: up to 1,000 keys, each reported as Deleted or as an Error.
    func deleteObjects(_ call: inout S3Call, bucket: String) async throws -> Response {
        let body = try await call.collectBody(limit: 2 * 1024 * 1024)
        if let md5 = call.header("content-md5") {
            guard let sent = Data(base64Encoded: md5), Array(sent) == Array(Insecure.MD5.hash(data: body)) else {
                throw TarnError(.badDigest, "The Content-MD5 you specified did not match what we received.")
            }
        }
        let document = try XMLDocument.parse(body)
        guard document.name == "Delete" else { throw XMLDocument.malformed("expected Delete, found \(document.name)") }
        let objects = document.children("Object")
        guard !objects.isEmpty, objects.count <= 1000 else { throw XMLDocument.malformed("Delete must name 1 to 1000 objects, got \(objects.count)") }
        let quiet = document.value("Quiet")?.lowercased() == "true"
        try store.bucket(bucket)
        var deleted: [String] = []
        var failures: [(String, TarnError)] = []
        for object in objects {
            guard let key = object.value("Key") else { throw XMLDocument.malformed("Object without Key") }
            do {
                try ObjectKey.validate(key)
                guard mayDelete(call, bucket: bucket, key: key) else { throw TarnError(.accessDenied, "Access Denied") }
                deleted.append(key)
            } catch let error as TarnError {
                failures.append((key, error))
            }
        }
        // All valid keys in one commit; a failed commit fails the request (nothing was deleted).
        try await store.delete(bucket: bucket, keys: deleted)
        var writer = XMLWriter()
        writer.element("DeleteResult", namespace: true) { xml in
            if !quiet {
                for key in deleted { xml.element("Deleted") { $0.leaf("Key", key) } }
            }
            for (key, error) in failures {
                xml.element("Error") { entry in
                    entry.leaf("Key", key)
                    entry.leaf("Code", S3ErrorMapping.wireCode(for: error.code))
                    entry.leaf("Message", error.message)
                }
            }
        }
        return S3Response.xml(writer)
    }
}

extension TarnError.Code {
    static let invalidPartNumber = Self("InvalidPartNumber")
}

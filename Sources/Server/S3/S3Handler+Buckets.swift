import Foundation
import HTTPTypes
import Hummingbird
import Storage
import TarnCore

extension S3Handler {
    func listBuckets(_ call: S3Call) throws -> Response {
        let buckets = try store.buckets()
        var writer = XMLWriter()
        writer.element("ListAllMyBucketsResult", namespace: true) { xml in
            xml.element("Owner") { owner in
                owner.leaf("ID", "tarn")
                owner.leaf("DisplayName", "tarn")
            }
            xml.element("Buckets") { list in
                for bucket in buckets {
                    list.element("Bucket") { entry in
                        entry.leaf("Name", bucket.name)
                        entry.leaf("CreationDate", HTTPDate.iso8601(bucket.created))
                        entry.leaf("BucketRegion", bucket.region)
                    }
                }
            }
        }
        return S3Response.xml(writer)
    }

    func createBucket(_ call: inout S3Call, bucket: String) async throws -> Response {
        let body = try await call.collectBody(limit: 64 * 1024)
        if !body.isEmpty {
            let document = try XMLDocument.parse(body)
            guard document.name == "CreateBucketConfiguration" else {
                throw XMLDocument.malformed("expected CreateBucketConfiguration, found \(document.name)")
            }
            // A LocationConstraint naming another region is refused as S3 refuses it.
            if let location = document.value("LocationConstraint"), !location.isEmpty, location != lake.region {
                throw TarnError(
                    .init("IllegalLocationConstraintException"),
                    "The \(location) location constraint is incompatible for the region specific endpoint this request was sent to (\(lake.region)).")
            }
        }
        if let acl = call.header("x-amz-acl"), acl != "private" {
            // Object Ownership "bucket owner enforced": ACLs other than private are not supported.
            throw TarnError(.init("InvalidBucketAclWithObjectOwnership"), "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting")
        }
        try await store.createBucket(bucket)
        var headers = HTTPFields()
        headers[.location] = "/\(bucket)"
        return S3Response.empty(.ok, headers: headers)
    }

    func getBucketLocation(_ bucket: String) throws -> Response {
        let info = try store.bucket(bucket)
        var writer = XMLWriter()
        // S3 answers an empty constraint for us-east-1 (the classic region), else the region name.
        writer.element("LocationConstraint", namespace: true) { xml in
            if info.region != "us-east-1" { xml.leafText(info.region) }
        }
        return S3Response.xml(writer)
    }

    func getBucketVersioning(_ bucket: String) throws -> Response {
        try store.bucket(bucket)
        var writer = XMLWriter()
        // An unversioned bucket: S3 returns the element with no Status.
        writer.element("VersioningConfiguration", namespace: true) { _ in }
        return S3Response.xml(writer)
    }

    func putBucketTagging(_ call: inout S3Call, bucket: String) async throws -> Response {
        let tags = try TagSetXML.parse(try await call.collectBody(limit: 64 * 1024), limit: 50)
        try store.bucket(bucket)
        let json = String(decoding: try JSONEncoder().encode(tags), as: UTF8.self)
        try await store.index.setBucketConfig(bucket, "tagging", json)
        return S3Response.empty(.noContent)
    }

    func getBucketTagging(_ bucket: String) throws -> Response {
        guard let json = try store.index.bucketConfig(bucket, "tagging"),
            let tags = try? JSONDecoder().decode([Tag].self, from: Data(json.utf8))
        else {
            throw TarnError(.init("NoSuchTagSet"), "The TagSet does not exist")
        }
        return S3Response.xml(TagSetXML.render(tags))
    }
}

extension XMLWriter {
    /// Appends escaped text inside the current element.
    mutating func leafText(_ value: String) {
        appendRaw(Self.escape(value))
    }
}

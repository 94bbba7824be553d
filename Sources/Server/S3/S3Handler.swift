import Foundation
import HTTPTypes
import Hummingbird
import Lake
import Storage
import TarnCore

/// Dispatches S3 REST requests to the object store by method, addressing and sub-resource
/// (docs.aws.amazon.com/AmazonS3/latest/API/API_Operations_Amazon_Simple_Storage_Service.html).
struct S3Handler: Sendable {
    let lake: Lake
    var store: ObjectStore { lake.store }

    /// Sub-resources S3 defines that Tarn does not implement yet: answered with `NotImplemented`
    /// rather than misread as a plain object or bucket operation.
    static let unimplementedSubresources: Set<String> = [
        "acl", "cors", "website", "logging", "notification", "replication", "requestPayment", "accelerate", "analytics",
        "inventory", "metrics", "intelligent-tiering", "object-lock", "legal-hold", "retention", "torrent", "select",
    ]

    func handle(_ call: inout S3Call) async throws -> Response {
        try authorize(call)
        if let response = try await securityOperation(&call) { return response }
        for name in call.query.keys where Self.unimplementedSubresources.contains(name) {
            throw TarnError(.unsupported, "The ?\(name) sub-resource is not implemented by this Tarn server.")
        }
        guard let bucket = call.address.bucket else {
            guard call.method == .get else { throw TarnError(.init("MethodNotAllowed"), "The specified method is not allowed against this resource.") }
            return try listBuckets(call)
        }
        if call.address.key == nil {
            return try await bucketOperation(&call, bucket: bucket)
        }
        return try await objectOperation(&call)
    }

    private func bucketOperation(_ call: inout S3Call, bucket: String) async throws -> Response {
        let query = call.query
        switch call.method {
        case .put:
            if query["tagging"] != nil { return try await putBucketTagging(&call, bucket: bucket) }
            if query["lifecycle"] != nil { return try await putBucketLifecycle(&call, bucket: bucket) }
            if query["versioning"] != nil {
                throw TarnError(.unsupported, "Bucket versioning cannot be enabled on this Tarn server yet; buckets are unversioned.")
            }
            return try await createBucket(&call, bucket: bucket)
        case .delete:
            if query["tagging"] != nil {
                try await store.index.setBucketConfig(bucket, "tagging", nil)
                return S3Response.empty(.noContent)
            }
            if query["lifecycle"] != nil { return try await deleteBucketLifecycle(bucket: bucket) }
            try await store.deleteBucket(bucket)
            return S3Response.empty(.noContent)
        case .head:
            let info = try store.bucket(bucket)
            var headers = HTTPFields()
            headers[.init("x-amz-bucket-region")!] = info.region
            return S3Response.empty(.ok, headers: headers)
        case .get:
            if query["location"] != nil { return try getBucketLocation(bucket) }
            if query["versioning"] != nil { return try getBucketVersioning(bucket) }
            if query["versions"] != nil { return try listObjectVersions(call, bucket: bucket) }
            if query["uploads"] != nil { return try listMultipartUploads(call, bucket: bucket) }
            if query["tagging"] != nil { return try getBucketTagging(bucket) }
            if query["lifecycle"] != nil { return try getBucketLifecycle(bucket: bucket) }
            if query["list-type"] == "2" { return try listObjectsV2(call, bucket: bucket) }
            return try listObjectsV1(call, bucket: bucket)
        case .post:
            if query["delete"] != nil { return try await deleteObjects(&call, bucket: bucket) }
            throw TarnError(.init("MethodNotAllowed"), "The specified method is not allowed against this resource.")
        default:
            throw TarnError(.init("MethodNotAllowed"), "The specified method is not allowed against this resource.")
        }
    }

    private func objectOperation(_ call: inout S3Call) async throws -> Response {
        let query = call.query
        switch call.method {
        case .put:
            if query["tagging"] != nil { return try await putObjectTagging(&call) }
            if let uploadID = query["uploadId"], query["partNumber"] != nil {
                if call.header("x-amz-copy-source") != nil { return try await uploadPartCopy(call, uploadID: uploadID) }
                return try await uploadPart(&call, uploadID: uploadID)
            }
            if call.header("x-amz-copy-source") != nil { return try await copyObject(call) }
            return try await putObject(&call)
        case .get, .head:
            if call.method == .get, query["tagging"] != nil { return try getObjectTagging(call) }
            if call.method == .get, let uploadID = query["uploadId"] { return try listParts(call, uploadID: uploadID) }
            return try await getObject(call)
        case .delete:
            if query["tagging"] != nil {
                try await store.setTags(bucket: try call.bucket(), key: try call.key(), tags: [])
                return S3Response.empty(.noContent)
            }
            if let uploadID = query["uploadId"] {
                try await store.abortMultipartUpload(bucket: try call.bucket(), key: try call.key(), uploadID: uploadID)
                return S3Response.empty(.noContent)
            }
            try await store.delete(bucket: try call.bucket(), key: try call.key())
            return S3Response.empty(.noContent)
        case .post:
            if query["uploads"] != nil { return try await createMultipartUpload(call) }
            if query["restore"] != nil { return try await restoreObject(&call) }
            if let uploadID = query["uploadId"] { return try await completeMultipartUpload(&call, uploadID: uploadID) }
            throw TarnError(.init("MethodNotAllowed"), "The specified method is not allowed against this resource.")
        default:
            throw TarnError(.init("MethodNotAllowed"), "The specified method is not allowed against this resource.")
        }
    }
}

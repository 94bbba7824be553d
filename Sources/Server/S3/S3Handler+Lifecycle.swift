import Foundation
import HTTPTypes
import Hummingbird
import Storage
import TarnCore

/// Lifecycle configuration and RestoreObject: the S3 side of the cost pillar.
extension S3Handler {
    /// PutBucketLifecycleConfiguration (`PUT /bucket?lifecycle`): replaces the bucket's rules.
    func putBucketLifecycle(_ call: inout S3Call, bucket: String) async throws -> Response {
        let body = try await call.collectBody(limit: 1 << 20)
        let configuration = try LifecycleXML.parse(body, minimumSize: call.header(LifecycleXML.minimumSizeHeader))
        try store.bucket(bucket)
        try await store.setLifecycleConfiguration(bucket: bucket, configuration)
        var headers = HTTPFields()
        headers[.init(LifecycleXML.minimumSizeHeader)!] = configuration.transitionMinimumSize.rawValue
        return S3Response.empty(.ok, headers: headers)
    }

    /// GetBucketLifecycleConfiguration (`GET /bucket?lifecycle`).
    func getBucketLifecycle(bucket: String) throws -> Response {
        guard let configuration = try store.lifecycleConfiguration(bucket: bucket) else {
            throw TarnError(.noSuchLifecycleConfiguration, "The lifecycle configuration does not exist", details: [.init("BucketName", bucket)])
        }
        var headers = HTTPFields()
        headers[.init(LifecycleXML.minimumSizeHeader)!] = configuration.transitionMinimumSize.rawValue
        return S3Response.xml(LifecycleXML.render(configuration), headers: headers)
    }

    /// DeleteBucketLifecycle (`DELETE /bucket?lifecycle`): 204 whether or not rules existed.
    func deleteBucketLifecycle(bucket: String) async throws -> Response {
        try store.bucket(bucket)
        try await store.setLifecycleConfiguration(bucket: bucket, nil)
        return S3Response.empty(.noContent)
    }

    /// RestoreObject (`POST /bucket/key?restore`): 202 when a restore starts, 200 when the object
    /// was already restored (its expiry moves), 409 `RestoreAlreadyInProgress` while one runs.
    func restoreObject(_ call: inout S3Call) async throws -> Response {
        let bucket = try call.bucket(), key = try call.key()
        let body = try await call.collectBody(limit: 64 * 1024)
        var days: Int? = nil
        var tier = RestoreTier.standard
        if !body.isEmpty {
            let document = try XMLDocument.parse(body)
            guard document.name == "RestoreRequest" else { throw XMLDocument.malformed("expected RestoreRequest, found \(document.name)") }
            if let type = document.value("Type"), type != "" {
                throw TarnError(.unsupported, "RestoreObject of Type \(type) (S3 Select) is not implemented by this Tarn server.")
            }
            if let text = document.value("Days") {
                guard let value = Int(text.trimmingCharacters(in: .whitespaces)) else {
                    throw XMLDocument.malformed("Days '\(text)' is not an integer")
                }
                days = value
            }
            if let text = document.child("GlacierJobParameters")?.value("Tier") ?? document.value("Tier") {
                guard let value = RestoreTier(rawValue: text) else { throw XMLDocument.malformed("Tier '\(text)' is not Expedited, Standard or Bulk") }
                tier = value
            }
        }
        guard let days else {
            throw TarnError(.malformedXML, "The XML you provided was not well-formed or did not validate against our published schema (RestoreRequest needs Days).")
        }
        switch try await store.restoreObject(bucket: bucket, key: key, days: days, tier: tier) {
        case .started: return S3Response.empty(.accepted)
        case .extended: return S3Response.empty(.ok)
        }
    }

    /// `x-amz-restore` on HEAD/GET of an archived object that has a restore.
    func describeRestore(_ object: ObjectInfo, into headers: inout HTTPFields) {
        guard let state = store.restoreState(object) else { return }
        headers[.init("x-amz-restore")!] =
            state.ongoing ? "ongoing-request=\"true\"" : "ongoing-request=\"false\", expiry-date=\"\(HTTPDate.imfFixdate(state.expiry))\""
    }
}

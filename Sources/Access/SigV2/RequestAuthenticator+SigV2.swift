import Crypto
import Foundation
import TarnCore

/// SigV2 verification (S3 only): `Authorization: AWS AKID:signature` and presigned URLs with
/// `AWSAccessKeyId`, `Expires` and `Signature`, where
/// `Signature = Base64(HMAC-SHA1(secret, UTF-8(StringToSign)))` (see `SigV2StringToSign`).
extension RequestAuthenticator {
    /// Verifies the SigV2 `Authorization` header.
    func verifySigV2Header(_ request: AWSRequest, authorization: String, now: Int64) throws -> Authentication {
        let credential = authorization.dropFirst("AWS ".count)
        guard let colon = credential.firstIndex(of: ":"), colon != credential.startIndex,
            credential.index(after: colon) != credential.endIndex
        else {
            throw TarnError(
                .invalidArgument, "AWS authorization header is invalid.  Expected AwsAccessKeyId:signature",
                details: [.init("ArgumentName", "Authorization"), .init("ArgumentValue", authorization)])
        }
        let accessKeyID = String(credential[..<colon])
        let signature = String(credential[credential.index(after: colon)...])
        let dateLine: String
        let shownDate: String
        let requestTime: Int64
        if let amzDate = request.headers["x-amz-date"] {
            guard let time = AMZDate.parseHTTPDate(amzDate) ?? AMZDate.parseISO8601Basic(amzDate) else { throw Self.missingDate() }
            (dateLine, shownDate, requestTime) = ("", amzDate, time)
        } else if let date = request.headers["date"] {
            guard let time = AMZDate.parseHTTPDate(date) ?? AMZDate.parseISO8601Basic(date) else { throw Self.missingDate() }
            (dateLine, shownDate, requestTime) = (date, date, time)
        } else {
            throw Self.missingDate()
        }
        guard let stored = try credentials.credential(forAccessKeyID: accessKeyID) else { throw Self.unknownAccessKey(accessKeyID) }
        try checkSkew(requestTime: requestTime, shownAs: shownDate, now: now)
        let token = request.headers["x-amz-security-token"]
        try Self.checkSessionToken(token, stored: stored)
        let stringToSign = SigV2StringToSign.build(request, dateOrExpires: dateLine, amzHeadersFromQuery: false)
        try Self.checkSigV2(stringToSign, provided: signature, stored: stored)
        return Authentication(
            scheme: .sigV2Header, principal: stored.principal, accessKeyID: accessKeyID, service: "s3", requestTime: requestTime,
            sessionToken: token, payload: try payloadRuleWithoutSigV4(request))
    }

    /// Verifies a SigV2 presigned URL.
    func verifySigV2Query(_ request: AWSRequest, now: Int64) throws -> Authentication {
        let query = request.query
        // Base64 signatures contain '+', which must not turn into a space.
        let rawSignature = query.parameters.first { $0.name == "Signature" }?.rawValue
        guard let accessKeyID = query["AWSAccessKeyId"], let expiresText = query["Expires"], let rawSignature else {
            throw TarnError(.accessDenied, "Query-string authentication requires the Signature, Expires and AWSAccessKeyId parameters")
        }
        let signature = PercentEncoding.decode(rawSignature, plusAsSpace: false)
        guard let expires = Int64(expiresText) else {
            throw TarnError(
                .invalidArgument, "Invalid date (should be seconds since epoch): \(expiresText)",
                details: [.init("ArgumentName", "Expires"), .init("ArgumentValue", expiresText)])
        }
        guard let stored = try credentials.credential(forAccessKeyID: accessKeyID) else { throw Self.unknownAccessKey(accessKeyID) }
        guard now <= expires else {
            throw TarnError(
                .accessDenied, "Request has expired",
                details: [.init("Expires", AMZDate.iso8601Extended(expires)), .init("ServerTime", AMZDate.iso8601Extended(now))])
        }
        let token = query["x-amz-security-token"] ?? request.headers["x-amz-security-token"]
        try Self.checkSessionToken(token, stored: stored)
        let stringToSign = SigV2StringToSign.build(request, dateOrExpires: expiresText, amzHeadersFromQuery: true)
        try Self.checkSigV2(stringToSign, provided: signature, stored: stored)
        return Authentication(
            scheme: .sigV2Query, principal: stored.principal, accessKeyID: accessKeyID, service: "s3", expiresAt: expires,
            sessionToken: token, payload: try payloadRuleWithoutSigV4(request))
    }

    /// Compares a Base64 SigV2 signature with ours.
    static func checkSigV2(_ stringToSign: String, provided: String, stored: StoredCredential) throws {
        let computed = SigV2Signer.signatureBytes(stringToSign, secret: stored.credentials.secretAccessKey)
        let providedBytes = Data(base64Encoded: provided).map(Array.init) ?? []
        guard SigningKey.constantTimeEquals(computed, providedBytes) else {
            throw signatureMismatch(
                accessKeyID: stored.credentials.accessKeyID, stringToSign: Array(stringToSign.utf8), provided: provided,
                canonicalRequest: nil)
        }
    }
}

import Crypto
import Foundation

/// Signs S3 requests with Signature Version 2: the `Authorization: AWS AKID:signature` header and
/// presigned URLs (`AWSAccessKeyId`, `Expires`, `Signature`), as boto3 still does by default.
public struct SigV2Signer: Sendable {
    /// The key pair to sign with.
    public var credentials: SigningCredentials

    /// Creates a signer.
    public init(credentials: SigningCredentials) { self.credentials = credentials }

    /// `Base64(HMAC-SHA1(secret, stringToSign))`.
    public func signature(_ stringToSign: String) -> String {
        Data(Self.signatureBytes(stringToSign, secret: credentials.secretAccessKey)).base64EncodedString()
    }

    static func signatureBytes(_ stringToSign: String, secret: String) -> [UInt8] {
        Array(HMAC<Insecure.SHA1>.authenticationCode(for: Array(stringToSign.utf8), using: SymmetricKey(data: Array(secret.utf8))))
    }

    /// Signs a request in place: sets `Date` (unless `x-amz-date` is present), the session token
    /// header and `Authorization`.
    /// - Parameters:
    ///   - request: the request to sign.
    ///   - time: the signing time, seconds since 1970.
    /// - Returns: the string that was signed.
    @discardableResult
    public func sign(_ request: inout AWSRequest, at time: Int64) -> String {
        if let token = credentials.sessionToken { request.headers.set("x-amz-security-token", token) }
        var dateLine = ""
        if !request.headers.contains("x-amz-date") {
            dateLine = AMZDate.httpDate(time)
            request.headers.set("date", dateLine)
        }
        let stringToSign = SigV2StringToSign.build(request, dateOrExpires: dateLine, amzHeadersFromQuery: false)
        request.headers.set("authorization", "AWS \(credentials.accessKeyID):\(signature(stringToSign))")
        return stringToSign
    }

    /// Presigns a request: appends `AWSAccessKeyId`, `Expires`, `Signature` (and the session
    /// token) to its query.
    /// - Parameters:
    ///   - request: the request to presign; its query is extended in place.
    ///   - expires: the expiry instant, seconds since 1970.
    /// - Returns: the string that was signed.
    @discardableResult
    public func presign(_ request: inout AWSRequest, expires: Int64) -> String {
        if let token = credentials.sessionToken {
            request.rawQuery = Self.append([("x-amz-security-token", token)], to: request.rawQuery)
        }
        let stringToSign = SigV2StringToSign.build(request, dateOrExpires: String(expires), amzHeadersFromQuery: true)
        request.rawQuery = Self.append(
            [("AWSAccessKeyId", credentials.accessKeyID), ("Expires", String(expires)), ("Signature", signature(stringToSign))],
            to: request.rawQuery)
        return stringToSign
    }

    static func append(_ parameters: [(String, String)], to query: String) -> String {
        let encoded = parameters.map { PercentEncoding.encodeQueryComponent($0.0) + "=" + PercentEncoding.encodeQueryComponent($0.1) }
        return ([query].filter { !$0.isEmpty } + encoded).joined(separator: "&")
    }
}

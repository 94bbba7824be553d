import Access
import Crypto
import HTTPTypes
import Hummingbird
import Lake
import TarnCore

/// Builds the transport-neutral request `Access` verifies from a Hummingbird request.
enum AuthenticationBridge {
    /// The account id Tarn reports for its single account (AWS-shaped, 12 digits).
    static let accountID = Lake.accountID

    /// The authenticator for a lake: the root credentials and every active IAM user key.
    static func authenticator(for lake: Lake) -> RequestAuthenticator {
        RequestAuthenticator(credentials: lake.identities, configuration: AuthenticatorConfiguration(region: lake.region))
    }

    /// The request as signed: every header, including `Host`, which HTTPTypes keeps as the
    /// `:authority` pseudo-header rather than a field.
    static func awsRequest(_ request: Request, rawPath: String, rawQuery: String?, virtualHostedBucket: String?, bodySHA256: String? = nil) -> AWSRequest {
        var headers = HTTPHeaders()
        if let authority = request.head.authority { headers.add("host", authority) }
        for field in request.headers { headers.add(field.name.canonicalName, field.value) }
        return AWSRequest(
            method: request.method.rawValue, rawPath: rawPath, rawQuery: rawQuery ?? "", headers: headers, bodySHA256: bodySHA256,
            virtualHostedBucket: virtualHostedBucket)
    }

    /// The JSON-protocol exception for an authentication failure, as AWS's JSON services name them.
    static func jsonError(_ error: TarnError) -> AWSJSONError {
        switch error.code {
        case .invalidAccessKeyId: AWSJSONError("UnrecognizedClientException", "The security token included in the request is invalid.")
        case .signatureDoesNotMatch:
            AWSJSONError("InvalidSignatureException", "The request signature we calculated does not match the signature you provided.")
        case .requestTimeTooSkewed: AWSJSONError("InvalidSignatureException", "Signature expired: \(error.message)")
        case .accessDenied: AWSJSONError("AccessDeniedException", error.message)
        default: AWSJSONError("IncompleteSignatureException", error.message)
        }
    }

    /// Lowercase hex SHA-256 of a buffered body.
    static func sha256Hex(_ body: [UInt8]) -> String { Hex.encode(SHA256.hash(data: body)) }
}

/// # Access
///
/// Who may do what. This module authenticates every request Tarn serves, exactly as AWS does, so
/// that the AWS CLI, boto3 and the other SDKs work unchanged; later it also holds IAM principals
/// and the policy language (`Policy/`).
///
/// ```
///  Server (HTTP) ──AWSRequest──▶ RequestAuthenticator ──▶ Authentication (principal, payload rule)
///                                  │   ├─ SigV4/  header + presigned query (AWS4-HMAC-SHA256)
///                                  │   ├─ SigV2/  S3 legacy header + query (HMAC-SHA1)
///                                  │   └─ CredentialStore (access key id → secret, principal)
///  request body ──bytes──▶ Chunked/AWSChunkedDecoder ──▶ payload bytes, trailers (aws-chunked)
///                          Payload/PayloadDigestVerifier (x-amz-content-sha256 literal hash)
///  Tarn's own clients ──▶ SigV4Signer (Authorization header, presigned URLs)
/// ```
///
/// Nothing here knows an HTTP framework: the server describes each request with an
/// `AWSRequest` (method, raw path and query as sent, headers) and receives either an
/// `Authentication` or a `TarnError` whose code is the AWS error code
/// (`SignatureDoesNotMatch`, `RequestTimeTooSkewed`…) and whose `awsHTTPStatus` is the status AWS
/// answers with. Body decoders are push state machines with no I/O.
public enum AccessModule {}

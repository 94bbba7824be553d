import TarnCore

/// The parsed `Authorization` header of a SigV4 request:
/// `AWS4-HMAC-SHA256 Credential=<AKID>/<scope>, SignedHeaders=<h1;h2>, Signature=<64 hex>`.
///
/// The three components may come in any order, separated by commas with optional spaces (the
/// botocore test suite puts a space after each comma, the S3 examples none).
public struct SigV4Authorization: Sendable, Equatable {
    /// The credential (access key id and scope).
    public var credential: CredentialScope
    /// The `;`-separated lowercase names of the signed headers, as sent.
    public var signedHeaders: String
    /// The signature, 64 lowercase hex digits.
    public var signature: String

    /// Parses the header value.
    /// - Throws: `AuthorizationHeaderMalformed` naming the part that is wrong.
    public init(headerValue: String) throws {
        let parts = try Self.parse(headerValue[...])
        self.credential = parts.credential
        self.signedHeaders = String(parts.signedHeaders)
        self.signature = String(parts.signature)
    }

    /// The header's parts as slices of the header, so that verification copies nothing.
    static func parse(_ headerValue: Substring) throws -> (credential: CredentialScope, signedHeaders: Substring, signature: Substring) {
        guard headerValue.hasPrefix(SigV4.algorithm) else {
            throw Self.malformed("the authorization header must start with \(SigV4.algorithm)")
        }
        let rest = headerValue.dropFirst(SigV4.algorithm.utf8.count)
        guard rest.first == " " else { throw Self.malformed("expected a space after \(SigV4.algorithm)") }
        var credential: Substring?
        var signedHeaders: Substring?
        var signature: Substring?
        try rest.forEachPiece(byte: UInt8(ascii: ","), omittingEmpty: false) { component in
            let text = component.trimmingSpaces
            guard let equals = text.firstIndex(byte: UInt8(ascii: "=")) else {
                throw Self.malformed("the authorization component \"\(text)\" is malformed.")
            }
            let value = text[text.index(after: equals)...]
            switch text[..<equals] {
            case "Credential" where credential == nil: credential = value
            case "SignedHeaders" where signedHeaders == nil: signedHeaders = value
            case "Signature" where signature == nil: signature = value
            default: throw Self.malformed("the authorization component \"\(text)\" is malformed.")
            }
        }
        guard let credential, let signedHeaders, let signature else {
            let missing = [("Credential", credential), ("SignedHeaders", signedHeaders), ("Signature", signature)]
                .filter { $0.1 == nil }.map(\.0).joined(separator: ", ")
            throw Self.malformed("the authorization header requires Credential, SignedHeaders and Signature; missing \(missing).")
        }
        guard let scope = CredentialScope(credential: credential) else {
            throw Self.malformed("the Credential \"\(credential)\" is mal-formed; expecting \"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\".")
        }
        guard !signedHeaders.isEmpty else { throw Self.malformed("the SignedHeaders component is empty.") }
        return (scope, signedHeaders, signature)
    }

    /// Creates the header from its parts (for signing).
    public init(credential: CredentialScope, signedHeaders: String, signature: String) {
        self.credential = credential
        self.signedHeaders = signedHeaders
        self.signature = signature
    }

    /// The header value in the form the SDKs send (`, ` between components, as botocore does).
    public var headerValue: String {
        "\(SigV4.algorithm) Credential=\(credential.credential), SignedHeaders=\(signedHeaders), Signature=\(signature)"
    }

    static func malformed(_ reason: String) -> TarnError {
        TarnError(.authorizationHeaderMalformed, "The authorization header is malformed; \(reason)")
    }
}

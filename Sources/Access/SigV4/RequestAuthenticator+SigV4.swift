import TarnCore

/// SigV4 verification: the `Authorization` header form and the presigned-URL form.
///
/// Both recompute the signature from the request as received (Amazon S3 API Reference,
/// "Authenticating Requests (AWS Signature Version 4)"): canonical request → string to sign →
/// HMAC with the signing key derived for the credential scope, then compare.
extension RequestAuthenticator {
    /// The parts of a SigV4 request that both forms share once parsed.
    struct SigV4Claim {
        var scope: CredentialScope
        var signedHeaders: Substring
        var signature: Substring
        /// The request time as it enters the string to sign (`yyyyMMdd'T'HHmmss'Z'`).
        var amzDate: String
        var requestTime: Int64
        var isQuery: Bool
        var expiresAt: Int64?
    }

    /// Verifies `Authorization: AWS4-HMAC-SHA256 …`.
    func verifySigV4Header(_ request: AWSRequest, authorization: Substring, expectedService: String?, now: Int64) throws
        -> Authentication
    {
        let parsed = try SigV4Authorization.parse(authorization)
        let amzDate: String
        let requestTime: Int64
        if let header = request.headers["x-amz-date"] {
            guard let time = AMZDate.parseISO8601Basic(header) else { throw Self.missingDate() }
            (amzDate, requestTime) = (header, time)
        } else if let header = request.headers["date"] {
            guard let time = AMZDate.parseHTTPDate(header) ?? AMZDate.parseISO8601Basic(header) else { throw Self.missingDate() }
            (amzDate, requestTime) = (AMZDate.iso8601Basic(time), time)
        } else {
            throw Self.missingDate()
        }
        let claim = SigV4Claim(
            scope: parsed.credential, signedHeaders: parsed.signedHeaders, signature: parsed.signature,
            amzDate: amzDate, requestTime: requestTime, isQuery: false)
        return try verifySigV4(request, claim: claim, expectedService: expectedService, now: now)
    }

    /// Verifies a presigned URL (`X-Amz-Algorithm`, `X-Amz-Credential`, `X-Amz-Date`,
    /// `X-Amz-Expires`, `X-Amz-SignedHeaders`, `X-Amz-Signature`).
    func verifySigV4Query(_ request: AWSRequest, expectedService: String?, now: Int64) throws -> Authentication {
        let query = request.query
        guard let algorithm = query["X-Amz-Algorithm"], let credential = query["X-Amz-Credential"],
            let signature = query["X-Amz-Signature"], let date = query["X-Amz-Date"],
            let signedHeaders = query["X-Amz-SignedHeaders"], let expiresText = query["X-Amz-Expires"]
        else {
            throw TarnError(
                .authorizationQueryParametersError,
                "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.")
        }
        guard algorithm == SigV4.algorithm else {
            throw TarnError(.authorizationQueryParametersError, "X-Amz-Algorithm only supports \"\(SigV4.algorithm)\"")
        }
        guard let scope = CredentialScope(credential: credential) else {
            throw TarnError(
                .authorizationQueryParametersError,
                "Error parsing the X-Amz-Credential parameter; the Credential \"\(credential)\" is mal-formed; expecting \"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\".")
        }
        guard let requestTime = AMZDate.parseISO8601Basic(date) else {
            throw TarnError(
                .authorizationQueryParametersError,
                "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"; got \"\(date)\"")
        }
        guard let expires = Int64(expiresText) else {
            throw TarnError(.authorizationQueryParametersError, "X-Amz-Expires should be a number; got \"\(expiresText)\"")
        }
        guard expires >= 0 else {
            throw TarnError(.authorizationQueryParametersError, "X-Amz-Expires must be non-negative; got \(expires)")
        }
        guard expires >= 1 else {
            throw TarnError(.authorizationQueryParametersError, "X-Amz-Expires must be at least 1 second; got \(expires)")
        }
        guard expires <= SigV4.maxPresignedExpiry else {
            throw TarnError(
                .authorizationQueryParametersError,
                "X-Amz-Expires must be less than a week (in seconds) that is \(SigV4.maxPresignedExpiry); got \(expires)")
        }
        guard !signedHeaders.isEmpty else {
            throw TarnError(.authorizationQueryParametersError, "X-Amz-SignedHeaders must not be empty")
        }
        let claim = SigV4Claim(
            scope: scope, signedHeaders: signedHeaders[...], signature: signature[...], amzDate: date, requestTime: requestTime,
            isQuery: true, expiresAt: requestTime + expires)
        return try verifySigV4(request, claim: claim, expectedService: expectedService, now: now)
    }

    /// The checks and signature comparison common to both forms, in the order S3 reports them:
    /// credential scope, access key, time, session token, payload mode, signature.
    func verifySigV4(_ request: AWSRequest, claim: SigV4Claim, expectedService: String?, now: Int64) throws -> Authentication {
        let scope = claim.scope
        try checkScope(claim, expectedService: expectedService)
        guard claim.signedHeaders.containsPiece("host", separator: UInt8(ascii: ";")) else {
            throw scopeError(claim.isQuery, "'Host' must be a 'SignedHeader' in the AWS Authorization.")
        }
        guard let stored = try credentials.credential(forAccessKeyID: scope.accessKeyID) else {
            throw Self.unknownAccessKey(scope.accessKeyID)
        }
        try checkTime(claim, now: now)
        let sessionToken = claim.isQuery
            ? request.query["X-Amz-Security-Token"] ?? request.headers["x-amz-security-token"]
            : request.headers["x-amz-security-token"]
        try Self.checkSessionToken(sessionToken, stored: stored)

        // The last line of the canonical request.
        let payloadHash: String
        let mode: PayloadMode?
        if let header = request.payloadHashHeader ?? (claim.isQuery ? request.query["X-Amz-Content-Sha256"] : nil) {
            mode = try Self.payloadMode(header)
            payloadHash = header
        } else if scope.service == "s3" {
            // S3 presigned URLs sign the literal UNSIGNED-PAYLOAD; header-signed S3 requests must
            // carry x-amz-content-sha256.
            guard claim.isQuery else {
                throw TarnError(.invalidRequest, "Missing required header for this request: x-amz-content-sha256")
            }
            mode = .unsigned
            payloadHash = PayloadMode.unsigned.headerValue
        } else if let body = request.bodySHA256 {
            mode = nil
            payloadHash = body
        } else {
            throw TarnError(
                .internal,
                "verifying a \(scope.service) request needs AWSRequest.bodySHA256: the \(scope.service) SDKs sign the body hash without sending it")
        }

        let path = configuration.pathCanonicalization[scope.service] ?? .forService(scope.service)
        let skipping: [String] =
            !claim.isQuery ? []
            : configuration.unsignedSessionTokenServices.contains(scope.service)
                ? ["X-Amz-Signature", "X-Amz-Security-Token"] : ["X-Amz-Signature"]
        let canonical = CanonicalRequest.build(
            request, path: path, skipping: skipping,
            signedHeaders: claim.signedHeaders, payloadHash: payloadHash)
        let stringToSign = CanonicalRequest.stringToSign(canonicalRequest: canonical, amzDate: claim.amzDate, scope: scope)
        let key = keyCache.key(
            secret: stored.credentials.secretAccessKey, date: scope.date, region: scope.region, service: scope.service)
        let computed = SigningKey.signatureHex(key: key, message: stringToSign)
        guard SigningKey.constantTimeEquals(computed, claim.signature.utf8) else {
            throw Self.signatureMismatch(
                accessKeyID: scope.accessKeyID, stringToSign: stringToSign, provided: String(claim.signature), canonicalRequest: canonical)
        }

        if claim.isQuery && scope.service == "s3" {
            // S3 refuses x-amz-* headers that a presigned URL's signature does not cover.
            let unsigned = request.headers.fields.map(\.name)
                .filter { $0.hasPrefix("x-amz-") && !claim.signedHeaders.containsPiece($0, separator: UInt8(ascii: ";")) }
            if !unsigned.isEmpty {
                throw TarnError(
                    .accessDenied, "There were headers present in the request which were not signed",
                    details: [.init("HeadersNotSigned", unsigned.joined(separator: ", "))])
            }
        }

        let payload: PayloadRule
        switch mode {
        case nil: payload = .verified
        case .sha256(let hex)?: payload = try literalPayloadRule(hex, request: request)
        case .unsigned?: payload = .unsigned
        case .streamingUnsignedTrailer?: payload = .awsChunked(try chunkedConfiguration(request, mode: .streamingUnsignedTrailer, signing: nil))
        case let streaming?:
            let signing = AWSChunkedDecoder.Signing(
                key: key, amzDate: claim.amzDate, scope: scope.scope, seedSignature: String(decoding: computed, as: UTF8.self))
            payload = .awsChunked(try chunkedConfiguration(request, mode: streaming, signing: signing))
        }
        return Authentication(
            scheme: claim.isQuery ? .sigV4Query : .sigV4Header, principal: stored.principal, accessKeyID: scope.accessKeyID,
            service: scope.service, region: scope.region, requestTime: claim.requestTime, expiresAt: claim.expiresAt,
            sessionToken: sessionToken, payload: payload)
    }

    /// Date, region, service and terminator of the credential scope.
    private func checkScope(_ claim: SigV4Claim, expectedService: String?) throws {
        let scope = claim.scope
        guard claim.amzDate.hasPrefix(scope.date) else {
            throw scopeError(
                claim.isQuery,
                "Invalid credential date \"\(scope.date)\". This date is not the same as X-Amz-Date: \"\(claim.amzDate.prefix(8))\".")
        }
        guard scope.region == configuration.region else {
            var error = scopeError(claim.isQuery, "the region '\(scope.region)' is wrong; expecting '\(configuration.region)'")
            error.details.append(.init("Region", configuration.region))
            throw error
        }
        if let expectedService {
            guard scope.service == expectedService else {
                throw scopeError(claim.isQuery, "incorrect service \"\(scope.service)\". This endpoint belongs to \"\(expectedService)\".")
            }
        } else if !configuration.services.contains(scope.service) {
            throw scopeError(
                claim.isQuery,
                "incorrect service \"\(scope.service)\". This endpoint serves \(configuration.services.sorted().map { "\"\($0)\"" }.joined(separator: ", ")).")
        }
        guard scope.terminator == SigV4.terminator else {
            throw scopeError(claim.isQuery, "incorrect terminal \"\(scope.terminator)\". This endpoint uses \"\(SigV4.terminator)\".")
        }
    }

    /// A malformed-credential error in the form of the request's signing method.
    private func scopeError(_ isQuery: Bool, _ reason: String) -> TarnError {
        isQuery
            ? TarnError(.authorizationQueryParametersError, "Error parsing the X-Amz-Credential parameter; \(reason)")
            : TarnError(.authorizationHeaderMalformed, "The authorization header is malformed; \(reason)")
    }

    /// Skew for header-signed requests; validity window for presigned URLs.
    private func checkTime(_ claim: SigV4Claim, now: Int64) throws {
        if let expiresAt = claim.expiresAt {
            if claim.requestTime - now > configuration.maxClockSkew {
                throw TarnError(
                    .accessDenied, "Request is not valid yet",
                    details: [
                        .init("X-Amz-Date", claim.amzDate), .init("ServerTime", AMZDate.iso8601Extended(now)),
                    ])
            }
            if now > expiresAt {
                throw TarnError(
                    .accessDenied, "Request has expired",
                    details: [
                        .init("X-Amz-Expires", String(expiresAt - claim.requestTime)),
                        .init("Expires", AMZDate.iso8601Extended(expiresAt)),
                        .init("ServerTime", AMZDate.iso8601Extended(now)),
                    ])
            }
        } else {
            try checkSkew(requestTime: claim.requestTime, shownAs: claim.amzDate, now: now)
        }
    }

    /// `RequestTimeTooSkewed` when the request time is more than the allowed skew away.
    func checkSkew(requestTime: Int64, shownAs: String, now: Int64) throws {
        guard abs(requestTime - now) > configuration.maxClockSkew else { return }
        throw TarnError(
            .requestTimeTooSkewed, "The difference between the request time and the current time is too large.",
            details: [
                .init("RequestTime", shownAs), .init("ServerTime", AMZDate.iso8601Extended(now)),
                .init("MaxAllowedSkewMilliseconds", String(configuration.maxClockSkew * 1000)),
            ])
    }

    static func missingDate() -> TarnError {
        TarnError(.accessDenied, "AWS authentication requires a valid Date or x-amz-date header")
    }

    static func unknownAccessKey(_ accessKeyID: String) -> TarnError {
        TarnError(
            .invalidAccessKeyId, "The AWS Access Key Id you provided does not exist in our records.",
            details: [.init("AWSAccessKeyId", accessKeyID)])
    }

    /// Temporary credentials must bring their own token; long-term ones must bring none.
    static func checkSessionToken(_ token: String?, stored: StoredCredential) throws {
        switch (stored.credentials.sessionToken, token) {
        case (nil, nil): return
        case (let expected?, let presented?) where SigningKey.constantTimeEquals(expected.utf8, presented.utf8): return
        case (_?, nil): throw unknownAccessKey(stored.credentials.accessKeyID)
        default: throw TarnError(.invalidToken, "The provided token is malformed or otherwise invalid.")
        }
    }

    /// `SignatureDoesNotMatch` with the details S3 returns, so a client author can diff their
    /// canonical request against ours.
    static func signatureMismatch(accessKeyID: String, stringToSign: [UInt8], provided: String, canonicalRequest: [UInt8]?)
        -> TarnError
    {
        var details: [TarnError.Detail] = [
            .init("AWSAccessKeyId", accessKeyID),
            .init("StringToSign", String(decoding: stringToSign, as: UTF8.self)),
            .init("SignatureProvided", provided),
            .init("StringToSignBytes", spacedHex(stringToSign)),
        ]
        if let canonicalRequest {
            details.append(.init("CanonicalRequest", String(decoding: canonicalRequest, as: UTF8.self)))
            details.append(.init("CanonicalRequestBytes", spacedHex(canonicalRequest)))
        }
        return TarnError(
            .signatureDoesNotMatch,
            "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
            details: details)
    }

    /// `41 57 53 34`: S3's `…Bytes` detail format.
    static func spacedHex(_ bytes: [UInt8]) -> String {
        bytes.map { Hex.encode([$0]) }.joined(separator: " ")
    }
}

/// The `Credential` of a SigV4 request: `<access key id>/<yyyyMMdd>/<region>/<service>/aws4_request`.
///
/// The part after the access key id is the *credential scope*, the third line of the string to
/// sign; the signing key is derived from exactly these values, so one key signs one day, region
/// and service.
public struct CredentialScope: Sendable, Equatable {
    /// The access key id.
    public var accessKeyID: String
    /// The scope date, `yyyyMMdd`.
    public var date: String
    /// The region, e.g. `us-east-1`.
    public var region: String
    /// The service, e.g. `s3`.
    public var service: String
    /// The terminator; valid scopes end in `aws4_request`.
    public var terminator: String

    /// Creates a scope.
    public init(accessKeyID: String, date: String, region: String, service: String, terminator: String = SigV4.terminator) {
        self.accessKeyID = accessKeyID
        self.date = date
        self.region = region
        self.service = service
        self.terminator = terminator
    }

    /// Parses `AKID/date/region/service/terminator`; `nil` unless it has exactly five non-empty
    /// parts and an 8-digit date.
    public init?(credential: some StringProtocol) {
        var parts: (Substring, Substring, Substring, Substring, Substring) = ("", "", "", "", "")
        var count = 0
        var empty = false
        Substring(credential).forEachPiece(byte: UInt8(ascii: "/"), omittingEmpty: false) { piece in
            empty = empty || piece.isEmpty
            switch count {
            case 0: parts.0 = piece
            case 1: parts.1 = piece
            case 2: parts.2 = piece
            case 3: parts.3 = piece
            case 4: parts.4 = piece
            default: break
            }
            count += 1
        }
        guard count == 5, !empty, parts.1.utf8.count == 8,
            parts.1.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
        else { return nil }
        self.init(
            accessKeyID: String(parts.0), date: String(parts.1), region: String(parts.2), service: String(parts.3),
            terminator: String(parts.4))
    }

    /// `date/region/service/terminator`, the string to sign's scope line.
    public var scope: String { "\(date)/\(region)/\(service)/\(terminator)" }

    /// `AKID/date/region/service/terminator`, as sent in `Credential=` / `X-Amz-Credential`.
    public var credential: String { "\(accessKeyID)/\(scope)" }
}

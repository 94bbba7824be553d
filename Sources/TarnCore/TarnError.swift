/// An error with a stable, machine-readable code and a message that carries its values.
///
/// Public error types in Tarn are structs with a code rather than enums so that new cases can be
/// added without breaking callers that switch over them. Modules define their codes as static
/// members in extensions (`TarnError.Code.noSuchKey`), and the server maps codes to the AWS error
/// code and HTTP status the client expects.
public struct TarnError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A stable identifier for the kind of failure.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        /// The identifier, e.g. `"NoSuchKey"`; for AWS-facing errors it is the AWS error code.
        public let rawValue: String
        /// Creates a code from its identifier.
        public init(rawValue: String) { self.rawValue = rawValue }
        /// Creates a code from its identifier.
        public init(_ rawValue: String) { self.rawValue = rawValue }
        /// The identifier.
        public var description: String { rawValue }
    }

    /// What kind of failure this is.
    public var code: Code
    /// A human-readable explanation naming the values involved.
    public var message: String
    /// Extra named values that AWS puts next to `Code` and `Message` in its error bodies, in the
    /// order AWS writes them (S3's `SignatureDoesNotMatch` carries `StringToSign` and
    /// `CanonicalRequest`, `RequestTimeTooSkewed` carries `ServerTime`). Empty for most errors.
    public var details: [Detail]

    /// One extra named value of an error body, e.g. `Region` = `us-east-1`.
    public struct Detail: Sendable, Equatable {
        /// The element name AWS uses, e.g. `"CanonicalRequest"`.
        public var name: String
        /// The value, as text.
        public var value: String
        /// Creates a detail.
        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    /// Creates an error.
    /// - Parameters:
    ///   - code: the stable code.
    ///   - message: an explanation that names the values involved ("expected 4 bytes at 81920, read 1").
    ///   - details: extra named values for the error body; none by default.
    public init(_ code: Code, _ message: String, details: [Detail] = []) {
        self.code = code
        self.message = message
        self.details = details
    }

    /// The value of the detail called `name`, if present.
    public func detail(_ name: String) -> String? {
        details.first { $0.name == name }?.value
    }

    /// `"Code: message"`.
    public var description: String { "\(code.rawValue): \(message)" }
}

extension TarnError.Code {
    /// An argument or input value is invalid.
    public static let invalidArgument = Self("InvalidArgument")
    /// A file or stored structure is malformed.
    public static let corrupt = Self("Corrupt")
    /// An operating-system call failed.
    public static let io = Self("IOError")
    /// A requested thing does not exist.
    public static let notFound = Self("NotFound")
    /// The operation conflicts with current state.
    public static let conflict = Self("Conflict")
    /// A feature is recognised but not supported by this build.
    public static let unsupported = Self("Unsupported")
    /// An internal invariant failed; this is a bug in Tarn.
    public static let `internal` = Self("InternalError")
    /// A resource limit (memory, size) was exceeded.
    public static let limitExceeded = Self("LimitExceeded")
}

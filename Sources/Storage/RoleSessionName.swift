/// STS role session names, as the workers that act as roles (ETL jobs, mart refreshes, Firehose
/// deliveries) make them from their own names.
///
/// STS `AssumeRole`: "RoleSessionName … Length Constraints: Minimum length of 2. Maximum length
/// of 64. Pattern: `[\w+=,.@-]*`" — `\w` being ASCII letters, digits and `_`, as IAM's own name
/// check (`IAMNames.validate`) reads it.
public enum RoleSessionName {
    /// The longest session name STS accepts.
    public static let maxLength = 64

    /// `text` as a session name: every character outside `[A-Za-z0-9_+=,.@-]` becomes `-`, and
    /// the result is cut to 64 characters. Callers start `text` with a prefix of their own
    /// (`firehose-`, `mart-`, the job name), so it is never shorter than two.
    ///
    /// ```swift
    /// RoleSessionName.cleaned("nightly sales@run-7")   // "nightly-sales@run-7"
    /// ```
    public static func cleaned(_ text: String) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(min(text.utf8.count, maxLength))
        // One `-` per character (not per UTF-8 byte), so `é` is one dash as it is one character.
        for character in text where bytes.count < maxLength {
            let allowed = character.isASCII && (character.isLetter || character.isNumber || "_+=,.@-".contains(character))
            bytes.append(allowed ? character.asciiValue ?? UInt8(ascii: "-") : UInt8(ascii: "-"))
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

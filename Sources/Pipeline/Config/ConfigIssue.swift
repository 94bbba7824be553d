import TarnCore

/// One mistake in a `lake.yaml`, with where it is.
public struct ConfigIssue: Sendable, Equatable, CustomStringConvertible, Comparable {
    /// 1-based line (0 when the mistake is about the file as a whole).
    public var line: Int
    /// The setting concerned, as a dotted path (`tables.sales.columns[2].type`).
    public var path: String
    /// What is wrong.
    public var message: String

    /// Creates an issue.
    public init(line: Int, path: String, message: String) {
        self.line = line
        self.path = path
        self.message = message
    }

    /// `line 12: tables.sales.columns[2].type: unknown type 'strin'`.
    public var description: String { "line \(line): \(path.isEmpty ? "" : path + ": ")\(message)" }

    public static func < (a: ConfigIssue, b: ConfigIssue) -> Bool { (a.line, a.path) < (b.line, b.path) }
}

/// Every mistake found in a configuration: `tarn validate` prints them all, `tarn apply`
/// refuses to change anything while there is one.
public struct ConfigErrors: Error, Sendable, CustomStringConvertible {
    /// The file the issues are in.
    public var source: String
    /// The issues, by line.
    public var issues: [ConfigIssue]

    /// Creates the error.
    public init(source: String, issues: [ConfigIssue]) {
        self.source = source
        self.issues = issues.sorted()
    }

    public var description: String {
        "\(source): \(issues.count) problem\(issues.count == 1 ? "" : "s")\n" + issues.map { "  \(source):\($0)" }.joined(separator: "\n")
    }

    /// As a `TarnError` (`InvalidArgument`) for callers that report those.
    public var tarnError: TarnError { TarnError(.invalidArgument, description) }
}

/// The Well-Architected pillars `tarn review` reports under.
public enum Pillar: String, Sendable, Codable, CaseIterable {
    /// Security.
    case security = "Security"
    /// Performance efficiency.
    case performance = "Performance efficiency"
    /// Cost optimization.
    case cost = "Cost optimization"
}

/// How much a finding matters; `tarn review --fail-on` compares against it.
public enum Severity: String, Sendable, Codable, CaseIterable, Comparable {
    /// Worth knowing.
    case low
    /// Should be fixed.
    case medium
    /// Fix now.
    case high

    /// Order by weight.
    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }

    var rank: Int {
        switch self {
        case .low: 0
        case .medium: 1
        case .high: 2
        }
    }
}

/// One problem found in the live lake.
public struct Finding: Sendable, Codable, Equatable {
    /// The check's id, e.g. `cost.lifecycle-missing`.
    public var check: String
    /// The pillar.
    public var pillar: Pillar
    /// How much it matters.
    public var severity: Severity
    /// What it is about: `s3://bucket` or `s3://bucket/prefix/`.
    public var resource: String
    /// One line saying what is wrong.
    public var title: String
    /// The measurements that show it.
    public var evidence: [String]
    /// What fixing it would change, estimated from the lake's own data.
    public var effect: String
    /// How to fix it.
    public var fix: String
}

/// The result of a review.
public struct ReviewReport: Sendable, Codable, Equatable {
    /// Findings, by pillar then severity (highest first) then resource.
    public var findings: [Finding]
    /// Ids of the checks that ran.
    public var checksRun: [String]
    /// Checks that could not run in this build, with why.
    public var checksUnavailable: [String: String]

    /// Whether any finding is at least `severity`.
    public func hasFinding(atLeast severity: Severity) -> Bool { findings.contains { $0.severity >= severity } }
}

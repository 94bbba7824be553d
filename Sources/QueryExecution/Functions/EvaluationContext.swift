import Foundation
import TarnCore

/// Per-operator evaluation state: compiled LIKE and regular expression patterns, cached by
/// pattern text for the query's lifetime (each worker has its own, so no locking).
final class EvaluationContext {
    private var likePatterns: [String: LikePattern] = [:]
    private var regexes: [String: NSRegularExpression] = [:]

    func like(_ pattern: String, escape: String?) throws -> LikePattern {
        let key = (escape ?? "") + "\u{0}" + pattern
        if let cached = likePatterns[key] { return cached }
        let compiled = try LikePattern(pattern, escape: escape)
        likePatterns[key] = compiled
        return compiled
    }

    /// A compiled regular expression. Trino uses Java (joni) syntax; NSRegularExpression (ICU)
    /// accepts the same common constructs (classes, quantifiers, groups, anchors, `\d\w\s`).
    func regex(_ pattern: String) throws -> NSRegularExpression {
        if let cached = regexes[pattern] { return cached }
        do {
            let compiled = try NSRegularExpression(pattern: pattern)
            regexes[pattern] = compiled
            return compiled
        } catch {
            throw TarnError(.invalidValue, "Invalid regular expression '\(pattern)': \(error.localizedDescription)")
        }
    }
}

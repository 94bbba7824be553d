import Foundation

/// What lifecycle does to one object at a given moment.
public enum LifecycleAction: Sendable, Equatable {
    /// Delete the object (rule id).
    case expire(rule: String)
    /// Move it to another class (rule id).
    case transition(to: StorageClass, rule: String)
}

/// One future lifecycle step of an object, for `tarn lifecycle plan`.
public struct LifecycleEvent: Sendable, Equatable {
    /// The midnight (UTC) from which the step is due.
    public var due: Date
    /// The step.
    public var action: LifecycleAction
}

/// The object facts lifecycle rules look at.
public struct LifecycleSubject: Sendable, Equatable {
    /// Key.
    public var key: String
    /// Size in bytes.
    public var size: Int64
    /// Tags.
    public var tags: [Tag]
    /// Creation time (Last-Modified: a transition does not change it).
    public var created: Date
    /// Current class.
    public var storageClass: StorageClass

    /// Creates a subject.
    public init(key: String, size: Int64, tags: [Tag], created: Date, storageClass: StorageClass) {
        self.key = key
        self.size = size
        self.tags = tags
        self.created = created
        self.storageClass = storageClass
    }

    /// The facts of a stored object.
    public init(_ object: ObjectInfo) {
        self.init(
            key: object.key, size: object.size, tags: object.attributes.tags, created: object.lastModified,
            storageClass: StorageClass(rawValue: object.attributes.storageClass) ?? .standard)
    }
}

/// Decides, from a bucket's lifecycle configuration, what is due for an object at a moment — as
/// a pure function of the configuration, the object and the date, so runs "as of" any day,
/// plans and cost projections all use the same logic.
///
/// S3's precedence (docs: lifecycle-conflicts.html): permanent deletion wins over transition;
/// when several transitions are due, the one furthest down the waterfall (the cheapest class)
/// wins; a transition never goes back up the chain.
public struct LifecycleEvaluator: Sendable {
    /// The configuration evaluated.
    public let configuration: LifecycleConfiguration

    /// Creates an evaluator.
    public init(_ configuration: LifecycleConfiguration) { self.configuration = configuration }

    /// The enabled rules whose filter matches `subject`.
    public func matchingRules(_ subject: LifecycleSubject) -> [LifecycleRule] {
        configuration.rules.filter { $0.enabled && $0.filter.matches(key: subject.key, size: subject.size, tags: subject.tags) }
    }

    /// Whether a transition of `rule` to `target` may move an object of `size` under the
    /// default minimum transition size.
    func sizeAllows(_ rule: LifecycleRule, size: Int64, target: StorageClass) -> Bool {
        guard size < TransitionMinimumSize.threshold, !rule.filter.hasSizeCondition else { return true }
        switch configuration.transitionMinimumSize {
        case .allStorageClasses128K: return false
        case .variesByStorageClass: return target == .glacier || target == .deepArchive
        }
    }

    /// What is due for `subject` at `date`, or nil when nothing is.
    public func action(for subject: LifecycleSubject, at date: Date) -> LifecycleAction? {
        let rules = matchingRules(subject)
        for rule in rules {
            if let timing = rule.expiration?.timing, timing.due(created: subject.created) <= date { return .expire(rule: rule.id) }
        }
        var best: (StorageClass, String)? = nil
        for rule in rules {
            for transition in rule.transitions where transition.timing.due(created: subject.created) <= date {
                guard subject.storageClass.canTransition(to: transition.storageClass),
                    sizeAllows(rule, size: subject.size, target: transition.storageClass)
                else { continue }
                if best == nil || transition.storageClass > best!.0 { best = (transition.storageClass, rule.id) }
            }
        }
        return best.map { .transition(to: $0.0, rule: $0.1) }
    }

    /// Every step lifecycle will take for `subject` after `date` (exclusive) if nothing else
    /// changes it, in order, ending with its expiration if it has one.
    public func schedule(for subject: LifecycleSubject, after date: Date) -> [LifecycleEvent] {
        let rules = matchingRules(subject)
        var dues = Set<Date>()
        for rule in rules {
            if let timing = rule.expiration?.timing { dues.insert(timing.due(created: subject.created)) }
            for transition in rule.transitions { dues.insert(transition.timing.due(created: subject.created)) }
        }
        var current = subject
        var events: [LifecycleEvent] = []
        // Whatever is already due is applied at the next run, i.e. `date` itself.
        for due in ([date] + dues.filter { $0 > date }.sorted()) {
            guard let action = action(for: current, at: due) else { continue }
            events.append(LifecycleEvent(due: due, action: action))
            switch action {
            case .expire: return events
            case .transition(let target, _): current.storageClass = target
            }
        }
        return events
    }

    /// When an incomplete multipart upload of `key` started at `initiated` is due to be
    /// aborted, or nil (prefix-only rules apply: S3 refuses the action with tag filters).
    public func abortDue(key: String, initiated: Date) -> (due: Date, rule: String)? {
        var best: (Date, String)? = nil
        for rule in configuration.rules where rule.enabled {
            guard let days = rule.abortIncompleteMultipartUploadDays else { continue }
            if let prefix = rule.filter.prefix, !key.utf8.starts(with: prefix.utf8) { continue }
            let due = LifecycleTiming.days(days).due(created: initiated)
            if best == nil || due < best!.0 { best = (due, rule.id) }
        }
        return best
    }
}

import Foundation
import Storage
import TarnCore

/// S3's `LifecycleConfiguration` XML (docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketLifecycleConfiguration.html)
/// to and from `LifecycleConfiguration`. Structural problems (unknown storage classes, a filter
/// with two conditions outside `<And>`, numbers that are not numbers) are `MalformedXML`, as in
/// S3; the semantic checks live in `LifecycleConfiguration.validate`.
enum LifecycleXML {
    /// The request header and response header naming the default minimum transition size.
    static let minimumSizeHeader = "x-amz-transition-default-minimum-object-size"

    /// The classes the schema's `TransitionStorageClass` allows.
    static let transitionClasses: Set<StorageClass> = [.standardIA, .oneZoneIA, .intelligentTiering, .glacierIR, .glacier, .deepArchive]

    static func parse(_ body: [UInt8], minimumSize: String?) throws -> LifecycleConfiguration {
        let document = try XMLDocument.parse(body)
        guard document.name == "LifecycleConfiguration" else {
            throw XMLDocument.malformed("expected LifecycleConfiguration, found \(document.name)")
        }
        var transitionMinimumSize = TransitionMinimumSize.allStorageClasses128K
        if let minimumSize {
            guard let value = TransitionMinimumSize(rawValue: minimumSize) else {
                throw TarnError(.invalidArgument, "Invalid value for \(minimumSizeHeader): \(minimumSize)")
            }
            transitionMinimumSize = value
        }
        let rules = try document.children("Rule").map(parseRule)
        return LifecycleConfiguration(rules: rules, transitionMinimumSize: transitionMinimumSize)
    }

    static func parseRule(_ element: XMLElement) throws -> LifecycleRule {
        let id = element.value("ID").flatMap { $0.isEmpty ? nil : $0 } ?? Identifiers.randomToken(length: 48)
        let enabled: Bool
        switch element.value("Status") {
        case "Enabled": enabled = true
        case "Disabled": enabled = false
        default: throw XMLDocument.malformed("Rule \(id): Status must be Enabled or Disabled")
        }
        var filter: LifecycleFilter
        if let filterElement = element.child("Filter") {
            guard element.child("Prefix") == nil else { throw XMLDocument.malformed("Rule \(id): both Prefix and Filter") }
            filter = try parseFilter(filterElement, rule: id)
        } else if let prefix = element.child("Prefix") {
            filter = LifecycleFilter(prefix: prefix.text, legacyPrefix: true)
        } else {
            throw XMLDocument.malformed("Rule \(id): a Filter or Prefix is required")
        }
        filter.legacyPrefix = element.child("Filter") == nil
        let transitions = try element.children("Transition").map { transition in
            LifecycleTransition(timing: try timing(transition, rule: id, what: "Transition"), storageClass: try transitionClass(transition, rule: id))
        }
        var expiration: LifecycleExpiration? = nil
        if let element = element.child("Expiration") {
            let marker = try element.value("ExpiredObjectDeleteMarker").map { text -> Bool in
                guard let flag = Bool(text) else { throw XMLDocument.malformed("Rule \(id): ExpiredObjectDeleteMarker must be true or false") }
                return flag
            }
            let hasTiming = element.child("Days") != nil || element.child("Date") != nil
            expiration = LifecycleExpiration(timing: hasTiming ? try timing(element, rule: id, what: "Expiration") : nil, expiredObjectDeleteMarker: marker)
        }
        let abortDays = try element.child("AbortIncompleteMultipartUpload").map { try integer($0, "DaysAfterInitiation", rule: id) }
        let noncurrentTransitions = try element.children("NoncurrentVersionTransition").map { transition in
            NoncurrentTransition(
                days: try integer(transition, "NoncurrentDays", rule: id), storageClass: try transitionClass(transition, rule: id),
                newerNoncurrentVersions: try transition.child("NewerNoncurrentVersions").map { _ in try integer(transition, "NewerNoncurrentVersions", rule: id) })
        }
        let noncurrentExpiration = element.child("NoncurrentVersionExpiration")
        return LifecycleRule(
            id: id, enabled: enabled, filter: filter, transitions: transitions, expiration: expiration, abortIncompleteMultipartUploadDays: abortDays,
            noncurrentTransitions: noncurrentTransitions,
            noncurrentExpirationDays: try noncurrentExpiration.map { try integer($0, "NoncurrentDays", rule: id) },
            newerNoncurrentVersions: try noncurrentExpiration?.child("NewerNoncurrentVersions").map { _ in
                try integer(noncurrentExpiration!, "NewerNoncurrentVersions", rule: id)
            })
    }

    static func parseFilter(_ element: XMLElement, rule: String) throws -> LifecycleFilter {
        let conditions = element.children.filter { ["Prefix", "Tag", "ObjectSizeGreaterThan", "ObjectSizeLessThan", "And"].contains($0.name) }
        guard conditions.count == element.children.count else {
            throw XMLDocument.malformed("Rule \(rule): unexpected element in Filter")
        }
        guard conditions.count <= 1 else {
            throw XMLDocument.malformed("Rule \(rule): a Filter holds one condition; combine several with And")
        }
        guard let condition = conditions.first else { return LifecycleFilter() }
        if condition.name == "And" { return try conditionsFilter(condition.children, rule: rule) }
        return try conditionsFilter([condition], rule: rule)
    }

    static func conditionsFilter(_ elements: [XMLElement], rule: String) throws -> LifecycleFilter {
        var filter = LifecycleFilter()
        for element in elements {
            switch element.name {
            case "Prefix":
                guard filter.prefix == nil else { throw XMLDocument.malformed("Rule \(rule): two Prefix elements") }
                filter.prefix = element.text
            case "Tag":
                guard let key = element.value("Key") else { throw XMLDocument.malformed("Rule \(rule): Tag without Key") }
                filter.tags.append(Tag(key: key, value: element.value("Value") ?? ""))
            case "ObjectSizeGreaterThan":
                guard let value = Int64(element.text.trimmingCharacters(in: .whitespaces)) else {
                    throw XMLDocument.malformed("Rule \(rule): ObjectSizeGreaterThan '\(element.text)' is not an integer")
                }
                filter.objectSizeGreaterThan = value
            case "ObjectSizeLessThan":
                guard let value = Int64(element.text.trimmingCharacters(in: .whitespaces)) else {
                    throw XMLDocument.malformed("Rule \(rule): ObjectSizeLessThan '\(element.text)' is not an integer")
                }
                filter.objectSizeLessThan = value
            default:
                throw XMLDocument.malformed("Rule \(rule): unexpected \(element.name) in And")
            }
        }
        return filter
    }

    static func integer(_ element: XMLElement, _ name: String, rule: String) throws -> Int {
        guard let text = element.value(name), let value = Int(text.trimmingCharacters(in: .whitespaces)) else {
            throw XMLDocument.malformed("Rule \(rule): \(element.name)/\(name) must be an integer")
        }
        return value
    }

    static func transitionClass(_ element: XMLElement, rule: String) throws -> StorageClass {
        guard let text = element.value("StorageClass"), let value = StorageClass(rawValue: text), transitionClasses.contains(value) else {
            throw XMLDocument.malformed("Rule \(rule): \(element.name) StorageClass '\(element.value("StorageClass") ?? "")' is not a transition storage class")
        }
        return value
    }

    static func timing(_ element: XMLElement, rule: String, what: String) throws -> LifecycleTiming {
        let days = element.child("Days"), date = element.child("Date")
        switch (days, date) {
        case (.some, .some):
            throw TarnError(.invalidArgument, "Only one of Days or Date may be specified in a \(what) action (rule \(rule))")
        case (.some, nil):
            return .days(try integer(element, "Days", rule: rule))
        case (nil, .some(let date)):
            guard let parsed = parseDate(date.text) else { throw XMLDocument.malformed("Rule \(rule): \(what) Date '\(date.text)' is not an ISO 8601 date") }
            return .date(parsed)
        case (nil, nil):
            throw XMLDocument.malformed("Rule \(rule): \(what) needs Days or Date")
        }
    }

    /// ISO 8601 with or without fractional seconds, or a bare `YYYY-MM-DD`.
    static func parseDate(_ text: String) -> Date? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let day = UTCDays.parse(trimmed) { return day }
        let formatter = ISO8601DateFormatter()
        if let date = formatter.date(from: trimmed) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: trimmed)
    }

    static func render(_ configuration: LifecycleConfiguration) -> XMLWriter {
        var writer = XMLWriter()
        writer.element("LifecycleConfiguration", namespace: true) { xml in
            for rule in configuration.rules {
                xml.element("Rule") { entry in
                    entry.leaf("ID", rule.id)
                    if rule.filter.legacyPrefix {
                        entry.leaf("Prefix", rule.filter.prefix ?? "")
                    } else {
                        entry.element("Filter") { filterXML in
                            if rule.filter.conditionCount > 1 {
                                filterXML.element("And") { renderConditions(rule.filter, into: &$0) }
                            } else {
                                renderConditions(rule.filter, into: &filterXML)
                            }
                        }
                    }
                    entry.leaf("Status", rule.enabled ? "Enabled" : "Disabled")
                    for transition in rule.transitions {
                        entry.element("Transition") { item in
                            renderTiming(transition.timing, into: &item)
                            item.leaf("StorageClass", transition.storageClass.rawValue)
                        }
                    }
                    if let expiration = rule.expiration {
                        entry.element("Expiration") { item in
                            if let timing = expiration.timing { renderTiming(timing, into: &item) }
                            if let marker = expiration.expiredObjectDeleteMarker { item.leaf("ExpiredObjectDeleteMarker", marker ? "true" : "false") }
                        }
                    }
                    for transition in rule.noncurrentTransitions {
                        entry.element("NoncurrentVersionTransition") { item in
                            item.leaf("NoncurrentDays", String(transition.days))
                            item.leaf("StorageClass", transition.storageClass.rawValue)
                            if let newer = transition.newerNoncurrentVersions { item.leaf("NewerNoncurrentVersions", String(newer)) }
                        }
                    }
                    if let days = rule.noncurrentExpirationDays {
                        entry.element("NoncurrentVersionExpiration") { item in
                            item.leaf("NoncurrentDays", String(days))
                            if let newer = rule.newerNoncurrentVersions { item.leaf("NewerNoncurrentVersions", String(newer)) }
                        }
                    }
                    if let days = rule.abortIncompleteMultipartUploadDays {
                        entry.element("AbortIncompleteMultipartUpload") { $0.leaf("DaysAfterInitiation", String(days)) }
                    }
                }
            }
        }
        return writer
    }

    static func renderConditions(_ filter: LifecycleFilter, into xml: inout XMLWriter) {
        if let prefix = filter.prefix { xml.leaf("Prefix", prefix) }
        for tag in filter.tags {
            xml.element("Tag") { item in
                item.leaf("Key", tag.key)
                item.leaf("Value", tag.value)
            }
        }
        if let greater = filter.objectSizeGreaterThan { xml.leaf("ObjectSizeGreaterThan", String(greater)) }
        if let less = filter.objectSizeLessThan { xml.leaf("ObjectSizeLessThan", String(less)) }
    }

    static func renderTiming(_ timing: LifecycleTiming, into xml: inout XMLWriter) {
        switch timing {
        case .days(let days): xml.leaf("Days", String(days))
        case .date(let date): xml.leaf("Date", HTTPDate.iso8601(date))
        }
    }
}

/// One thing `tarn apply` creates, updates or removes, printed like a Terraform plan line.
public struct PipelineChange: Sendable, Equatable, CustomStringConvertible {
    /// What happens.
    public enum Action: String, Sendable, Equatable {
        /// Created.
        case create = "+"
        /// Changed in place.
        case update = "~"
        /// Removed.
        case delete = "-"
    }

    /// What happens.
    public var action: Action
    /// `bucket`, `database`, `job`, `mart`.
    public var kind: String
    /// Its name.
    public var name: String
    /// What changed, for updates.
    public var detail: String?

    /// Creates a change.
    public init(_ action: Action, _ kind: String, _ name: String, detail: String? = nil) {
        self.action = action
        self.kind = kind
        self.name = name
        self.detail = detail
    }

    /// `+ job dev.sales` / `~ job dev.sales (columns, triggers)`.
    public var description: String { "\(action.rawValue) \(kind) \(name)" + (detail.map { " (\($0))" } ?? "") }
}

extension [PipelineChange] {
    /// `Plan: 2 to add, 1 to change, 0 to destroy.`
    public var summary: String {
        let add = filter { $0.action == .create }.count, change = filter { $0.action == .update }.count
        let destroy = filter { $0.action == .delete }.count
        return isEmpty ? "No changes: the lake matches the configuration." : "\(add) to add, \(change) to change, \(destroy) to destroy."
    }
}

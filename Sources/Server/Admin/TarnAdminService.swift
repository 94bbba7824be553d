import Cost
import Foundation
import Lake
import Storage
import TarnCore

/// Tarn's own operations over the AWS JSON 1.1 protocol (`X-Amz-Target: TarnAdmin.<Operation>`,
/// signed for service `tarn`), so `tarn lifecycle`, `tarn cost` and `tarn review` run the same
/// code in-process and against the server that owns the data directory.
///
/// Operations: `RunLifecycle {AsOf?, DryRun?}`, `PlanLifecycle {AsOf?, Days?}`,
/// `CostReport {AsOf?, Years?}`, `Review {AsOf?}`; `AsOf` is `YYYY-MM-DD` (midnight UTC).
public struct TarnAdminService: AWSJSONService {
    /// The lake operated on.
    public let lake: Lake
    /// `TarnAdmin`.
    public var targetPrefix: String { "TarnAdmin" }
    /// `tarn`.
    public var signingName: String { "tarn" }

    /// Creates the service.
    public init(lake: Lake) { self.lake = lake }

    public func handle(operation: String, request: AWSJSONRequest) async throws -> AWSJSONValue {
        let asOf = try request.body["AsOf"]?.string.map { text -> Date in
            guard let date = UTCDays.parse(text) else { throw AWSJSONError("ValidationException", "AsOf must be YYYY-MM-DD, got '\(text)'") }
            return date
        }
        switch operation {
        case "RunLifecycle":
            return try Self.encode(try await lake.runLifecycle(asOf: asOf, dryRun: request.body["DryRun"]?.bool ?? false))
        case "PlanLifecycle":
            let days = request.body["Days"]?.int ?? 5 * 366
            guard days > 0 else { throw AWSJSONError("ValidationException", "Days must be positive") }
            return try Self.encode(["Actions": try lake.lifecyclePlan(asOf: asOf ?? lake.store.clock.now(), days: days)])
        case "CostReport":
            let years = request.body["Years"]?.int ?? 5
            guard (1...50).contains(years) else { throw AWSJSONError("ValidationException", "Years must be between 1 and 50") }
            return try Self.encode(try lake.costReport(asOf: asOf, years: years))
        case "Review":
            return try Self.encode(try lake.review(asOf: asOf))
        default:
            throw AWSJSONError("UnknownOperationException", "TarnAdmin has no operation \(operation)")
        }
    }

    /// Encodes a result as a JSON object (dates as ISO 8601).
    static func encode(_ value: some Encodable) throws -> AWSJSONValue {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        return try AWSJSONValue.parse(Array(try encoder.encode(value)))
    }
}

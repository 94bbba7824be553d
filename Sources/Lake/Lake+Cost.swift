import Cost
import Foundation
import Storage

extension Lake {
    /// `tarn cost`: the footprint by bucket, zone and class, its monthly cost at the configured
    /// prices, and the 5-year projection under each bucket's lifecycle rules — one pass over the
    /// object metadata.
    public func costReport(asOf: Date? = nil, years: Int = 5) throws -> CostReport {
        var builder = CostReportBuilder(prices: configuration.prices, asOf: asOf ?? store.clock.now(), years: years)
        for bucket in try store.buckets() {
            let evaluator = try store.lifecycleConfiguration(bucket: bucket.name).map(LifecycleEvaluator.init)
            var after: String? = nil
            while true {
                let page = try store.list(bucket: bucket.name, after: after, maxKeys: 1000)
                for object in page.objects { builder.add(object, lifecycle: evaluator) }
                guard page.isTruncated, let next = page.nextMarker else { break }
                after = next
            }
        }
        return builder.build(unavailable: [
            "queries: bytes scanned per table and workgroup, and Athena costs, need the query engine's history (query work, not in this build)",
            "workgroups: per-query bytes-scanned limits belong to the query engine (query work, not in this build)",
        ])
    }
}
